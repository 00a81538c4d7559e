from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(50), nullable=False)
    balance = db.Column(db.Integer, nullable=False)
    version = db.Column(db.Integer, nullable=False)

    # Every UPDATE checks and bumps the version: a stale write raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.owner}: {self.balance}>"


def _get_account(account_id):
    account = db.session.get(Account, account_id)
    if account is None:
        raise LookupError(f"no account with id {account_id}")
    return account


def withdraw(account_id, amount):
    """Take `amount` from the account and commit; validate before changing anything."""
    if amount <= 0:
        raise ValueError("the amount must be positive")
    account = _get_account(account_id)
    if account.balance < amount:
        raise ValueError("insufficient funds")
    account.balance -= amount
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return account.balance


def transfer(from_id, to_id, amount):
    """Move `amount` between two accounts in one transaction: both changes or neither."""
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
    """SELECT ... FOR UPDATE of one account, not run."""
    return db.select(Account).where(Account.id == account_id).with_for_update()
