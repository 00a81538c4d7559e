"""Optimistic locking, row locks, savepoints and two binds."""

from __future__ import annotations

import threading
from decimal import Decimal

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError

db = SQLAlchemy()
_lock = threading.Lock()


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    balance = db.Column(db.Numeric(12, 2), nullable=False, default=Decimal("0"))
    version = db.Column(db.Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class PageView(db.Model):
    __bind_key__ = "analytics"
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, nullable=False)
    path = db.Column(db.String(200), nullable=False)


def transfer(source_id: int, target_id: int, amount: Decimal) -> None:
    if amount <= 0:
        raise ValueError("amount must be positive")
    first, second = sorted((source_id, target_id))
    with _lock:
        try:
            with db.session.begin_nested():
                rows = db.session.scalars(
                    select(Account)
                    .where(Account.id.in_((first, second)))
                    .order_by(Account.id)
                    .with_for_update()
                ).all()
                accounts = {a.id: a for a in rows}
                if accounts[source_id].balance < amount:
                    raise ValueError("insufficient funds")
                accounts[source_id].balance -= amount
                accounts[target_id].balance += amount
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            raise


def bump(account_id: int) -> int:
    result = db.session.execute(
        update(Account).where(Account.id == account_id).values(version=Account.version + 1)
    )
    db.session.commit()
    return result.rowcount


def views_per_account() -> dict[int, int]:
    engine = db.engines["analytics"]
    with engine.connect() as connection:
        rows = connection.execute(select(PageView.account_id, func.count()).group_by(PageView.account_id))
        return dict(rows.tuples().all())
