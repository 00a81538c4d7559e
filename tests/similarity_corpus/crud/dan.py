from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False, unique=True, index=True)
    email = db.Column(db.String(120), nullable=True, default=None)

    def __str__(self):
        return self.name


def get_user(name):
    return db.session.query(User).filter(User.name == name).one_or_none()


def create_user(name, email=None):
    user = User()
    user.name = name
    user.email = email
    try:
        with db.session.begin_nested():
            db.session.add(user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValueError("user exists") from None
    return user


def update_email(name, email):
    user = get_user(name)
    if user is not None:
        user.email = email
        db.session.commit()
    return user


def delete_user(name):
    user = get_user(name)
    if user is None:
        return False
    else:
        db.session.delete(user)
        db.session.commit()
        return True
