"""Dataclass models: slug and the two timestamps default to None in the constructor, so the
before_insert listener fills them; the audit rows go through the flush's connection."""

import re
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String, event, insert
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


class Base(MappedAsDataclass, DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Article(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=None)


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    action: Mapped[str] = mapped_column(String(10))
    article_id: Mapped[int]
    at: Mapped[datetime] = mapped_column(DateTime)


def _now() -> datetime:
    return datetime.now(timezone.utc)


@event.listens_for(Article, "before_insert")
def _fill_in(mapper, connection, target: Article) -> None:
    target.created_at = target.updated_at = _now()
    if not target.slug:
        target.slug = re.sub(r"[^a-z0-9]+", "-", (target.title or "").lower()).strip("-")


@event.listens_for(Article, "before_update")
def _touch(mapper, connection, target: Article) -> None:
    target.updated_at = _now()


def _audit(action: str):
    def write(mapper, connection, target: Article) -> None:
        connection.execute(insert(AuditLog).values(action=action, article_id=target.id, at=_now()))

    return write


for _action in ("insert", "update", "delete"):
    event.listen(Article, f"after_{_action}", _audit(_action))
