"""Public tests for order-by: the candidate may read and run these."""

from datetime import datetime

from sandbox.harness.checks import assert_list_of


def _add_users(db, User, rows):
    for name, age, created_at in rows:
        db.session.add(User(name=name, age=age, created_at=created_at))
    db.session.commit()
    db.session.remove()


def test_user_keyword_constructor(db, solution):
    """User can be built with name=, age= and created_at= keywords"""
    when = datetime(2024, 1, 2, 3, 4, 5)
    user = solution.User(name="Ada", age=36, created_at=when)
    assert (user.name, user.age, user.created_at) == ("Ada", 36, when)


def test_users_by_name_small(db, solution):
    """users_by_name() returns a list of users in the asked order (three users)"""
    _add_users(db, solution.User, [
        ("Bob", 30, datetime(2024, 2, 1)),
        ("Cleo", 25, datetime(2024, 1, 1)),
        ("Ann", 40, datetime(2024, 3, 1)),
    ])
    result = assert_list_of(solution.users_by_name(), solution.User, "users_by_name()")
    assert [u.name for u in result] == ["Ann", "Bob", "Cleo"]


def test_oldest_users_small(db, solution):
    """oldest_users(1) returns a list holding the oldest user (three users)"""
    _add_users(db, solution.User, [
        ("Bob", 30, datetime(2024, 2, 1)),
        ("Ann", 40, datetime(2024, 3, 1)),
        ("Cleo", 25, datetime(2024, 1, 1)),
    ])
    result = assert_list_of(solution.oldest_users(1), solution.User, "oldest_users(1)")
    assert [u.name for u in result] == ["Ann"]
