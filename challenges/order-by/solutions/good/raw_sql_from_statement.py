"""Known-good: textual SELECTs mapped back to User with from_statement, and collate/asc helpers."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import asc, select, text

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    age = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)


def _rows(sql, **params):
    stmt = select(User).from_statement(text(sql).bindparams(**params))
    return [user for user in db.session.scalars(stmt)]


def users_by_name():
    return list(db.session.scalars(select(User).order_by(asc(User.name.collate("NOCASE")))))


def users_newest_first():
    return _rows("SELECT * FROM user ORDER BY created_at DESC, id")


def users_by_age_then_name():
    return _rows("SELECT * FROM user ORDER BY age DESC, name")


def oldest_users(n):
    return _rows("SELECT * FROM user ORDER BY age DESC, name ASC LIMIT :n", n=n)
