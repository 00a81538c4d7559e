"""Known-bad: the slug is made in the constructor, not before insert, so a title changed after the article is built is ignored."""

import re
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, insert

db = SQLAlchemy()


def utcnow():
    return datetime.now(timezone.utc)


class Article(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(200), unique=True, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.slug and self.title:
            self.slug = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


class AuditLog(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(10))
    article_id = db.Column(db.Integer)
    at = db.Column(db.DateTime)


@event.listens_for(Article, "before_insert")
def before_insert(mapper, connection, target):
    target.created_at = target.updated_at = utcnow()


@event.listens_for(Article, "before_update")
def before_update(mapper, connection, target):
    target.updated_at = utcnow()


def log(action):
    def listener(mapper, connection, target):
        connection.execute(insert(AuditLog).values(action=action, article_id=target.id, at=utcnow()))

    return listener


for _action in ("insert", "update", "delete"):
    event.listen(Article, f"after_{_action}", log(_action))
