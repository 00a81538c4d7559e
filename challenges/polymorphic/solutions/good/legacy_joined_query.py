"""Known-good: legacy joined-table inheritance, Model.query and grouping by the loaded class."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Employee(db.Model):
    __tablename__ = "staff"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    discriminator = db.Column("role", db.String(32), nullable=False)
    hired_on = db.Column(db.Date)

    __mapper_args__ = {
        "polymorphic_on": discriminator,
        "polymorphic_identity": "employee",
        "with_polymorphic": "*",
    }

    def __repr__(self):
        return "<%s %r>" % (self.__class__.__name__, self.name)


class Manager(Employee):
    __tablename__ = "staff_managers"

    id = db.Column(db.Integer, db.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    department = db.Column(db.String(50))

    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    __tablename__ = "staff_engineers"

    id = db.Column(db.Integer, db.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    language = db.Column(db.String(50))

    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role():
    groups = {"employee": [], "manager": [], "engineer": []}
    for person in Employee.query.order_by(Employee.name.asc()).all():
        groups[person.__mapper__.polymorphic_identity].append(person.name)
    return groups
