from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = 'people'
    id = db.Column('user_id', db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    age = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)


def users_newest_first():
    query = db.session.query(User)
    query = query.order_by(db.desc(User.created_at))
    return query.all()


def users_by_name():
    query = db.session.query(User)
    query = query.order_by(User.name)
    return query.all()


def oldest_users(limit):
    query = db.session.query(User).order_by(db.desc(User.age)).order_by(User.name)
    return [person for person in query.limit(limit)]


def users_by_age_then_name():
    query = db.session.query(User)
    query = query.order_by(db.desc(User.age))
    query = query.order_by(User.name)
    return query.all()
