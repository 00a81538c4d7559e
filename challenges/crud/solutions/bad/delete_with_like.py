"""Known-bad: delete_user runs a bulk Query.delete() filtered with name LIKE the given name, so a
name holding _ or % deletes other users too."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    email = db.Column(db.String(120), nullable=True)


def create_user(name, email=None):
    if User.query.filter_by(name=name).count():
        raise ValueError("duplicate name")
    user = User(name=name, email=email)
    db.session.add(user)
    db.session.commit()
    return user


def get_user(name):
    return User.query.filter_by(name=name).one_or_none()


def update_email(name, email):
    user = User.query.filter_by(name=name).one_or_none()
    if user is not None:
        user.email = email
        db.session.commit()
    return user


def delete_user(name):
    count = User.query.filter(User.name.like(name)).delete(synchronize_session=False)
    db.session.commit()
    return count > 0
