"""Known-bad: the dict is built from the rows found, so a role without staff is missing instead of mapping to []."""

from collections import defaultdict

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Employee(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    type = db.Column(db.String(20), nullable=False)

    __mapper_args__ = {"polymorphic_on": type, "polymorphic_identity": "employee"}


class Manager(Employee):
    department = db.Column(db.String(50))

    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    language = db.Column(db.String(50))

    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role():
    groups = defaultdict(list)
    rows = db.session.execute(db.select(Employee.type, Employee.name).order_by(Employee.name))
    for role, name in rows:
        groups[role].append(name)
    return dict(groups)
