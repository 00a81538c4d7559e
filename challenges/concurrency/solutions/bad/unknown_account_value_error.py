"""Known-bad: an unknown account raises ValueError("account not found") instead of LookupError."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Account(db.Model):
    __tablename__ = "accounts"
    id = sa.Column(sa.Integer, primary_key=True)
    owner = sa.Column(sa.String(50), nullable=False)
    balance = sa.Column(sa.Integer, nullable=False)
    version = sa.Column(sa.Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


def _account(account_id):
    account = db.session.scalars(sa.select(Account).filter_by(id=account_id)).first()
    if account is None:
        raise ValueError("account not found")
    return account


def _save_or_undo():
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def withdraw(account_id, amount):
    account = _account(account_id)
    if not 0 < amount <= account.balance:
        raise ValueError(f"cannot withdraw {amount} from {account.balance}")
    account.balance = account.balance - amount
    _save_or_undo()
    return account.balance


def transfer(from_id, to_id, amount):
    if from_id == to_id:
        raise ValueError("same account")
    source, target = _account(from_id), _account(to_id)
    if not 0 < amount <= source.balance:
        raise ValueError(f"cannot move {amount} out of {source.balance}")
    source.balance, target.balance = source.balance - amount, target.balance + amount
    _save_or_undo()


def locked_account_query(account_id):
    return sa.select(Account).where(Account.id == account_id).with_for_update()
