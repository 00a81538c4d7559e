"""Known-good: legacy Model.query with named tables, one COUNT per user (simple, N+1 but correct)."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)


class PageView(db.Model):
    __tablename__ = "page_views"
    __bind_key__ = "analytics"

    id = db.Column(db.Integer, primary_key=True)
    path = db.Column(db.String(200), nullable=False)
    user_id = db.Column(db.Integer, nullable=False)
    viewed_at = db.Column(db.DateTime, nullable=True)


def record_view(user_id, path):
    view = PageView(user_id=user_id, path=path)
    db.session.add(view)
    db.session.commit()


def views_per_user():
    result = {}
    for user in User.query.order_by(User.id).all():
        result[user.name] = PageView.query.filter_by(user_id=user.id).count()
    return result
