"""Dataclass models with eq=False and single-table inheritance: the discriminator is left to
the mapper (init=False) and each subclass's own column defaults to None, so that the
subclasses' constructors still take name first."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


class Base(MappedAsDataclass, DeclarativeBase, eq=False):
    pass


db = SQLAlchemy(model_class=Base)

ROLES = ("employee", "manager", "engineer")


class Employee(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(50))
    type: Mapped[str] = mapped_column(String(20), init=False)

    __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "employee"}


class Manager(Employee):
    department: Mapped[str | None] = mapped_column(String(50), default=None)

    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    language: Mapped[str | None] = mapped_column(String(50), default=None)

    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role() -> dict[str, list[str]]:
    result: dict[str, list[str]] = {role: [] for role in ROLES}
    for role, name in db.session.execute(
        select(Employee.type, Employee.name).order_by(Employee.name)
    ):
        result[role].append(name)
    return result
