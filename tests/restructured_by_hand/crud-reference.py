# copy of crud/reference.py
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    email = db.Column(db.String(120), nullable=True)

    def __repr__(self):
        return "<User %s>" % self.name


def _save(obj=None, remove=False):
    """Commit the session, optionally adding or removing one object first."""
    if obj is not None:
        if remove:
            db.session.delete(obj)
        else:
            db.session.add(obj)
    db.session.commit()


def get_user(name):
    stmt = db.select(User).filter_by(name=name)
    return db.session.execute(stmt).scalar_one_or_none()


def create_user(name, email=None):
    new_user = User(email=email, name=name)
    try:
        _save(new_user)
    except IntegrityError:
        db.session.rollback()
        raise ValueError("user %r exists already" % name) from None
    return new_user


def update_email(name, email):
    found = get_user(name)
    if not found:
        return None
    found.email = email
    _save()
    return found


def delete_user(name):
    found = get_user(name)
    if not found:
        return False
    _save(found, remove=True)
    return True
