from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "crud_users"
    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    name = db.Column(db.String(50), nullable=False, unique=True)
    email = db.Column(db.String(120), nullable=True)


class NameTaken(ValueError):
    def __init__(self, name):
        super().__init__(f"the name {name} is taken")
        self.name = name


class Users:
    """Every operation goes through the same session."""

    def __init__(self, session):
        self.session = session

    def by_name(self, name):
        return self.session.execute(db.select(User).filter_by(name=name)).scalars().first()

    def add(self, name, email):
        taken = self.session.scalar(db.select(func.count(User.id)).where(User.name == name))
        if taken:
            raise NameTaken(name)
        user = User(name=name, email=email)
        self.session.add(user)
        self.session.commit()
        return user

    def set_email(self, name, email):
        user = self.by_name(name)
        if user is None:
            return None
        user.email = email
        self.session.commit()
        return user

    def remove(self, name):
        user = self.by_name(name)
        if user is None:
            return False
        self.session.delete(user)
        self.session.commit()
        return True


def create_user(name, email=None):
    return Users(db.session).add(name, email)


def get_user(name):
    return Users(db.session).by_name(name)


def update_email(name, email):
    return Users(db.session).set_email(name, email)


def delete_user(name):
    return Users(db.session).remove(name)
