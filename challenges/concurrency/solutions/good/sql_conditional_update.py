"""Known-good: conditional UPDATE statements that check and bump the version in SQL, with RETURNING."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Account(db.Model):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    currency: Mapped[str] = mapped_column(sa.String(3), default="EUR")
    balance: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


def _move(account_id, delta):
    """Add delta to the balance in SQL, unless it would go below 0; the new balance or None."""
    stmt = (
        sa.update(Account)
        .where(Account.id == account_id, Account.balance + delta >= 0)
        .values(balance=Account.balance + delta, version=Account.version + 1)
        .returning(Account.balance)
        .execution_options(synchronize_session="fetch")
    )
    return db.session.execute(stmt).scalar_one_or_none()


def _exists(account_id):
    return db.session.scalar(sa.select(sa.func.count()).where(Account.id == account_id)) == 1


def withdraw(account_id, amount):
    if amount <= 0:
        raise ValueError("amount must be positive")
    try:
        new_balance = _move(account_id, -amount)
        if new_balance is None:
            if not _exists(account_id):
                raise LookupError(account_id)
            raise ValueError("insufficient funds")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return new_balance


def transfer(from_id, to_id, amount):
    if amount <= 0 or from_id == to_id:
        raise ValueError("invalid transfer")
    try:
        if not _exists(to_id):
            raise LookupError(to_id)
        if _move(from_id, -amount) is None:
            if not _exists(from_id):
                raise LookupError(from_id)
            raise ValueError("insufficient funds")
        _move(to_id, amount)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def locked_account_query(account_id):
    return sa.select(Account).filter_by(id=account_id).with_for_update(nowait=True)
