"""Known-good: db.session.refresh(account, with_for_update=True) re-reads the locked row before
checking, a withdraw inside begin_nested(), and exceptions from a small hierarchy."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select

db = SQLAlchemy()


class BankError(Exception):
    pass


class NotEnoughMoney(BankError, ValueError):
    pass


class NoSuchAccount(BankError, LookupError):
    pass


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(50), nullable=False)
    balance = db.Column(db.Integer, nullable=False)
    version = db.Column(db.Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


def _fresh(account_id):
    account = db.session.get(Account, account_id)
    if account is None:
        raise NoSuchAccount(account_id)
    db.session.refresh(account, with_for_update=True)
    return account


def withdraw(account_id, amount):
    if amount <= 0:
        raise ValueError("amount must be positive")
    account = _fresh(account_id)
    if account.balance < amount:
        raise NotEnoughMoney(account.balance)
    try:
        with db.session.begin_nested():
            account.balance -= amount
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return account.balance


def transfer(from_id, to_id, amount):
    if amount <= 0:
        raise ValueError("amount must be positive")
    if from_id == to_id:
        raise ValueError("same account")
    first, second = sorted((from_id, to_id))
    locked = {first: _fresh(first), second: _fresh(second)}
    source, target = locked[from_id], locked[to_id]
    if source.balance < amount:
        raise NotEnoughMoney(source.balance)
    source.balance -= amount
    target.balance += amount
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def locked_account_query(account_id):
    return select(Account).where(Account.id == account_id).with_for_update(nowait=True)
