"""Known-bad: "employee" lists every row of Employee, managers and engineers included, instead of plain employees only."""

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
    return {
        model.__mapper__.polymorphic_identity: [
            person.name for person in model.query.order_by(model.name).all()
        ]
        for model in (Employee, Manager, Engineer)
    }
