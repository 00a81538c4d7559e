from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Employee(db.Model):
    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(16))

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "employee"}


class Manager(Employee):
    __tablename__ = "managers"

    id: Mapped[int] = mapped_column(ForeignKey("employees.id"), primary_key=True)
    department: Mapped[str | None] = mapped_column(String(50))

    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    __tablename__ = "engineers"

    id: Mapped[int] = mapped_column(ForeignKey("employees.id"), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(50))

    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role() -> dict[str, list[str]]:
    plain = select(Employee.name).where(Employee.kind == "employee").order_by(Employee.name)
    managers = select(Manager.name).order_by(Manager.name)
    engineers = select(Engineer.name).order_by(Engineer.name)
    return {
        "employee": list(db.session.scalars(plain)),
        "manager": list(db.session.scalars(managers)),
        "engineer": list(db.session.scalars(engineers)),
    }
