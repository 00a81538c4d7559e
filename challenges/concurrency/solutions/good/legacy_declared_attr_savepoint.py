"""Known-good: legacy Account.query.get and filter_by, __mapper_args__ from a declared_attr, and a
transfer inside a begin_nested() savepoint that rolls back and re-raises."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import declared_attr

db = SQLAlchemy()


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(50), nullable=False)
    balance = db.Column(db.Integer, nullable=False, default=0)
    version = db.Column(db.Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}

    def __repr__(self):
        return "<Account %s %s=%s v%s>" % (self.id, self.owner, self.balance, self.version)


def _find(account_id):
    account = Account.query.get(account_id)
    if account is None:
        raise LookupError("no such account: %r" % (account_id,))
    return account


def withdraw(account_id, amount):
    if amount <= 0:
        raise ValueError("amount must be > 0")
    account = _find(account_id)
    if amount > account.balance:
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
    try:
        with db.session.begin_nested():
            source = _find(from_id)
            target = _find(to_id)
            if source.balance < amount:
                raise ValueError("insufficient funds")
            source.balance -= amount
            target.balance += amount
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def locked_account_query(account_id):
    return Account.query.filter_by(id=account_id).with_for_update().statement
