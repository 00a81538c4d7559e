"""Known-good: single-table inheritance in 2.0 style, an Enum discriminator, sorting in Python."""

import enum

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Enum, String, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Role(str, enum.Enum):
    employee = "employee"
    manager = "manager"
    engineer = "engineer"


class Employee(db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    role: Mapped[str] = mapped_column(
        Enum("employee", "manager", "engineer", name="role"), nullable=False
    )

    __mapper_args__ = {"polymorphic_on": role, "polymorphic_identity": "employee"}


class Manager(Employee):
    department: Mapped[str | None] = mapped_column(String(50), nullable=True)

    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    language: Mapped[str | None] = mapped_column(String(50), nullable=True)

    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role() -> dict[str, list[str]]:
    result: dict[str, list[str]] = {role.value: [] for role in Role}
    for role, name in db.session.execute(select(Employee.role, Employee.name)):
        result[role].append(name)
    return {role: sorted(names) for role, names in result.items()}
