"""Known-good: mapper events for timestamps and slug (registered with propagate=True), and
one after_flush listener on Flask-SQLAlchemy's Session class that writes every audit row
of the flush in one executemany on the session's connection."""

import re
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import DateTime, String, event, insert
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()

NON_ALNUM = re.compile("[^0-9a-z]+")


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


class Article(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    slug: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)

    @staticmethod
    def slug_for(title: str) -> str:
        return NON_ALNUM.sub("-", title.lower()).strip("-")


class AuditLog(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(10))
    article_id: Mapped[int | None]
    at: Mapped[datetime | None] = mapped_column(DateTime)


@event.listens_for(Article, "before_insert", propagate=True)
def on_insert(mapper, connection, article):
    article.created_at = article.updated_at = now_utc()
    if article.slug in (None, ""):
        article.slug = Article.slug_for(article.title)


@event.listens_for(Article, "before_update", propagate=True)
def on_update(mapper, connection, article):
    article.updated_at = now_utc()


@event.listens_for(FlaskSession, "after_flush")
def write_audit_rows(session, flush_context):
    now = now_utc()
    rows = []
    rows += [{"action": "insert", "article_id": o.id, "at": now} for o in session.new if isinstance(o, Article)]
    rows += [
        {"action": "update", "article_id": o.id, "at": now}
        for o in session.dirty
        if isinstance(o, Article) and session.is_modified(o)
    ]
    rows += [{"action": "delete", "article_id": o.id, "at": now} for o in session.deleted if isinstance(o, Article)]
    if rows:
        session.connection().execute(insert(AuditLog), rows)
