"""Hidden tests for order-by: the ordering must come from the executed SQL."""

import re
from datetime import datetime

from sqlalchemy import DateTime, Integer, Numeric, String

from sandbox.harness.checks import assert_column, assert_list_of, column, has_limit, order_by_terms

# Inserted in this order, which is neither the order any function asks for
# nor its reverse (SQLite's reverse_unordered_selects is on). Ages tie
# (41 x3, 30 x2) with names inserted out of order; created_at values differ.
ROWS = [
    ("Dave", 41, datetime(2024, 3, 5, 10, 0)),
    ("Eve", 30, datetime(2024, 1, 10, 9, 30)),
    ("Frank", 41, datetime(2024, 5, 20, 18, 45)),
    ("Carol", 25, datetime(2024, 2, 14, 12, 0)),
    ("Heidi", 9, datetime(2024, 2, 29, 6, 0)),
    ("Bob", 41, datetime(2024, 6, 1, 8, 15)),
    ("Alice", 30, datetime(2024, 4, 1, 23, 59)),
    ("Grace", 52, datetime(2023, 12, 31, 7, 0)),
]
BY_NAME = ["Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi"]
NEWEST_FIRST = ["Bob", "Frank", "Alice", "Dave", "Heidi", "Carol", "Eve", "Grace"]
BY_AGE_THEN_NAME = ["Grace", "Bob", "Dave", "Frank", "Alice", "Eve", "Carol", "Heidi"]


def _seed(db, User):
    for name, age, created_at in ROWS:
        db.session.add(User(name=name, age=age, created_at=created_at))
    db.session.commit()
    db.session.remove()


def _names(result, User, what):
    assert_list_of(result, User, what)
    return [user.name for user in result]


def _the_select(log, what):
    selects = log.selects
    assert len(selects) == 1, f"{what} should run exactly one SELECT, it ran {len(selects)}"
    return selects[0]


def _col(User, attribute):
    return column(User, attribute).name.lower()


def _numeric_columns(User):
    """The database names of User's integer and numeric columns (their negation sorts them in
    reverse; a string's or a date's does not)."""
    return {c.name.lower() for c in User.__table__.columns if isinstance(c.type, (Integer, Numeric))}


def _bare(name):
    """A column reference without its table and quotes, lower-case (``"user".age`` gives ``age``)."""
    return name.split(".")[-1].strip('"`[]').lower()


def _terms(sql, numeric):
    """order_by_terms, with a COLLATE suffix on a plain column reduced to the column, and a
    negated column of ``numeric`` (``-age ASC``, as ``order_by(-User.age)`` gives) read as that
    column in the other direction."""
    terms = []
    for expr, direction in order_by_terms(sql):
        match = re.fullmatch(r'([\w."`\[\]]+)\s+collate\s+\S+', expr)
        if match:
            expr = _bare(match.group(1))
        negated = re.fullmatch(r'-\s*([\w."`\[\]]+)', expr)
        if negated and _bare(negated.group(1)) in numeric:
            expr = _bare(negated.group(1))
            direction = {"asc": "desc", "desc": "asc"}[direction]
        terms.append((expr, direction))
    return terms


def _assert_leading_terms(sql, wanted, what, User):
    terms = _terms(sql, _numeric_columns(User))
    assert terms, f"{what} should sort in SQL: its SELECT has no ORDER BY"
    assert terms[: len(wanted)] == wanted, (
        f"{what}: the SELECT's ORDER BY starts with {terms[: len(wanted)]}, "
        f"not the columns and directions the statement asks for"
    )


def _limit_value(stmt):
    """The LIMIT of ``stmt`` as a number, or None when it cannot be read."""
    match = re.search(r"\bLIMIT\s+(\?|\d+|:\w+)", stmt.sql, re.IGNORECASE)
    if not match:
        return None
    token = match.group(1)
    if token.isdigit():
        return int(token)
    params = stmt.parameters
    if token == "?" and isinstance(params, (tuple, list)):
        index = stmt.sql[: match.start(1)].count("?")
        return params[index] if index < len(params) else None
    if token.startswith(":") and isinstance(params, dict):
        return params.get(token[1:])
    return None


# --- the model -----------------------------------------------------------------


def test_name_column(db, solution):
    """name is a not-null String(50) column"""
    assert_column(solution.User, "name", String, length=50, nullable=False)


def test_age_column(db, solution):
    """age is a not-null Integer column"""
    assert_column(solution.User, "age", Integer, nullable=False)


def test_created_at_column(db, solution):
    """created_at is a not-null DateTime column"""
    assert_column(solution.User, "created_at", DateTime, nullable=False)


# --- users_by_name ---------------------------------------------------------------


