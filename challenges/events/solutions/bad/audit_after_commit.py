"""Known-bad: audit rows are written after the commit, in a transaction of their own, so they are not part of the change's transaction."""

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


class AuditLog(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(10))
    article_id = db.Column(db.Integer)
    at = db.Column(db.DateTime)


@event.listens_for(Article, "before_insert")
def before_insert(mapper, connection, target):
    target.created_at = target.updated_at = utcnow()
    if not target.slug:
        target.slug = re.sub(r"[^a-z0-9]+", "-", target.title.lower()).strip("-")


@event.listens_for(Article, "before_update")
def before_update(mapper, connection, target):
    target.updated_at = utcnow()


def remember(action):
    def listener(mapper, connection, target):
        db.session.info.setdefault("audit", []).append((action, target.id))

    return listener


for _action in ("insert", "update", "delete"):
    event.listen(Article, f"after_{_action}", remember(_action))


@event.listens_for(db.session, "after_commit")
def write_audit(session):
    entries = session.info.pop("audit", [])
    if entries:
        with db.engine.begin() as conn:
            conn.execute(
                insert(AuditLog),
                [{"action": a, "article_id": i, "at": utcnow()} for a, i in entries],
            )


@event.listens_for(db.session, "after_rollback")
def forget_audit(session):
    session.info.pop("audit", None)
