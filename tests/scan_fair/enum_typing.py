"""Roles as an enum column, typed with Mapped."""

from __future__ import annotations

import enum

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Enum, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Role(enum.StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls[text.upper()]
        except KeyError:
            return cls(text)


class Staff(db.Model):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False))
    manager_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff.id"))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} ({self.role.value})>"


def by_role() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {role.value: [] for role in Role.__members__.values()}
    for person in db.session.scalars(db.select(Staff).order_by(Staff.name)):
        groups[person.role.value].append(person.name)
    return groups
