"""Known-bad: names are listed in whatever order the database returns them, with no ORDER BY or sort."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Employee(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    type: Mapped[str] = mapped_column(String(20))

    __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "employee"}


class Manager(Employee):
    id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    department: Mapped[str | None] = mapped_column(String(50))

    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(50))

    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role() -> dict[str, list[str]]:
    result: dict[str, list[str]] = {"employee": [], "manager": [], "engineer": []}
    for role, name in db.session.execute(select(Employee.type, Employee.name)):
        result[role].append(name)
    return result
