"""Known-good: a unique Index in __table_args__, a savepoint with an explicit flush, an ORM
UPDATE statement for the email, and a DELETE statement whose rowcount says whether a row went."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "members"
    __table_args__ = (db.Index("ux_members_name", "name", unique=True),)

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=True)


def create_user(name, email=None):
    user = User(name=name, email=email)
    savepoint = db.session.begin_nested()
    try:
        db.session.add(user)
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise ValueError("name already taken") from None
    savepoint.commit()
    db.session.commit()
    return user


def get_user(name):
    return User.query.filter(User.name == name).one_or_none()


def update_email(name, email):
    result = db.session.execute(update(User).where(User.name == name).values(email=email))
    if result.rowcount == 0:
        db.session.rollback()
        return None
    db.session.commit()
    return get_user(name)


def delete_user(name):
    result = db.session.execute(delete(User).where(User.name == name))
    db.session.commit()
    return result.rowcount == 1
