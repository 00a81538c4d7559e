"""Known-good: the version attribute mapped to a column named row_version, both accounts loaded in
one IN query, a LookupError subclass, and FOR UPDATE OF the account table."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class AccountNotFound(LookupError):
    """No account has that id."""


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(50), nullable=False)
    balance = db.Column(db.Integer, nullable=False)
    version = db.Column("row_version", db.Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


def _accounts(*ids):
    found = db.session.execute(db.select(Account).where(Account.id.in_(ids))).scalars().all()
    by_id = {account.id: account for account in found}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise AccountNotFound(missing[0])
    return [by_id[i] for i in ids]


def withdraw(account_id, amount):
    if not amount > 0:
        raise ValueError(amount)
    (account,) = _accounts(account_id)
    new_balance = account.balance - amount
    if new_balance < 0:
        raise ValueError("not enough money")
    account.balance = new_balance
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return new_balance


def transfer(from_id, to_id, amount):
    if not amount > 0:
        raise ValueError(amount)
    if from_id == to_id:
        raise ValueError("same account")
    source, target = _accounts(from_id, to_id)
    if source.balance < amount:
        raise ValueError("not enough money")
    source.balance, target.balance = source.balance - amount, target.balance + amount
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def locked_account_query(account_id):
    return db.select(Account).filter(Account.id == account_id).with_for_update(of=Account)
