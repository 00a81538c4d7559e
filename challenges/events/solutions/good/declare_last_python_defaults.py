"""Known-good: DeclarativeBase model_class; created_at/updated_at from Python-side column
default/onupdate callables; the slug listener and the audit listeners attached in the
model's __declare_last__ hook (run when the mappers are configured); audit rows through
the AuditLog table with executemany-style parameters; a slug built with [\\W_]+ in ASCII mode."""

import re
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

NON_ALNUM = re.compile(r"[\W_]+", re.ASCII)


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(10))
    article_id: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utc_now)


class Article(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now, onupdate=utc_now)

    @staticmethod
    def make_slug(title: str) -> str:
        return NON_ALNUM.sub("-", title.lower()).strip("-")

    @classmethod
    def __declare_last__(cls):
        event.listen(cls, "before_insert", cls._before_insert)
        for action in ("insert", "update", "delete"):
            event.listen(cls, "after_" + action, cls._auditor(action))

    @staticmethod
    def _before_insert(mapper, connection, target):
        # created_at may hold a value given by the caller; the column default only fills None.
        target.created_at = target.updated_at = utc_now()
        if target.slug in (None, ""):
            target.slug = Article.make_slug(target.title)

    @staticmethod
    def _auditor(action):
        def audit(mapper, connection, target):
            connection.execute(
                AuditLog.__table__.insert(),
                [{"action": action, "article_id": target.id, "at": utc_now()}],
            )

        return audit
