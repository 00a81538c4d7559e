"""Known-bad: the insert's audit row is made in before_flush, before the article has an id, so its article_id is None."""

import re
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event

db = SQLAlchemy()


def utcnow():
    return datetime.now(timezone.utc)


class Article(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(200), unique=True, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False)


class AuditLog(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(10))
    article_id = db.Column(db.Integer)
    at = db.Column(db.DateTime)


@event.listens_for(db.session, "before_flush")
def before_flush(session, flush_context, instances):
    now = utcnow()
    for obj in list(session.new):
        if isinstance(obj, Article):
            obj.created_at = obj.updated_at = now
            if not obj.slug:
                obj.slug = re.sub(r"[^a-z0-9]+", "-", obj.title.lower()).strip("-")
            session.add(AuditLog(action="insert", article_id=obj.id, at=now))
    for obj in list(session.dirty):
        if isinstance(obj, Article) and session.is_modified(obj):
            obj.updated_at = now
            session.add(AuditLog(action="update", article_id=obj.id, at=now))
    for obj in list(session.deleted):
        if isinstance(obj, Article):
            session.add(AuditLog(action="delete", article_id=obj.id, at=now))
