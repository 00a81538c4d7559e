"""Known-bad: staff_by_role() lists the model objects themselves instead of their names."""

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
    result = {"employee": [], "manager": [], "engineer": []}
    for person in Employee.query.order_by(Employee.name).all():
        result[person.type].append(person)
    return result
