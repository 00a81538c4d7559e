"""Known-good: a DeclarativeBase model_class with Mapped columns and the mapped_column itself as
version_id_col, pessimistic reads through db.session.get(..., with_for_update=True), and custom
ValueError / KeyError subclasses."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Select, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class InsufficientFunds(ValueError):
    pass


class AccountNotFound(KeyError):
    pass


class Account(db.Model):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(50))
    balance: Mapped[int]
    version: Mapped[int] = mapped_column(nullable=False)

    __mapper_args__ = {"version_id_col": version}


def _locked(account_id: int) -> Account:
    account = db.session.get(Account, account_id, with_for_update=True)
    if account is None:
        raise AccountNotFound(account_id)
    return account


def _positive(amount: int) -> None:
    if amount <= 0:
        raise ValueError("amount must be positive")


def _commit() -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def withdraw(account_id: int, amount: int) -> int:
    _positive(amount)
    account = _locked(account_id)
    if account.balance < amount:
        raise InsufficientFunds(f"balance {account.balance} < {amount}")
    account.balance = account.balance - amount
    _commit()
    return account.balance


def transfer(from_id: int, to_id: int, amount: int) -> None:
    _positive(amount)
    if from_id == to_id:
        raise ValueError("source and target are the same account")
    source, target = _locked(from_id), _locked(to_id)
    if source.balance < amount:
        raise InsufficientFunds(f"balance {source.balance} < {amount}")
    source.balance -= amount
    target.balance += amount
    _commit()


def locked_account_query(account_id: int) -> Select:
    return select(Account).filter_by(id=account_id).with_for_update()
