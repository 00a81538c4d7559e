"""Known-good: legacy columns; record_view commits through a short-lived Session bound to
db.engines["analytics"]; views_per_user reads the page-view table on a connection of that
engine, and the users through db.session.query."""

from collections import Counter

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select
from sqlalchemy.orm import Session

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)


class PageView(db.Model):
    __bind_key__ = "analytics"
    id = db.Column(db.Integer, primary_key=True)
    path = db.Column(db.String(200), nullable=False)
    user_id = db.Column(db.Integer, nullable=False)


def record_view(user_id, path):
    with Session(db.engines["analytics"]) as session:
        session.add(PageView(user_id=user_id, path=path))
        session.commit()


def views_per_user():
    table = PageView.__table__
    with db.engines["analytics"].connect() as connection:
        counts = Counter(connection.scalars(select(table.c.user_id)))
    return {user.name: counts[user.id] for user in db.session.query(User).all()}
