"""Known-bad: subclasses share the table without a discriminator (no polymorphic_on), so every row loads back as a plain Employee."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Employee(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    role = db.Column(db.String(20), nullable=False, default="employee")


class Manager(Employee):
    department = db.Column(db.String(50))

    def __init__(self, **kwargs):
        super().__init__(role="manager", **kwargs)


class Engineer(Employee):
    language = db.Column(db.String(50))

    def __init__(self, **kwargs):
        super().__init__(role="engineer", **kwargs)


def staff_by_role():
    result = {"employee": [], "manager": [], "engineer": []}
    for person in Employee.query.order_by(Employee.name).all():
        result[person.role].append(person.name)
    return result
