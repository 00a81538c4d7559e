"""Known-good: legacy db.session.query with a labelled count grouped by user id, the users'
ids and names from User.query.with_entities, merged with dict.get."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "user_account"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)


class PageView(db.Model):
    __bind_key__ = "analytics"
    __tablename__ = "page_view"
    id = db.Column(db.Integer, primary_key=True)
    path = db.Column(db.String(200), nullable=False)
    user_id = db.Column(db.Integer, nullable=False, index=True)


def record_view(user_id, path):
    view = PageView()
    view.user_id = user_id
    view.path = path
    db.session.add(view)
    db.session.commit()


def views_per_user():
    grouped = (
        db.session.query(PageView.user_id, db.func.count(PageView.id).label("views"))
        .group_by(PageView.user_id)
        .all()
    )
    views = {row.user_id: row.views for row in grouped}
    result = {}
    for user_id, name in User.query.with_entities(User.id, User.name):
        result[name] = views.get(user_id, 0)
    return result
