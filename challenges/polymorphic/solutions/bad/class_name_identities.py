"""Known-bad: the polymorphic identities are the class names ("Manager", ...) rather than "employee", "manager" and "engineer"."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Employee(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    type = db.Column(db.String(20), nullable=False)

    __mapper_args__ = {"polymorphic_on": type, "polymorphic_identity": "Employee"}


class Manager(Employee):
    department = db.Column(db.String(50))

    __mapper_args__ = {"polymorphic_identity": "Manager"}


class Engineer(Employee):
    language = db.Column(db.String(50))

    __mapper_args__ = {"polymorphic_identity": "Engineer"}


def staff_by_role():
    result = {"employee": [], "manager": [], "engineer": []}
    rows = db.session.execute(db.select(Employee.type, Employee.name).order_by(Employee.name))
    for role, name in rows:
        result[role.lower()].append(name)
    return result
