from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "people"
    id = db.Column("user_id", db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    age = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)


def users_by_name():
    q = db.session.query(User)
    q = q.order_by(User.name)
    return q.all()


def users_newest_first():
    q = db.session.query(User)
    q = q.order_by(db.desc(User.created_at))
    return q.all()


def users_by_age_then_name():
    q = db.session.query(User)
    q = q.order_by(db.desc(User.age))
    q = q.order_by(User.name)
    return q.all()


def oldest_users(n):
    q = db.session.query(User).order_by(db.desc(User.age)).order_by(User.name)
    result = []
    for user in q.limit(n):
        result.append(user)
    return result
