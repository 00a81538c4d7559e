"""Listeners that keep data consistent: see statement.md."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event

db = SQLAlchemy()


class Article(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    # TODO: slug (String(200), unique, not null), created_at and updated_at (DateTime, not null)


class AuditLog(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # TODO: action (String(10)), article_id (integer), at (DateTime)


# TODO: register listeners here, at import, for example:
#
# @event.listens_for(Article, "before_insert")
# def set_timestamps_and_slug(mapper, connection, target):
#     ...
