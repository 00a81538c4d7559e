"""Known-bad: each role maps to the ScalarResult of db.session.scalars(...) (never .all()),
not to a list of names."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Employee(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(20))

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "employee"}


class Manager(Employee):
    department: Mapped[str | None] = mapped_column(String(50))
    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    language: Mapped[str | None] = mapped_column(String(50))
    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role():
    return {
        role: db.session.scalars(
            db.select(Employee.name).where(Employee.kind == role).order_by(Employee.name)
        )
        for role in ("employee", "manager", "engineer")
    }
