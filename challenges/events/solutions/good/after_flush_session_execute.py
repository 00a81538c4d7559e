"""Known-good: legacy columns; timestamps and slug in one before_flush listener on
db.session (session.new / session.dirty, is_modified), audit rows collected by mapper
after_* events into session.info and written by an after_flush listener with one
session-level execute of a text() INSERT with named bound parameters."""

import re
import time
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, text

db = SQLAlchemy()


def _now():
    return datetime.fromtimestamp(time.time(), tz=timezone.utc)


class Article(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(200), unique=True, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False)


class AuditLog(db.Model):
    __tablename__ = "article_audit"
    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(10))
    article_id = db.Column(db.Integer)
    at = db.Column(db.DateTime)


@event.listens_for(db.session, "before_flush")
def _prepare(session, flush_context, instances):
    stamp = _now()
    for obj in session.new:
        if isinstance(obj, Article):
            obj.created_at = obj.updated_at = stamp
            if not obj.slug:
                obj.slug = re.sub("[^a-z0-9]+", "-", (obj.title or "").lower()).strip("-")
    for obj in session.dirty:
        if isinstance(obj, Article) and session.is_modified(obj):
            obj.updated_at = stamp


def _remember(action):
    def listener(mapper, connection, target):
        from sqlalchemy.orm import object_session

        pending = object_session(target).info.setdefault("audit_pending", [])
        pending.append({"action": action, "article_id": target.id, "at": _now()})

    return listener


for _action in ("insert", "update", "delete"):
    event.listen(Article, "after_" + _action, _remember(_action))


@event.listens_for(db.session, "after_flush")
def _write_audit(session, flush_context):
    pending = session.info.pop("audit_pending", [])
    if pending:
        session.execute(
            text("INSERT INTO article_audit (action, article_id, at) VALUES (:action, :article_id, :at)"),
            pending,
        )
