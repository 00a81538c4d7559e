"""Data transfer objects with dataclasses, filled from rows by field name."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime
from decimal import Decimal

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    customer = db.Column(db.String(80), nullable=False)
    total = db.Column(db.Numeric(10, 2), nullable=False)
    placed_on = db.Column(db.Date, nullable=False)


@dataclass(frozen=True)
class OrderView:
    id: int
    customer: str
    total: Decimal
    placed_on: date
    tags: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, order: Order) -> OrderView:
        names = [f.name for f in fields(cls) if f.name != "tags"]
        return cls(**{name: getattr(order, name) for name in names})

    def replace_customer(self, customer: str) -> OrderView:
        return dataclasses.replace(self, customer=customer)


def _default(value: object) -> str:
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def export(orders: list[Order]) -> str:
    rows = [asdict(OrderView.of(o)) for o in orders]
    return json.dumps({"exported_at": datetime.now(UTC).isoformat(), "orders": rows}, default=_default)


def copy_fields(source: object, target: object, names: tuple[str, ...] = ("customer", "total")) -> None:
    for name in names:
        if hasattr(source, name):
            setattr(target, name, getattr(source, name))
    for index, name in enumerate(names):
        setattr(target, name, getattr(source, names[index]))
    for role in ("billing", "shipping"):
        setattr(target, f"{role}_address", getattr(source, f"{role}_address", None))
