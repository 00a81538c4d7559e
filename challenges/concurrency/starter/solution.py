"""Optimistic and pessimistic locking: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(50), nullable=False)
    balance = db.Column(db.Integer, nullable=False)
    # TODO: version (integer, not null), used as the mapper's version_id_col


def withdraw(account_id, amount):
    # TODO: take amount from the account, commit, return the new balance;
    # ValueError for amount <= 0 or too little money, LookupError for an unknown account
    raise NotImplementedError


def transfer(from_id, to_id, amount):
    # TODO: move amount between two accounts: both changes or neither
    raise NotImplementedError


def locked_account_query(account_id):
    # TODO: return (do not run) a SELECT of that account that takes a row lock
    raise NotImplementedError
