"""Known-bad: withdraw and transfer check the balance on the object db.session already holds, then
run UPDATE statements that bump the version but check neither the version nor the balance in SQL:
when another session lowered the balance first, the stored balance goes below 0."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Account(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(50))
    balance: Mapped[int]
    version: Mapped[int] = mapped_column()
    __mapper_args__ = {"version_id_col": version}


def _get(account_id: int) -> Account:
    account = db.session.get(Account, account_id)
    if account is None:
        raise LookupError(f"no account {account_id}")
    return account


def _move(account_id: int, delta: int) -> None:
    db.session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(balance=Account.balance + delta, version=Account.version + 1)
        .execution_options(synchronize_session=False)
    )


def withdraw(account_id: int, amount: int) -> int:
    if amount <= 0:
        raise ValueError("amount must be positive")
    account = _get(account_id)
    if account.balance < amount:
        raise ValueError("insufficient funds")
    _move(account_id, -amount)
    db.session.commit()
    return db.session.scalar(select(Account.balance).where(Account.id == account_id))


def transfer(from_id: int, to_id: int, amount: int) -> None:
    if amount <= 0:
        raise ValueError("amount must be positive")
    if from_id == to_id:
        raise ValueError("same account")
    source, _target = _get(from_id), _get(to_id)
    if source.balance < amount:
        raise ValueError("insufficient funds")
    try:
        _move(from_id, -amount)
        _move(to_id, amount)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def locked_account_query(account_id: int):
    return select(Account).where(Account.id == account_id).with_for_update()
