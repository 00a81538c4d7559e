from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False, unique=True)
    email = db.Column(db.String(120), nullable=True)

    def __repr__(self):
        return "<User %s>" % self.name


def get_user(username):
    # look the user up by name
    return db.session.execute(
        db.select(User).filter_by(name=username)
    ).scalar_one_or_none()


def create_user(username, email=None):
    person = User(name=username, email=email)
    db.session.add(person)
    try:
        db.session.commit()
    except IntegrityError:
        # roll back so the session can be used again
        db.session.rollback()
        raise ValueError("name taken: " + username) from None
    return person


def delete_user(username):
    person = get_user(username)
    if person is None:
        return False
    db.session.delete(person)
    db.session.commit()
    return True


def update_email(username, email):
    person = get_user(username)
    if person is None:
        return None
    person.email = email
    db.session.commit()
    return person
