from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import exists, select

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    email = db.Column(db.String(120), nullable=True)


def _name_taken(name):
    return db.session.scalar(select(exists().where(User.name == name)))


def create_user(name, email=None):
    if _name_taken(name):
        raise ValueError("taken")
    db.session.add(user := User(name=name, email=email))
    db.session.commit()
    return user


def get_user(name):
    return db.session.scalars(select(User).filter_by(name=name).limit(1)).first()


def update_email(name, email):
    if (user := get_user(name)) is None:
        return None
    user.email = email
    db.session.commit()
    return user


def delete_user(name):
    if (user := get_user(name)) is None:
        return False
    db.session.delete(user)
    db.session.commit()
    return True
