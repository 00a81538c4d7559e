"""Hybrid properties, validators and SQLAlchemy event listeners."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import validates

db = SQLAlchemy()
_SLUG = re.compile(r"[^a-z0-9]+")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


class Article(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    first = db.Column(db.String(50), nullable=False)
    last = db.Column(db.String(50), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(200), unique=True)
    updated_at = db.Column(db.DateTime)

    @hybrid_property
    def author(self) -> str:
        return f"{self.first} {self.last}"

    @author.inplace.expression
    @classmethod
    def _author_expression(cls):
        return func.concat(cls.first, " ", cls.last)

    @validates("title")
    def _title(self, key: str, value: str) -> str:
        if not value.strip():
            raise ValueError(f"{key} must not be blank")
        return value.strip()


def slugify(title: str) -> str:
    return _SLUG.sub("-", title.lower()).strip("-")


@event.listens_for(Article, "before_insert")
@event.listens_for(Article, "before_update")
def _stamp(mapper, connection, target: Article) -> None:
    target.slug = slugify(target.title)
    target.updated_at = datetime.now(UTC).replace(tzinfo=None)


def track(session) -> None:
    event.listen(session, "before_flush", lambda s, ctx, instances: None)


class Settings:
    """Attribute access over a dict: a class-level __getattr__, not a module's."""

    def __init__(self, **values: object) -> None:
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, name: str) -> object:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: object) -> None:
        self._values[name] = value
