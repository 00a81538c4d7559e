"""Hidden tests for multiple-binds."""

from typing import Any

from sqlalchemy import Integer, String, select

from sandbox.harness.checks import assert_column, table_names

# name -> the paths that user views; ids, names and insertion order all differ.
USERS = {12: "grace", 3: "linus", 7: "ada", 5: "ken", 20: "barbara"}
VIEWS = [
    (7, "/home"), (12, "/home"), (7, "/docs"), (3, "/home"), (7, "/home"),
    (12, "/blog"), (7, "/pricing"), (3, "/docs"),
]
EXPECTED = {"grace": 2, "linus": 2, "ada": 4, "ken": 0, "barbara": 0}


def _seed_users(db: Any, solution: Any) -> None:
    for user_id, name in USERS.items():
        user = solution.User(name=name)
        user.id = user_id  # after the constructor: a dataclass model's may leave the key out
        db.session.add(user)
        db.session.flush()
    db.session.commit()


def _seed_views(db: Any, solution: Any, views: list[tuple[int, str]] = VIEWS) -> None:
    """Views stored straight through the ORM (not through record_view)."""
    for user_id, path in views:
        db.session.add(solution.PageView(user_id=user_id, path=path))
    db.session.commit()


def _stored_views(db: Any, solution: Any) -> list[tuple[int, str]]:
    """Every page view, read straight from the analytics engine."""
    db.session.remove()
    query = select(solution.PageView.user_id, solution.PageView.path)
    with db.engines["analytics"].connect() as connection:
        return sorted((int(u), str(p)) for u, p in connection.execute(query))


def _counts(solution: Any) -> dict[str, int]:
    result = solution.views_per_user()
    assert type(result) is dict, f"views_per_user should return a dict, got {type(result).__name__}"
    for name, count in result.items():
        assert type(name) is str, f"the keys should be user names (str), got a {type(name).__name__}"
        assert type(count) is int, f"the counts should be int, got a {type(count).__name__}"
    return result


def test_user_columns(db, solution):
    """User.id is an integer primary key and User.name is a required String(50)"""
    assert_column(solution.User, "id", Integer, primary_key=True)
    assert_column(solution.User, "name", String, length=50, nullable=False)


def test_page_view_columns(db, solution):
    """PageView has an integer primary key, a required String(200) path and a required integer
    user_id with no foreign key
    """
    assert_column(solution.PageView, "id", Integer, primary_key=True)
    assert_column(solution.PageView, "path", String, length=200, nullable=False)
    user_id = assert_column(solution.PageView, "user_id", Integer, nullable=False)
    assert not user_id.foreign_keys, "PageView.user_id should have no foreign key"


def test_user_table_only_in_default_database(db, solution):
    """User's table exists in the default database and not in analytics"""
    name = solution.User.__table__.name
    assert name in table_names(db), "User's table should exist in the default database"
    assert name not in table_names(db, "analytics"), (
        "User's table should not exist in the analytics database"
    )


def test_page_view_table_only_in_analytics_database(db, solution):
    """PageView's table exists in the analytics database and not in the default one"""
    name = solution.PageView.__table__.name
    assert name in table_names(db, "analytics"), (
        "PageView's table should exist in the analytics database"
    )
    assert name not in table_names(db), "PageView's table should not exist in the default database"


def test_record_view_commits(db, solution):
    """record_view returns None and its view is committed where it belongs"""
    _seed_users(db, solution)
    assert solution.record_view(7, "/home") is None, "record_view should return None"
    assert solution.record_view(3, "/docs") is None, "record_view should return None"
    assert _stored_views(db, solution) == [(3, "/docs"), (7, "/home")], (
        "the views should be committed to the analytics database"
    )
    assert sorted(db.session.scalars(select(solution.User.name))) == sorted(USERS.values())


def test_record_view_keeps_earlier_views(db, solution):
    """many recorded views are all stored, each once"""
    _seed_users(db, solution)
    for user_id, path in VIEWS:
        solution.record_view(user_id, path)
    assert _stored_views(db, solution) == sorted(VIEWS), "every recorded view should be stored once"


def test_views_per_user_counts(db, solution):
    """views_per_user gives each user's number of views"""
    _seed_users(db, solution)
    for user_id, path in VIEWS:
        solution.record_view(user_id, path)
    db.session.remove()
    counts = _counts(solution)
    assert {k: v for k, v in counts.items() if v} == {k: v for k, v in EXPECTED.items() if v}, (
        "each user's number of views is wrong"
    )


def test_views_per_user_includes_users_without_views(db, solution):
    """users without views are included with 0"""
    _seed_users(db, solution)
    _seed_views(db, solution)
    db.session.remove()
    counts = _counts(solution)
    assert set(counts) == set(EXPECTED), "every user should be a key, those without views too"
    assert counts == EXPECTED


def test_views_per_user_without_any_views(db, solution):
    """with no views at all every user counts 0"""
    _seed_users(db, solution)
    db.session.remove()
    assert _counts(solution) == dict.fromkeys(USERS.values(), 0)


def test_views_per_user_ignores_views_of_unknown_users(db, solution):
    """views whose user_id matches no user are not counted under anyone"""
    _seed_users(db, solution)
    _seed_views(db, solution, [*VIEWS, (99, "/home"), (99, "/docs"), (42, "/home")])
    db.session.remove()
    counts = _counts(solution)
    assert set(counts) == set(EXPECTED), "the keys should be exactly the users' names"
    assert counts == EXPECTED


def test_views_per_user_with_no_users(db, solution):
    """with no users the result is empty"""
    _seed_views(db, solution, [(1, "/home")])
    db.session.remove()
    assert _counts(solution) == {}, "with no users the result is an empty dict"
