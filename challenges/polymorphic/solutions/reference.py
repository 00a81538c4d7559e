"""Reference solution for polymorphic: single-table inheritance."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

ROLES = ("employee", "manager", "engineer")


class Employee(db.Model):
    __tablename__ = "employee"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    type = db.Column(db.String(20), nullable=False)

    __mapper_args__ = {
        "polymorphic_on": type,
        "polymorphic_identity": "employee",
    }

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {self.name}>"


class Manager(Employee):
    department = db.Column(db.String(50))

    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    language = db.Column(db.String(50))

    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role() -> dict[str, list[str]]:
    """The names of the staff of each exact identity, ascending."""
    result: dict[str, list[str]] = {role: [] for role in ROLES}
    rows = db.session.execute(
        db.select(Employee.type, Employee.name).order_by(Employee.name, Employee.id)
    )
    for role, name in rows:
        result[role].append(name)
    return result
