"""Dataclass model: the version column is left out of the constructor (init=False) because
the mapper sets and bumps it as the version_id_col; withdrawals and transfers validate first
and roll back on a failed commit."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


class Base(MappedAsDataclass, DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Account(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    owner: Mapped[str] = mapped_column(String(50))
    balance: Mapped[int]
    version: Mapped[int] = mapped_column(init=False)

    __mapper_args__ = {"version_id_col": version}


def _account(account_id: int) -> Account:
    account = db.session.get(Account, account_id)
    if account is None:
        raise LookupError(f"no account with id {account_id}")
    return account


def _commit() -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def withdraw(account_id: int, amount: int) -> int:
    if amount <= 0:
        raise ValueError("the amount must be positive")
    account = _account(account_id)
    if account.balance < amount:
        raise ValueError("insufficient funds")
    account.balance -= amount
    _commit()
    return account.balance


def transfer(from_id: int, to_id: int, amount: int) -> None:
    if amount <= 0:
        raise ValueError("the amount must be positive")
    if from_id == to_id:
        raise ValueError("cannot transfer to the same account")
    source, target = _account(from_id), _account(to_id)
    if source.balance < amount:
        raise ValueError("insufficient funds")
    source.balance -= amount
    target.balance += amount
    _commit()


def locked_account_query(account_id: int):
    return select(Account).where(Account.id == account_id).with_for_update()
