"""Known-good: an aliased entity, limit(n).offset(0), and results through execute().scalars()."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import aliased

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "member"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column("display_name", db.String(50), nullable=False)
    age = db.Column(db.Integer, nullable=False)
    created_at = db.Column("joined_on", db.DateTime, nullable=False)


u = aliased(User, name="u")


def users_by_name():
    return list(db.session.execute(db.select(u).order_by(u.name)).scalars())


def users_newest_first():
    return list(db.session.execute(db.select(u).order_by(u.created_at.desc())).scalars())


def users_by_age_then_name():
    return list(db.session.execute(db.select(u).order_by(u.age.desc(), u.name.asc())).scalars())


def oldest_users(n):
    stmt = db.select(u).order_by(u.age.desc(), u.name.asc()).limit(n).offset(0)
    return list(db.session.execute(stmt).scalars())
