"""Hidden tests for concurrency."""

import re

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from sandbox.harness.checks import assert_column, column, compiled_for


def _open(db, solution, owner, balance):
    """A committed account; returns its id."""
    account = solution.Account(owner=owner, balance=balance)
    db.session.add(account)
    db.session.commit()
    return account.id


def _stored(db, solution):
    """Every account's balance as {id: balance}, read with a column SELECT (not from objects)."""
    Account = solution.Account
    rows = db.session.execute(sa.select(Account.id, Account.balance)).all()
    return {int(row[0]): int(row[1]) for row in rows}


def _preload(db, solution, *ids):
    """Load the accounts into db.session and keep them alive, as a caller holding them would."""
    held = [db.session.get(solution.Account, account_id) for account_id in ids]
    for account in held:
        assert account is not None and account.balance is not None
    return held


def _assert_unchanged(db, solution, expected, what):
    """After an error: db.session's objects, the database and the committed state all match."""
    Account = solution.Account
    for account_id, balance in expected.items():
        account = db.session.get(Account, account_id)
        assert account is not None, f"{what}: account {account_id} can no longer be found"
        assert account.balance == balance, (
            f"{what}: the Account object in db.session shows balance {account.balance} "
            f"for account {account_id}, expected {balance} (nothing should have changed)"
        )
        assert not db.session.is_modified(account), (
            f"{what}: account {account_id} was left modified in db.session"
        )
    assert not db.session.new, f"{what}: a pending new object was left in db.session"
    assert _stored(db, solution) == expected, f"{what}: the balances in the database changed"
    db.session.remove()
    assert _stored(db, solution) == expected, f"{what}: the committed balances changed"


# --- the model -------------------------------------------------------------------------------


def test_column_types(db, solution):
    """id, owner, balance and version have the types and length the statement names"""
    Account = solution.Account
    assert_column(Account, "id", sa.Integer, primary_key=True)
    assert_column(Account, "owner", sa.String, length=50)
    assert_column(Account, "balance", sa.Integer)
    assert_column(Account, "version", sa.Integer)


def test_columns_not_null_in_database(db, solution):
    """owner, balance and version are NOT NULL in the created table"""
    table = solution.Account.__table__
    columns = {c["name"]: c for c in sa.inspect(db.engine).get_columns(table.name)}
    for attribute in ("owner", "balance", "version"):
        name = column(solution.Account, attribute).name
        assert name in columns, f"the {attribute} column was not created in the database"
        assert columns[name]["nullable"] is False, f"{attribute} should be NOT NULL in the database"


def test_version_is_version_id_col(db, solution):
    """version is the mapper's version_id_col"""
    mapper = sa.inspect(solution.Account)
    assert mapper.version_id_col is not None, "Account's mapper has no version_id_col"
    assert mapper.version_id_col is column(solution.Account, "version"), (
        "the mapper's version_id_col should be the version column"
    )


def test_stale_write_raises_stale_data_error(db, solution, other_session):
    """committing a change to an account another session changed first raises StaleDataError and
    overwrites nothing
    """
    Account = solution.Account
    account_id = _open(db, solution, "ada", 100)
    mine = db.session.get(Account, account_id)
    assert mine.balance == 100

    theirs = other_session.get(Account, account_id)
    theirs.balance = 150
    other_session.commit()  # the other user changes the row first

    mine.balance = 90  # based on a version that is no longer current
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
    db.session.remove()
    assert _stored(db, solution) == {account_id: 150}, "the stale write must not overwrite the other change"


def test_withdraw_is_a_change_other_sessions_see(db, solution, other_session):
    """a session that read an account before a withdrawal cannot then overwrite it"""
    Account = solution.Account
    account_id = _open(db, solution, "ada", 100)
    theirs = other_session.get(Account, account_id)
    assert theirs.balance == 100  # the other user read the account before the withdrawal

    solution.withdraw(account_id, 30)

    theirs.balance = 500
    with pytest.raises(StaleDataError):
        other_session.commit()
    other_session.rollback()
    db.session.remove()
    assert _stored(db, solution) == {account_id: 70}, "the stale write must not overwrite the withdrawal"


# --- withdraw -----------------------------------------------------------------------------------


