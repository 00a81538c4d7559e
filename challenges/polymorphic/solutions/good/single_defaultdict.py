"""Known-good: legacy single-table inheritance, Model.query sorted by name, names collected
in a collections.defaultdict(list) seeded with the three roles and returned as it is (a dict
subclass, as a grouping idiom gives it)."""

from collections import defaultdict

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

ROLES = ("employee", "manager", "engineer")


class Employee(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    discriminator = db.Column("type", db.String(20), nullable=False)

    __mapper_args__ = {"polymorphic_on": discriminator, "polymorphic_identity": "employee"}


class Manager(Employee):
    department = db.Column(db.String(50))
    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    language = db.Column(db.String(50))
    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role():
    staff = defaultdict(list, {role: [] for role in ROLES})
    for employee in Employee.query.order_by(Employee.name).all():
        staff[employee.discriminator].append(employee.name)
    return staff
