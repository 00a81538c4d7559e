"""Public tests for concurrency: the candidate may read and run these."""

import sqlalchemy as sa


def test_account_round_trips(db, solution):
    """an Account built with owner= and balance= is saved with an integer id and a version"""
    account = solution.Account(owner="ada", balance=100)
    db.session.add(account)
    db.session.commit()
    account_id = account.id
    assert type(account_id) is int, "id should be an integer set by the database"
    db.session.remove()
    loaded = db.session.get(solution.Account, account_id)
    assert loaded is not None, "the committed account was not found by its id"
    assert (loaded.owner, loaded.balance) == ("ada", 100)
    assert type(loaded.version) is int, "version should be set for you when the account is saved"


def test_withdraw_returns_new_balance(db, solution):
    """withdraw returns the balance left after the withdrawal"""
    account = solution.Account(owner="ada", balance=100)
    db.session.add(account)
    db.session.commit()
    assert solution.withdraw(account.id, 30) == 70


def test_locked_account_query_returns_a_select(db, solution):
    """locked_account_query returns a SQLAlchemy Select"""
    account = solution.Account(owner="ada", balance=100)
    db.session.add(account)
    db.session.commit()
    statement = solution.locked_account_query(account.id)
    assert isinstance(statement, sa.Select), "locked_account_query should return a sqlalchemy Select"
