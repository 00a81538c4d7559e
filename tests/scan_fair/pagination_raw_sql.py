"""Pagination by hand and with paginate, and raw SQL with bound parameters."""

from __future__ import annotations

import math
import os
import sys
from contextlib import contextmanager
from itertools import islice

from flask import current_app, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import bindparam, func, select, text

db = SQLAlchemy()
PER_PAGE = int(os.environ.get("PER_PAGE", "10"))
MAX_PER_PAGE = 10 * 10


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


def page_of(page: int = 1, per_page: int = PER_PAGE) -> dict[str, object]:
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError("page and per_page must be positive")
    total = db.session.execute(select(func.count(Item.id))).scalar_one()
    items = db.session.scalars(select(Item).order_by(Item.id).limit(per_page).offset((page - 1) * per_page))
    return {"items": [i.name for i in items], "pages": math.ceil(total / per_page), "total": total}


def page_from_request():
    page = request.args.get("page", 1, type=int)
    per_page = min(request.args.get("per_page", PER_PAGE, type=int), current_app.config.get("MAX", 50))
    return db.paginate(select(Item).order_by(Item.id), page=page, per_page=per_page, error_out=False)


_BY_PREFIX = text("SELECT id, name FROM item WHERE name LIKE :prefix ORDER BY name").bindparams(
    bindparam("prefix")
)


def names_starting(prefix: str) -> list[tuple[int, str]]:
    escaped = prefix.replace("%", r"\%").replace("_", r"\_")
    return [tuple(row) for row in db.session.execute(_BY_PREFIX, {"prefix": escaped + "%"})]


@contextmanager
def transaction():
    try:
        yield db.session
        db.session.commit()
    except Exception:
        db.session.rollback()
        print("rolled back", file=sys.stderr)
        raise


def first(n: int) -> list[str]:
    return list(islice((i.name for i in db.session.scalars(select(Item))), n))
