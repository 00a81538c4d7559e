"""Known-good: 2.0 style; the slug and timestamps from mapper events; update and delete audit
rows as AuditLog objects added in a before_flush listener on sqlalchemy.orm.Session (every
session), insert audit rows from after_insert with the Core insert() of the table on the
flush's connection."""

import re
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, event, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

db = SQLAlchemy()


class Article(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AuditLog(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(10))
    article_id: Mapped[int | None]
    at: Mapped[datetime | None]


def _utc():
    return datetime.now(timezone.utc).replace(tzinfo=None)


@event.listens_for(Article, "before_insert")
def _new_article(mapper, connection, article):
    article.created_at = article.updated_at = _utc()
    if article.slug is None or article.slug == "":
        article.slug = re.sub(r"[^a-z0-9]+", "-", article.title.lower()).strip("-")


@event.listens_for(Article, "before_update")
def _changed_article(mapper, connection, article):
    article.updated_at = _utc()


@event.listens_for(Session, "before_flush")
def _audit_changes(session, flush_context, instances):
    for obj in list(session.dirty):
        if isinstance(obj, Article) and session.is_modified(obj):
            session.add(AuditLog(action="update", article_id=obj.id, at=_utc()))
    for obj in list(session.deleted):
        if isinstance(obj, Article):
            session.add(AuditLog(action="delete", article_id=obj.id, at=_utc()))


@event.listens_for(Article, "after_insert")
def _audit_insert(mapper, connection, article):
    connection.execute(
        insert(AuditLog.__table__), {"action": "insert", "article_id": article.id, "at": _utc()}
    )
