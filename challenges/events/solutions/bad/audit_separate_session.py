"""Known-bad: each audit row is committed at once through a session of its own, outside the change's transaction."""

import re
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.orm import Session

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


def log(action):
    def listener(mapper, connection, target):
        with Session(db.engine) as audit_session:
            audit_session.add(AuditLog(action=action, article_id=target.id, at=utcnow()))
            audit_session.commit()

    return listener


for _action in ("insert", "update", "delete"):
    event.listen(Article, f"after_{_action}", log(_action))
