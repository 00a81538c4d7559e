"""Known-good: the version column comes from a mixin; transfer locks both rows in id order."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import declared_attr

db = SQLAlchemy()


class Versioned:
    version = db.Column(db.Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class Account(Versioned, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(50), nullable=False)
    balance = db.Column(db.Integer, nullable=False)


def locked_account_query(account_id):
    return db.select(Account).filter(Account.id == account_id).with_for_update()


def _lock_all(ids):
    """Lock the rows in id order (no deadlock between opposite transfers); refresh what we hold."""
    stmt = (
        db.select(Account)
        .where(Account.id.in_(sorted(set(ids))))
        .order_by(Account.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = {a.id: a for a in db.session.scalars(stmt)}
    missing = [i for i in ids if i not in found]
    if missing:
        db.session.rollback()
        raise LookupError(f"unknown account(s): {missing}")
    return found


def withdraw(account_id, amount):
    if not amount > 0:
        raise ValueError("amount must be positive")
    account = _lock_all([account_id])[account_id]
    if amount > account.balance:
        db.session.rollback()
        raise ValueError("insufficient funds")
    account.balance = account.balance - amount
    db.session.commit()
    return account.balance


def transfer(from_id, to_id, amount):
    if not amount > 0:
        raise ValueError("amount must be positive")
    if from_id == to_id:
        raise ValueError("source and target are the same account")
    accounts = _lock_all([from_id, to_id])
    if accounts[from_id].balance < amount:
        db.session.rollback()
        raise ValueError("insufficient funds")
    accounts[from_id].balance -= amount
    accounts[to_id].balance += amount
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
