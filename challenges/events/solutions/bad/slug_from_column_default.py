"""Known-bad: the slug is a column default computed from the INSERT's parameters; a default
only fills a slug that is missing or None, so slug="" is stored as an empty slug."""

import re
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, insert

db = SQLAlchemy()


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def slug_default(context):
    title = context.get_current_parameters()["title"]
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


class Article(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(200), unique=True, nullable=False, default=slug_default)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class AuditLog(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(10))
    article_id = db.Column(db.Integer)
    at = db.Column(db.DateTime, default=utcnow)


def _audit(action):
    def listener(mapper, connection, target):
        connection.execute(insert(AuditLog).values(action=action, article_id=target.id))

    return listener


for _action in ("insert", "update", "delete"):
    event.listen(Article, "after_" + _action, _audit(_action))