def test_users_by_name_order(db, solution):
    """users_by_name() returns every user in the asked order"""
    _seed(db, solution.User)
    names = _names(solution.users_by_name(), solution.User, "users_by_name()")
    assert names == BY_NAME, "users_by_name() should return every user, name ascending"


def test_users_by_name_sorts_in_sql(db, solution, sql):
    """users_by_name() runs one SELECT whose ORDER BY does the sorting"""
    _seed(db, solution.User)
    with sql.record() as log:
        solution.users_by_name()
    stmt = _the_select(log, "users_by_name()")
    _assert_leading_terms(
        stmt.sql, [(_col(solution.User, "name"), "asc")], "users_by_name()", solution.User
    )


# --- users_newest_first ----------------------------------------------------------


def test_users_newest_first_order(db, solution):
    """users_newest_first() returns every user in the asked order"""
    _seed(db, solution.User)
    names = _names(solution.users_newest_first(), solution.User, "users_newest_first()")
    assert names == NEWEST_FIRST, "users_newest_first() should return every user, created_at descending"


def test_users_newest_first_sorts_in_sql(db, solution, sql):
    """users_newest_first() runs one SELECT whose ORDER BY does the sorting"""
    _seed(db, solution.User)
    with sql.record() as log:
        solution.users_newest_first()
    stmt = _the_select(log, "users_newest_first()")
    _assert_leading_terms(
        stmt.sql, [(_col(solution.User, "created_at"), "desc")], "users_newest_first()", solution.User
    )


# --- users_by_age_then_name --------------------------------------------------------


def test_users_by_age_then_name_order(db, solution):
    """users_by_age_then_name() returns every user in the asked order, ties included"""
    _seed(db, solution.User)
    names = _names(solution.users_by_age_then_name(), solution.User, "users_by_age_then_name()")
    assert names == BY_AGE_THEN_NAME, (
        "users_by_age_then_name() should return every user, age descending, then name ascending"
    )


def test_users_by_age_then_name_sorts_in_sql(db, solution, sql):
    """users_by_age_then_name() runs one SELECT whose ORDER BY does the sorting"""
    _seed(db, solution.User)
    with sql.record() as log:
        solution.users_by_age_then_name()
    stmt = _the_select(log, "users_by_age_then_name()")
    wanted = [(_col(solution.User, "age"), "desc"), (_col(solution.User, "name"), "asc")]
    _assert_leading_terms(stmt.sql, wanted, "users_by_age_then_name()", solution.User)


# --- oldest_users ------------------------------------------------------------------


def test_oldest_users_order(db, solution):
    """oldest_users(n) returns the right n users in the asked order for several n"""
    _seed(db, solution.User)
    for n in (1, 3, 5, 8):
        names = _names(solution.oldest_users(n), solution.User, f"oldest_users({n})")
        assert names == BY_AGE_THEN_NAME[:n], (
            f"oldest_users({n}) should return the {n} oldest users, ties by name ascending"
        )


def test_oldest_users_sorts_and_limits_in_sql(db, solution, sql):
    """oldest_users(n) runs one SELECT whose ORDER BY and LIMIT do the sorting and cutting"""
    _seed(db, solution.User)
    with sql.record() as log:
        solution.oldest_users(3)
    stmt = _the_select(log, "oldest_users(3)")
    wanted = [(_col(solution.User, "age"), "desc"), (_col(solution.User, "name"), "asc")]
    _assert_leading_terms(stmt.sql, wanted, "oldest_users(3)", solution.User)
    assert has_limit(stmt.sql), "oldest_users(3) should limit the rows in SQL (LIMIT)"
    limit = _limit_value(stmt)
    assert limit is None or limit == 3, (
        f"oldest_users(3) should ask the database for 3 rows, its LIMIT is {limit}"
    )


def test_oldest_users_zero(db, solution, sql):
    """oldest_users(0) returns an empty list with at most one SELECT"""
    _seed(db, solution.User)
    with sql.record() as log:
        result = solution.oldest_users(0)
    assert_list_of(result, solution.User, "oldest_users(0)")
    assert result == [], "oldest_users(0) should return []"
    assert len(log.selects) <= 1, f"oldest_users(0) should run at most one SELECT, it ran {len(log.selects)}"


# --- every function ----------------------------------------------------------------


def test_results_belong_to_the_session(db, solution):
    """every function returns User objects that belong to db.session"""
    _seed(db, solution.User)
    results = {
        "users_by_name()": solution.users_by_name(),
        "users_newest_first()": solution.users_newest_first(),
        "users_by_age_then_name()": solution.users_by_age_then_name(),
        "oldest_users(2)": solution.oldest_users(2),
    }
    for what, result in results.items():
        assert_list_of(result, solution.User, what)
        assert result, f"{what} returned no users"
        for user in result:
            assert user in db.session, f"{what} should return users that belong to db.session"
