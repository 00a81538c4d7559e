"""Known-good: 2.0 style with aware UTC datetimes and session events on db.session:
before_flush stamps, makes slugs and logs updates and deletes; inserts are logged
once their ids exist, in after_flush_postexec (the commit flushes those rows too)."""

import re
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Article(db.Model):
    __tablename__ = "article"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(10))
    article_id: Mapped[int]
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@event.listens_for(db.session, "before_flush")
def before_flush(session, flush_context, instances):
    now = datetime.now(timezone.utc)
    pending = session.info.setdefault("new_articles", [])
    for obj in session.new:
        if isinstance(obj, Article):
            obj.created_at = now
            obj.updated_at = now
            if not obj.slug:
                obj.slug = slugify(obj.title)
            pending.append(obj)
    for obj in session.dirty:
        if isinstance(obj, Article) and session.is_modified(obj, include_collections=False):
            obj.updated_at = now
            session.add(AuditLog(action="update", article_id=obj.id, at=now))
    for obj in session.deleted:
        if isinstance(obj, Article):
            session.add(AuditLog(action="delete", article_id=obj.id, at=now))


@event.listens_for(db.session, "after_flush_postexec")
def after_flush_postexec(session, flush_context):
    pending = session.info.pop("new_articles", [])
    now = datetime.now(timezone.utc)
    for article in pending:
        session.add(AuditLog(action="insert", article_id=article.id, at=now))


@event.listens_for(db.session, "after_rollback")
def forget_pending(session):
    session.info.pop("new_articles", None)
