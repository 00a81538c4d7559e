"""Known-bad: transfer catches a database error at commit, rolls back and returns as if it had
worked, so a transfer the database refused reports success while no money moved."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import DBAPIError

db = SQLAlchemy()


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(50), nullable=False)
    balance = db.Column(db.Integer, nullable=False)
    version = db.Column(db.Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


def _get(account_id):
    account = db.session.get(Account, account_id)
    if account is None:
        raise LookupError(account_id)
    return account


def withdraw(account_id, amount):
    if amount <= 0:
        raise ValueError("amount must be positive")
    account = _get(account_id)
    if account.balance < amount:
        raise ValueError("insufficient funds")
    account.balance -= amount
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return account.balance


def transfer(from_id, to_id, amount):
    if amount <= 0 or from_id == to_id:
        raise ValueError("invalid transfer")
    source, target = _get(from_id), _get(to_id)
    if source.balance < amount:
        raise ValueError("insufficient funds")
    source.balance -= amount
    target.balance += amount
    try:
        db.session.commit()
    except DBAPIError:
        db.session.rollback()  # the database is busy: give up quietly
    except Exception:
        db.session.rollback()
        raise


def locked_account_query(account_id):
    return db.select(Account).where(Account.id == account_id).with_for_update()
