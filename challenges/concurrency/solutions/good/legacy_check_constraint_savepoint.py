"""Known-good: legacy Model.query, a CHECK constraint turned into ValueError, a savepoint for transfer."""

from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError

db = SQLAlchemy()


class Account(db.Model):
    __tablename__ = "bank_accounts"
    __table_args__ = (db.CheckConstraint("balance >= 0", name="ck_balance_not_negative"),)

    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(50), nullable=False)
    balance = db.Column(db.Integer, nullable=False, default=0)
    version = db.Column(db.Integer, nullable=False)
    opened_at = db.Column(db.DateTime, default=lambda: datetime.now(timezone.utc))

    __mapper_args__ = {"version_id_col": version}


def _find(account_id):
    account = Account.query.filter_by(id=account_id).first()
    if account is None:
        raise KeyError(account_id)  # KeyError is a LookupError
    return account


def withdraw(account_id, amount):
    if amount <= 0:
        raise ValueError("amount must be positive")
    account = _find(account_id)
    account.balance = Account.balance - amount  # computed by the database
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValueError("insufficient funds") from None
    return account.balance


def transfer(from_id, to_id, amount):
    if amount <= 0:
        raise ValueError("amount must be positive")
    if from_id == to_id:
        raise ValueError("same account")
    try:
        with db.session.begin_nested():
            source = _find(from_id)
            target = _find(to_id)
            source.balance = source.balance - amount
            target.balance = target.balance + amount
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValueError("insufficient funds") from None
    except Exception:
        db.session.rollback()
        raise


def locked_account_query(account_id):
    return Account.query.filter_by(id=account_id).with_for_update(of=Account).statement
