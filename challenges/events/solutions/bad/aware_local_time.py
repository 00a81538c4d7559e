"""Known-bad: timestamps are aware datetimes in the local zone (datetime.now().astimezone());
SQLite keeps no zone, so the local wall-clock time is stored instead of UTC."""

import re
from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, insert

db = SQLAlchemy()


def now():
    return datetime.now().astimezone()


class Article(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(200), unique=True, nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)
    updated_at = db.Column(db.DateTime(timezone=True), nullable=False)


class AuditLog(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(10))
    article_id = db.Column(db.Integer)
    at = db.Column(db.DateTime(timezone=True))


@event.listens_for(Article, "before_insert")
def _insert(mapper, connection, target):
    target.created_at = target.updated_at = now()
    if not target.slug:
        target.slug = re.sub(r"[^a-z0-9]+", "-", target.title.lower()).strip("-")


@event.listens_for(Article, "before_update")
def _update(mapper, connection, target):
    target.updated_at = now()


def _audit(action):
    def listener(mapper, connection, target):
        connection.execute(insert(AuditLog).values(action=action, article_id=target.id, at=now()))

    return listener


for _action in ("insert", "update", "delete"):
    event.listen(Article, "after_" + _action, _audit(_action))
