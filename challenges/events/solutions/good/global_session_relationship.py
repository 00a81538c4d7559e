"""Known-good: one before_flush listener on every Session; the insert's audit row is
linked through a relationship so the unit of work fills in the new article's id."""

import re
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.orm import Session

db = SQLAlchemy()


def utc_now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Article(db.Model):
    __tablename__ = "posts"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(200), unique=True, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False)


class AuditLog(db.Model):
    __tablename__ = "post_audit"

    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(10), nullable=False)
    article_id = db.Column(db.Integer, db.ForeignKey("posts.id"), nullable=False)
    at = db.Column(db.DateTime, nullable=False, default=utc_now)

    article = db.relationship("Article")


@event.listens_for(Session, "before_flush")
def keep_articles_consistent(session, flush_context, instances):
    now = utc_now()
    for obj in list(session.new):
        if isinstance(obj, Article):
            obj.created_at = obj.updated_at = now
            if obj.slug in (None, ""):
                obj.slug = re.sub("[^a-z0-9]+", "-", obj.title.lower()).strip("-")
            session.add(AuditLog(action="insert", article=obj, at=now))
    for obj in list(session.dirty):
        if isinstance(obj, Article) and session.is_modified(obj):
            obj.updated_at = now
            session.add(AuditLog(action="update", article_id=obj.id, at=now))
    for obj in list(session.deleted):
        if isinstance(obj, Article):
            session.add(AuditLog(action="delete", article_id=obj.id, at=now))
