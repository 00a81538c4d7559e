"""Known-good: joined-table inheritance loaded with polymorphic_load="selectin"; roles
found from each object's exact class, ordered in SQL."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Employee(db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    type: Mapped[str] = mapped_column(String(50))

    __mapper_args__ = {"polymorphic_identity": "employee", "polymorphic_on": "type"}


class Manager(Employee):
    id: Mapped[int] = mapped_column(ForeignKey(Employee.id), primary_key=True)
    department: Mapped[str] = mapped_column(String(50), nullable=True)

    __mapper_args__ = {"polymorphic_identity": "manager", "polymorphic_load": "selectin"}


class Engineer(Employee):
    id: Mapped[int] = mapped_column(ForeignKey(Employee.id), primary_key=True)
    language: Mapped[str] = mapped_column(String(50), nullable=True)

    __mapper_args__ = {"polymorphic_identity": "engineer", "polymorphic_load": "selectin"}


ROLE_OF = {Employee: "employee", Manager: "manager", Engineer: "engineer"}


def staff_by_role() -> dict[str, list[str]]:
    staff = db.session.scalars(db.select(Employee).order_by(Employee.name.asc())).all()
    result: dict[str, list[str]] = {role: [] for role in ROLE_OF.values()}
    for person in staff:
        result[ROLE_OF[type(person)]].append(person.name)
    return result
