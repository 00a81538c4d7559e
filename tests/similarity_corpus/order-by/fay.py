from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, DateTime, Integer, String, select

db = SQLAlchemy()


class User(db.Model):
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    age = Column(Integer, nullable=False)
    created_at = Column(DateTime, nullable=False)


ORDERINGS = {
    "name": [User.name],
    "newest": [User.created_at.desc()],
    "age_name": [User.age.desc(), User.name],
}


def sorted_users(key, limit=None):
    query = select(User).order_by(*ORDERINGS[key])
    if limit is not None:
        query = query.limit(max(limit, 0))
    return list(db.session.scalars(query))


users_by_name = lambda: sorted_users("name")  # noqa: E731
users_newest_first = lambda: sorted_users("newest")  # noqa: E731
users_by_age_then_name = lambda: sorted_users("age_name")  # noqa: E731


def oldest_users(n):
    return sorted_users("age_name", limit=n)
