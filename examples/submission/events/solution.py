import re
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, insert

db = SQLAlchemy()

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def utcnow() -> datetime:
    return datetime.now()


def slugify(title: str) -> str:
    return _NOT_SLUG.sub("-", title.lower()).strip("-")


class Article(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(200), unique=True, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False)

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(10), nullable=False)
    article_id = db.Column(db.Integer, nullable=False)
    at = db.Column(db.DateTime, nullable=False)


@event.listens_for(Article, "before_insert")
def _before_insert(mapper, connection, target):
    now = utcnow()
    target.created_at = now
    target.updated_at = now
    if not target.slug:
        target.slug = slugify(target.title or "")


@event.listens_for(Article, "before_update")
def _before_update(mapper, connection, target):
    target.updated_at = utcnow()


def _audit(action):
    def write(mapper, connection, target):
        # The flush's own connection: the audit row lives and dies with the change.
        connection.execute(
            insert(AuditLog).values(action=action, article_id=target.id, at=utcnow())
        )

    return write


event.listen(Article, "after_insert", _audit("insert"))
event.listen(Article, "after_update", _audit("update"))
event.listen(Article, "after_delete", _audit("delete"))
