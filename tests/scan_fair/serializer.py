"""Models that serialise themselves: __table__ columns, __dict__, vars(), a mixin with setattr."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from operator import attrgetter
from typing import Any, ClassVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import inspect as sa_inspect

db = SQLAlchemy()


class SerializerMixin:
    hidden: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for column in self.__table__.columns:
            if column.name in self.hidden:
                continue
            value = getattr(self, column.name)
            out[column.name] = value.isoformat() if isinstance(value, datetime) else value
        return out

    def update_from(self, data: dict[str, Any]) -> None:
        allowed = {c.key for c in sa_inspect(type(self)).column_attrs}
        for key in data.keys() & allowed:
            setattr(self, key, data[key])

    def loaded(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

    def state(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_sa_instance_state"}

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {getattr(self, 'id', None)}>"


class Book(SerializerMixin, db.Model):
    hidden = ("isbn",)

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    author = db.Column(db.String(100), nullable=False)
    isbn = db.Column(db.String(13))
    added_at = db.Column(db.DateTime, default=datetime.utcnow)


def grouped(books: list[Book], key: str = "author") -> dict[str, list[str]]:
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for book in sorted(books, key=attrgetter(key, "title")):
        groups[getattr(book, key)].append(book.title)
    return dict(groups)


def model_for(name: str) -> type[db.Model]:
    models = {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers}
    return models[name]
