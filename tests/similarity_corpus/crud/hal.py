from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = 'people'

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    name = db.Column(db.String(50), nullable=False, unique=True)
    email = db.Column(db.String(120), nullable=True)


class UserRepository:
    # a thin layer over the session so the functions below stay one-liners

    def __init__(self, sess):
        self.sess = sess

    def delete(self, username):
        person = self.find(username)
        if person is None:
            return False
        self.sess.delete(person)
        self.sess.commit()
        return True

    def find(self, username):
        return self.sess.execute(db.select(User).filter_by(name=username)).scalar_one_or_none()

    def create(self, username, address):
        exists_already = self.sess.scalar(db.select(func.count(User.id)).where(User.name == username))
        if exists_already:
            raise DuplicateName(username)
        person = User(name=username, email=address)
        self.sess.add(person)
        self.sess.commit()
        return person

    def change_email(self, username, address):
        person = self.find(username)
        if person is None:
            return None
        person.email = address
        self.sess.commit()
        return person

    def count(self):
        return self.sess.scalar(db.select(func.count(User.id)))


class DuplicateName(ValueError):
    def __init__(self, username):
        super().__init__(f'{username} is already registered')
        self.username = username


def get_user(name):
    return UserRepository(db.session).find(name)


def create_user(name, email=None):
    return UserRepository(db.session).create(name, email)


def delete_user(name):
    return UserRepository(db.session).delete(name)


def update_email(name, email):
    return UserRepository(db.session).change_email(name, email)
