"""Known-good: a timestamp mixin whose before_insert/before_update listeners are registered on
the unmapped mixin with propagate=True; datetime.now(UTC); the slug joined from
re.findall(r"[a-z0-9]+"); audit rows through an ORM-enabled insert(AuditLog) on the flush's
connection, from one listener function registered three times."""

import re
from datetime import UTC, datetime
from functools import partial

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Integer, String, event, insert
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


def slugify(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", title.lower()))


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


@event.listens_for(Timestamped, "before_insert", propagate=True)
def _stamp_new(mapper, connection, target):
    target.created_at = target.updated_at = datetime.now(UTC)


@event.listens_for(Timestamped, "before_update", propagate=True)
def _stamp_changed(mapper, connection, target):
    target.updated_at = datetime.now(UTC)


class Article(Timestamped, db.Model):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True)


class AuditLog(db.Model):
    __tablename__ = "audit_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(10))
    article_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)


@event.listens_for(Article, "before_insert")
def _fill_slug(mapper, connection, article):
    if not article.slug:
        article.slug = slugify(article.title)


def _log(action, mapper, connection, article):
    connection.execute(
        insert(AuditLog).values(action=action, article_id=article.id, at=datetime.now(UTC))
    )


for _action in ("insert", "update", "delete"):
    event.listen(Article, f"after_{_action}", partial(_log, _action))
