"""Known-good: 2.0-style joined-table inheritance whose discriminator attribute is named
differently from its column; one ordered SELECT per class, plain employees found with
where(discriminator == "employee"), lists built with list(...)."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Employee(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    type_: Mapped[str] = mapped_column("type", String(20))

    __mapper_args__ = {"polymorphic_on": type_, "polymorphic_identity": "employee"}


class Manager(Employee):
    id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    department: Mapped[str | None] = mapped_column(String(50))

    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(50))

    __mapper_args__ = {"polymorphic_identity": "engineer"}


def _names(stmt) -> list[str]:
    return list(db.session.scalars(stmt))


def staff_by_role() -> dict[str, list[str]]:
    return {
        "employee": _names(
            select(Employee.name).where(Employee.type_ == "employee").order_by(Employee.name)
        ),
        "manager": _names(select(Manager.name).order_by(Manager.name)),
        "engineer": _names(select(Engineer.name).order_by(Engineer.name)),
    }
