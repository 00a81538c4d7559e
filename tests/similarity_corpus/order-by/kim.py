from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    age: Mapped[int]

    def __repr__(self):
        return "<User %s, %d>" % (self.name, self.age)


def users_newest_first():
    # newest rows first
    return list(db.session.scalars(select(User).order_by(User.created_at.desc())))


def users_by_name():
    return list(db.session.scalars(select(User).order_by(User.name)))


def oldest_users(limit):
    query = select(User).order_by(User.age.desc(), User.name).limit(limit)
    return list(db.session.scalars(query))


def users_by_age_then_name():
    return list(
        db.session.scalars(select(User).order_by(User.age.desc(), User.name))
    )
