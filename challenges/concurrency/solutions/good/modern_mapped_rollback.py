"""Known-good: 2.0 style (Mapped, select, scalar_one_or_none); changes first, rolls back on any error."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Account(db.Model):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(50))
    balance: Mapped[int]
    version: Mapped[int] = mapped_column(nullable=False)

    __mapper_args__ = {"version_id_col": version}


class InsufficientFunds(ValueError):
    pass


class AccountNotFound(LookupError):
    pass


def locked_account_query(account_id: int) -> sa.Select:
    return sa.select(Account).where(Account.id == account_id).with_for_update()


def _locked(account_id: int) -> Account:
    stmt = locked_account_query(account_id).execution_options(populate_existing=True)
    account = db.session.execute(stmt).scalar_one_or_none()
    if account is None:
        raise AccountNotFound(account_id)
    return account


def withdraw(account_id: int, amount: int) -> int:
    try:
        if amount <= 0:
            raise ValueError("amount must be positive")
        account = _locked(account_id)
        account.balance -= amount
        if account.balance < 0:
            raise InsufficientFunds(account_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return account.balance


def transfer(from_id: int, to_id: int, amount: int) -> None:
    try:
        if amount <= 0 or from_id == to_id:
            raise ValueError("invalid transfer")
        target = _locked(to_id)
        target.balance += amount
        source = _locked(from_id)
        source.balance -= amount
        if source.balance < 0:
            raise InsufficientFunds(from_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
