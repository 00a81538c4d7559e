"""Known-bad: Employee has polymorphic_on but no polymorphic identity of its own, so plain
employees are stored with a NULL discriminator; staff_by_role files those under "employee"."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Employee(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    type = db.Column(db.String(20))

    __mapper_args__ = {"polymorphic_on": type}


class Manager(Employee):
    department = db.Column(db.String(50))
    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    language = db.Column(db.String(50))
    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role():
    result = {"employee": [], "manager": [], "engineer": []}
    rows = db.session.execute(db.select(Employee.type, Employee.name).order_by(Employee.name))
    for role, name in rows:
        result[role or "employee"].append(name)
    return result
