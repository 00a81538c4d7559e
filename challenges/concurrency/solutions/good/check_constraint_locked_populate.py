"""Known-good: Column imports from sqlalchemy, a CHECK constraint, both accounts of a transfer
loaded by locked_account_query in id order with populate_existing, StaleDataError imported from
sqlalchemy.orm.exc and turned into a rollback."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm.exc import StaleDataError

db = SQLAlchemy()


class Account(db.Model):
    __tablename__ = "bank_account"
    __table_args__ = (sa.CheckConstraint("balance >= 0", name="ck_balance_not_negative"),)

    id = sa.Column(sa.Integer, primary_key=True)
    owner = sa.Column(sa.String(50), nullable=False)
    balance = sa.Column(sa.Integer, nullable=False)
    version = sa.Column(sa.Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


def locked_account_query(account_id):
    return sa.select(Account).where(Account.id == account_id).with_for_update()


def _load_locked(account_id):
    query = locked_account_query(account_id).execution_options(populate_existing=True)
    account = db.session.scalars(query).one_or_none()
    if account is None:
        raise LookupError(f"account {account_id} does not exist")
    return account


def _save():
    try:
        db.session.commit()
    except (StaleDataError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise


def withdraw(account_id, amount):
    if amount <= 0:
        raise ValueError("amount must be positive")
    account = _load_locked(account_id)
    if account.balance - amount < 0:
        db.session.rollback()
        raise ValueError("insufficient funds")
    account.balance -= amount
    _save()
    return account.balance


def transfer(from_id, to_id, amount):
    if amount <= 0:
        raise ValueError("amount must be positive")
    if from_id == to_id:
        raise ValueError("cannot transfer to the same account")
    try:
        locked = {i: _load_locked(i) for i in sorted((from_id, to_id))}
        source, target = locked[from_id], locked[to_id]
        if source.balance < amount:
            raise ValueError("insufficient funds")
    except (LookupError, ValueError):
        db.session.rollback()
        raise
    source.balance -= amount
    target.balance += amount
    _save()