def test_withdraw_is_committed(db, solution):
    """withdraw returns an int and its change survives the session being closed, other accounts
    untouched
    """
    first = _open(db, solution, "ada", 100)
    second = _open(db, solution, "grace", 80)
    result = solution.withdraw(second, 25)
    assert type(result) is int, f"withdraw should return an int, got {type(result).__name__}"
    assert result == 55
    db.session.remove()
    assert _stored(db, solution) == {first: 100, second: 55}, (
        "the withdrawal should be committed, and only that account should change"
    )


def test_withdraw_to_exactly_zero(db, solution):
    """withdrawing the whole balance is allowed"""
    account_id = _open(db, solution, "ada", 40)
    result = solution.withdraw(account_id, 40)
    assert type(result) is int and result == 0, "withdrawing the whole balance should leave 0"
    db.session.remove()
    assert _stored(db, solution) == {account_id: 0}


def test_withdraw_overdraft_changes_nothing(db, solution):
    """an overdraft raises ValueError and changes nothing in the session or the database"""
    first = _open(db, solution, "ada", 100)
    second = _open(db, solution, "grace", 50)
    held = _preload(db, solution, first, second)
    with pytest.raises(ValueError):
        solution.withdraw(first, 101)
    _assert_unchanged(db, solution, {first: 100, second: 50}, "after withdraw raised ValueError")
    del held


@pytest.mark.parametrize("amount", [0, -20])
def test_withdraw_nonpositive_amount_changes_nothing(db, solution, amount):
    """a zero or negative withdrawal raises ValueError and changes nothing"""
    account_id = _open(db, solution, "ada", 100)
    held = _preload(db, solution, account_id)
    with pytest.raises(ValueError):
        solution.withdraw(account_id, amount)
    _assert_unchanged(db, solution, {account_id: 100}, f"after withdraw(..., {amount}) raised ValueError")
    del held


def test_withdraw_unknown_account_raises_lookup_error(db, solution):
    """withdrawing from an unknown account raises LookupError and changes nothing"""
    first = _open(db, solution, "ada", 100)
    held = _preload(db, solution, first)
    with pytest.raises(LookupError):
        solution.withdraw(first + 1000, 10)
    _assert_unchanged(db, solution, {first: 100}, "after withdraw raised LookupError")
    del held


# --- transfer -----------------------------------------------------------------------------------


def test_transfer_is_committed(db, solution):
    """a transfer moves the money between the two accounts, committed, and touches no other account
    """
    first = _open(db, solution, "ada", 100)
    second = _open(db, solution, "grace", 50)
    third = _open(db, solution, "linus", 10)
    solution.transfer(second, first, 30)
    db.session.remove()
    assert _stored(db, solution) == {first: 130, second: 20, third: 10}, (
        "both changes should be committed, and no other account should change"
    )


def test_transfer_whole_balance(db, solution):
    """a transfer may empty the source account"""
    first = _open(db, solution, "ada", 100)
    second = _open(db, solution, "grace", 50)
    solution.transfer(first, second, 100)
    db.session.remove()
    assert _stored(db, solution) == {first: 0, second: 150}, "a transfer may empty the source account"


def test_transfer_insufficient_funds_changes_nothing(db, solution):
    """a transfer larger than the balance raises ValueError and leaves both accounts as they were
    """
    first = _open(db, solution, "ada", 100)
    second = _open(db, solution, "grace", 50)
    held = _preload(db, solution, first, second)
    with pytest.raises(ValueError):
        solution.transfer(second, first, 51)
    _assert_unchanged(db, solution, {first: 100, second: 50}, "after transfer raised ValueError")
    del held


@pytest.mark.parametrize("amount", [0, -25])
def test_transfer_nonpositive_amount_changes_nothing(db, solution, amount):
    """a zero or negative transfer raises ValueError and leaves both accounts as they were"""
    first = _open(db, solution, "ada", 100)
    second = _open(db, solution, "grace", 50)
    held = _preload(db, solution, first, second)
    with pytest.raises(ValueError):
        solution.transfer(first, second, amount)
    _assert_unchanged(
        db, solution, {first: 100, second: 50}, f"after transfer(..., {amount}) raised ValueError"
    )
    del held


def test_transfer_to_same_account_raises_value_error(db, solution):
    """a transfer from an account to itself raises ValueError and changes nothing"""
    first = _open(db, solution, "ada", 100)
    held = _preload(db, solution, first)
    with pytest.raises(ValueError):
        solution.transfer(first, first, 10)
    _assert_unchanged(db, solution, {first: 100}, "after transfer to the same account")
    del held


