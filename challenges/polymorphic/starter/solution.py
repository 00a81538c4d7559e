"""Inheritance mapping: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Employee(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    # TODO: a discriminator column, and __mapper_args__ with polymorphic_on and
    # the "employee" polymorphic_identity


class Manager(Employee):
    # TODO: department (String(50)) and the "manager" identity
    pass


class Engineer(Employee):
    # TODO: language (String(50)) and the "engineer" identity
    pass


def staff_by_role():
    # TODO: {"employee": [...], "manager": [...], "engineer": [...]}, names ascending
    raise NotImplementedError
