"""CRUD on users."""
import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __table_args__ = (sa.UniqueConstraint("name", name="uq_user_name"),)

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(50), nullable=False)
    email = sa.Column(sa.String(120), nullable=True)

    def __repr__(self):
        return "User(%r)" % self.name


class DuplicateUser(ValueError):
    pass


def get_user(name):
    stmt = sa.select(User).where(User.name == name)
    return db.session.execute(stmt).scalar_one_or_none()


def create_user(name, email=None):
    existing = get_user(name)
    if existing is not None:
        raise DuplicateUser(name)
    u = User(name=name, email=email)
    db.session.add(u)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise DuplicateUser(name)
    return u


def update_email(name, email):
    u = get_user(name)
    if u is None:
        return None
    u.email = email
    db.session.commit()
    return u


def delete_user(name):
    deleted = db.session.execute(sa.delete(User).where(User.name == name)).rowcount
    db.session.commit()
    return deleted > 0
