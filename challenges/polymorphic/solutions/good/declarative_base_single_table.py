"""Known-good: SQLAlchemy(model_class=Base) with a DeclarativeBase, single-table inheritance
with subclass columns declared nullable, __table_args__ on the base, one ordered SELECT of
(discriminator, name) rows grouped with setdefault."""

from typing import Optional

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Employee(db.Model):
    __tablename__ = "staff"
    __table_args__ = (CheckConstraint("kind IN ('employee', 'manager', 'engineer')"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(16))

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "employee"}


class Manager(Employee):
    department: Mapped[Optional[str]] = mapped_column(String(50), nullable=True)

    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    language: Mapped[Optional[str]] = mapped_column(String(50), nullable=True)

    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role() -> dict[str, list[str]]:
    """Names per exact identity, ascending."""
    grouped: dict[str, list[str]] = {}
    for role in ("employee", "manager", "engineer"):
        grouped.setdefault(role, [])
    rows = db.session.execute(select(Employee.kind, Employee.name).order_by(Employee.name.asc()))
    for kind, name in rows:
        grouped[kind].append(name)
    return grouped