@pytest.mark.parametrize("unknown", ["source", "target"])
def test_transfer_unknown_account_changes_nothing(db, solution, unknown):
    """a transfer with an unknown source or target raises LookupError and leaves the other account
    as it was
    """
    first = _open(db, solution, "ada", 100)
    second = _open(db, solution, "grace", 50)
    missing = second + 1000
    held = _preload(db, solution, first, second)
    with pytest.raises(LookupError):
        if unknown == "source":
            solution.transfer(missing, first, 10)
        else:
            solution.transfer(first, missing, 10)
    _assert_unchanged(db, solution, {first: 100, second: 50}, f"after transfer with an unknown {unknown}")
    del held


def test_session_usable_after_failed_transfer(db, solution):
    """after failed transfers, further transfers and withdrawals work and are committed"""
    first = _open(db, solution, "ada", 100)
    second = _open(db, solution, "grace", 50)
    held = _preload(db, solution, first, second)
    with pytest.raises(ValueError):
        solution.transfer(first, second, 1000)
    with pytest.raises(LookupError):
        solution.transfer(first, second + 1000, 10)
    solution.transfer(first, second, 60)
    assert solution.withdraw(second, 10) == 100
    db.session.remove()
    assert _stored(db, solution) == {first: 40, second: 100}, (
        "transfers and withdrawals after a failed transfer should work and be committed"
    )
    del held


