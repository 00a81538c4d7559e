"""Known-bad: looks up each view's user with db.session.get, so a view whose user_id belongs to
no user crashes with AttributeError on None, and users without views are left out."""

from flask_sqlalchemy import SQLAlchemy

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
    db.session.add(PageView(user_id=user_id, path=path))
    db.session.commit()


def views_per_user():
    result = {}
    for view in PageView.query.all():
        name = db.session.get(User, view.user_id).name
        result[name] = result.get(name, 0) + 1
    return result
