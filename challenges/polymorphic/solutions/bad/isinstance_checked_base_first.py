"""Known-bad: classifies each loaded object with isinstance, testing Employee first, so every
manager and engineer lands under "employee" (isinstance is true for the base class too)."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Employee(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    type = db.Column(db.String(20), nullable=False)
    __mapper_args__ = {"polymorphic_on": type, "polymorphic_identity": "employee"}


class Manager(Employee):
    __tablename__ = "manager"
    id = db.Column(db.Integer, db.ForeignKey("employee.id"), primary_key=True)
    department = db.Column(db.String(50))
    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    __tablename__ = "engineer"
    id = db.Column(db.Integer, db.ForeignKey("employee.id"), primary_key=True)
    language = db.Column(db.String(50))
    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role():
    result = {"employee": [], "manager": [], "engineer": []}
    for person in Employee.query.order_by(Employee.name):
        if isinstance(person, Employee):
            result["employee"].append(person.name)
        elif isinstance(person, Manager):
            result["manager"].append(person.name)
        elif isinstance(person, Engineer):
            result["engineer"].append(person.name)
    return result