class _FailSecondUpdate:
    """A database that refuses the second UPDATE sent while it is installed: the statement is
    sent to a schema that does not exist, so the database itself refuses it, and the error
    reaches the solution as SQLAlchemy gives any error of the database (a DBAPIError)."""

    def __init__(self):
        self.updates = 0
        self.injected = False

    def __call__(self, _conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("UPDATE"):
            self.updates += 1
            if self.updates == 2:
                self.injected = True
                statement = re.sub(r"^\s*UPDATE\s+", "UPDATE refused_by_the_database.", statement, flags=re.I)
        return statement, parameters


def test_transfer_is_all_or_nothing_when_a_write_fails(db, solution):
    """when the database refuses part of a transfer, neither balance changes"""
    first = _open(db, solution, "ada", 100)
    second = _open(db, solution, "grace", 50)
    fail = _FailSecondUpdate()
    event_target = db.engine
    sa.event.listen(event_target, "before_cursor_execute", fail, retval=True)
    raised = False
    try:
        try:
            solution.transfer(first, second, 30)
        except Exception:  # which exception escapes is not specified; the state is what counts
            raised = True
    finally:
        sa.event.remove(event_target, "before_cursor_execute", fail)
    db.session.rollback()
    db.session.remove()
    stored = _stored(db, solution)
    neither, both = {first: 100, second: 50}, {first: 70, second: 80}
    assert stored in (neither, both), (
        f"the database refused one of the transfer's UPDATEs (injected: {fail.injected}) and the stored "
        f"balances became {stored}: both changes must happen in one transaction, or neither"
    )
    assert raised or stored == both, (
        f"the database refused one of the transfer's UPDATEs (injected: {fail.injected}) and transfer "
        "returned without an error, but no money moved: a transfer that fails must raise (or retry "
        "until it is stored)"
    )


# --- locked_account_query -------------------------------------------------------------------------


def test_locked_account_query_is_select_for_update(db, solution, sql):
    """locked_account_query runs nothing and returns a Select that takes a row lock on PostgreSQL
    """
    first = _open(db, solution, "ada", 100)
    with sql.record() as log:
        statement = solution.locked_account_query(first)
    assert log.statements == [], "locked_account_query should return the statement without running it"
    assert isinstance(statement, sa.Select), (
        f"locked_account_query should return a sqlalchemy Select, got {type(statement).__name__}"
    )
    text = compiled_for(statement, "postgresql")
    assert re.search(r"\bFOR\s+UPDATE\b", text, re.IGNORECASE), (
        "compiled for PostgreSQL, the statement should end with FOR UPDATE (a row lock)"
    )


def test_locked_account_query_selects_that_account(db, solution):
    """the locked statement, when run, selects exactly the requested Account"""
    ids = [_open(db, solution, name, balance) for name, balance in [("ada", 1), ("grace", 2), ("linus", 3)]]
    db.session.remove()
    statement = solution.locked_account_query(ids[1])
    assert isinstance(statement, sa.Select), "locked_account_query should return a sqlalchemy Select"
    found = db.session.scalars(statement).all()
    assert len(found) == 1, f"the statement should select exactly one account, got {len(found)} rows"
    account = found[0]
    assert isinstance(account, solution.Account), "the statement should select Account objects"
    assert (account.id, account.owner, account.balance) == (ids[1], "grace", 2), (
        "the statement selected the wrong account"
    )


# --- the smallest amount, and a write that meets a stale version --------------------------------


def test_an_amount_of_one_is_accepted(db, solution):
    """withdraw and transfer accept an amount of 1"""
    first = _open(db, solution, "ada", 100)
    second = _open(db, solution, "grace", 50)
    assert solution.withdraw(first, 1) == 99, "withdraw(..., 1) should take 1: only amounts <= 0 are refused"
    solution.transfer(first, second, 1)
    db.session.remove()
    assert _stored(db, solution) == {first: 98, second: 51}, "a transfer of 1 should be committed"


# What the second session stores first: a higher balance, or one too low for the amount of 30.
STALE_BALANCES = pytest.mark.parametrize("theirs_balance", [150, 20], ids=["raised", "lowered"])


@STALE_BALANCES
def test_withdraw_that_meets_a_stale_version_returns_only_a_committed_balance(
    db, solution, other_session, theirs_balance
):
    """a withdraw that meets a stale version raises, or returns the balance it stored (never below 0)"""
    account_id = _open(db, solution, "ada", 100)
    (held,) = _preload(db, solution, account_id)  # db.session holds the account at its first version
    theirs = other_session.get(solution.Account, account_id)
    theirs.balance = theirs_balance
    other_session.commit()  # another user changes the row first

    try:
        result = solution.withdraw(account_id, 30)
    except Exception:  # which exception escapes is not specified, nor the session's state after it
        db.session.rollback()
        db.session.remove()
        assert _stored(db, solution) == {account_id: theirs_balance}, "a failed withdraw must not change the balance"
        return
    finally:
        del held
    db.session.remove()
    stored = _stored(db, solution)[account_id]
    assert theirs_balance >= 30, (
        f"another session left the balance at {theirs_balance}, yet withdrawing 30 returned {result} "
        f"without an error and the database holds {stored}: check the balance that is stored (or let "
        "the version check fail), a balance never goes below 0"
    )
    assert result == theirs_balance - 30 and stored == theirs_balance - 30, (
        f"withdraw returned {result} without an error, but the database holds {stored}: a returned "
        f"balance must be the committed one, taken from the balance another session committed first "
        f"({theirs_balance})"
    )


@STALE_BALANCES
def test_transfer_that_meets_a_stale_version_is_all_or_nothing(db, solution, other_session, theirs_balance):
    """a transfer that meets a stale version raises and leaves no change in the session, or is stored
    whole (never below 0)"""
    first = _open(db, solution, "ada", 100)
    second = _open(db, solution, "grace", 50)
    held = _preload(db, solution, first, second)
    theirs = other_session.get(solution.Account, first)
    theirs.balance = theirs_balance
    other_session.commit()  # another user changes the source account first
    stored_before = {first: theirs_balance, second: 50}

    try:
        solution.transfer(first, second, 30)
    except Exception:  # which exception escapes is not specified; the state is what counts
        balances = [account.balance for account in held]
        # Rolled back, the held Accounts show what is stored; untouched, what they showed before.
        assert balances in ([theirs_balance, 50], [100, 50]), (
            f"after transfer failed, the Accounts in db.session show balances {balances}, which were "
            "never committed (roll the session back when the commit fails)"
        )
        for account in held:
            assert not db.session.is_modified(account), "after transfer failed, an Account was left modified"
        assert not db.session.new, "after transfer failed, a pending new object was left in db.session"
        assert _stored(db, solution) == stored_before, "after transfer failed, the balances in the database changed"
        db.session.remove()
        assert _stored(db, solution) == stored_before, "after transfer failed, the committed balances changed"
        return
    db.session.remove()
    stored = _stored(db, solution)
    assert theirs_balance >= 30, (
        f"another session left the source balance at {theirs_balance}, yet transferring 30 returned "
        f"without an error and the database holds {stored}: a balance never goes below 0"
    )
    assert stored == {first: theirs_balance - 30, second: 80}, (
        f"transfer returned without an error, but the database holds {stored}: a transfer "
        "that reports success must have moved the amount, on top of the other session's change"
    )
