"""Known-bad: withdraw updates the balance with a Core UPDATE that leaves version alone, so other sessions' stale writes go through."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(50), nullable=False)
    balance = db.Column(db.Integer, nullable=False)
    version = db.Column(db.Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


def _get_account(account_id):
    account = db.session.get(Account, account_id)
    if account is None:
        raise LookupError(f"no account with id {account_id}")
    return account


def withdraw(account_id, amount):
    if amount <= 0:
        raise ValueError("the amount must be positive")
    account = _get_account(account_id)
    if account.balance < amount:
        raise ValueError("insufficient funds")
    db.session.execute(
        sa.update(Account.__table__)
        .where(Account.__table__.c.id == account_id)
        .values(balance=Account.__table__.c.balance - amount)
    )
    db.session.commit()
    return account.balance


def transfer(from_id, to_id, amount):
    if amount <= 0:
        raise ValueError("the amount must be positive")
    if from_id == to_id:
        raise ValueError("cannot transfer to the same account")
    source = _get_account(from_id)
    target = _get_account(to_id)
    if source.balance < amount:
        raise ValueError("insufficient funds")
    source.balance -= amount
    target.balance += amount
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def locked_account_query(account_id):
    return db.select(Account).where(Account.id == account_id).with_for_update()
