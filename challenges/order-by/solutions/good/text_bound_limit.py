"""Known-good: text() with a bound LIMIT parameter written with bindparam(), and a type-hinted
staticmethod-based query helper on the model."""

from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import bindparam, select, text

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    age = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.now)

    @staticmethod
    def ordered(*ordering) -> list["User"]:
        return list(db.session.scalars(select(User).order_by(*ordering)))


def users_by_name() -> list[User]:
    return User.ordered(User.name)


def users_newest_first() -> list[User]:
    return User.ordered(User.created_at.desc())


def users_by_age_then_name() -> list[User]:
    return User.ordered(User.age.desc(), User.name)


TOP_N = text("SELECT id, name, age, created_at FROM user ORDER BY age DESC, name LIMIT :n").bindparams(
    bindparam("n", type_=db.Integer)
)


def oldest_users(n: int) -> list[User]:
    stmt = select(User).from_statement(TOP_N)
    return list(db.session.scalars(stmt, {"n": n}))
