"""Known-good: joined-table inheritance with Column/ForeignKey imported from sqlalchemy,
polymorphic_on named as a string, db.session.query ordered by name and grouped by each
object's mapper identity."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, ForeignKey, Integer, String

db = SQLAlchemy()


class Employee(db.Model):
    __tablename__ = "employees"

    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    role = Column(String(32))

    __mapper_args__ = {"polymorphic_on": "role", "polymorphic_identity": "employee"}

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"


class Manager(Employee):
    __tablename__ = "managers"

    id = Column(Integer, ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True)
    department = Column(String(50))

    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    __tablename__ = "engineers"

    id = Column(Integer, ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True)
    language = Column(String(50))

    __mapper_args__ = {"polymorphic_identity": "engineer"}


def staff_by_role():
    result = {"employee": [], "manager": [], "engineer": []}
    for person in db.session.query(Employee).order_by(Employee.name):
        result[person.__mapper__.polymorphic_identity].append(person.name)
    return result
