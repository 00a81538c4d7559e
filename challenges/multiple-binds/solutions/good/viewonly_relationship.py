"""Known-good: a view-only relationship across the two databases (primaryjoin with foreign(), no
ForeignKey); lazy="selectin" loads every user's views in a second query on the analytics engine."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "site_user"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)

    views = db.relationship(
        "PageView",
        primaryjoin="User.id == foreign(PageView.user_id)",
        viewonly=True,
        lazy="selectin",
    )


class PageView(db.Model):
    __bind_key__ = "analytics"
    __tablename__ = "page_hit"

    id = db.Column(db.Integer, primary_key=True)
    path = db.Column(db.String(200), nullable=False)
    user_id = db.Column(db.Integer, nullable=False, index=True)


def record_view(user_id, path):
    db.session.add(PageView(user_id=user_id, path=path))
    db.session.commit()


def views_per_user():
    return {user.name: len(user.views) for user in User.query.all()}
