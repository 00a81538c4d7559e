"""Hidden tests for crud."""

import pytest
import sqlalchemy as sa

from sandbox.harness.checks import assert_column, assert_commit_refused, count_rows, made_with


def _stored(db, solution):
    """Every user as a plain (name, email) tuple, read from the database, by name."""
    User = solution.User
    rows = db.session.execute(sa.select(User.name, User.email).order_by(User.name)).all()
    return [(row[0], row[1]) for row in rows]


def _seed(solution):
    solution.create_user("ada", "ada@example.com")
    solution.create_user("grace", "grace@example.com")
    solution.create_user("linus", None)


def test_create_user_is_committed(db, solution):
    """a created user is still there after the session is closed"""
    solution.create_user("ada", "ada@example.com")
    db.session.remove()
    assert _stored(db, solution) == [("ada", "ada@example.com")], (
        "the created user should be committed (it was not found after db.session.remove())"
    )


def test_create_user_email_is_optional(db, solution):
    """create_user without an email stores no email"""
    user = solution.create_user("bob")
    assert isinstance(user, solution.User), "create_user should return a User"
    assert user.email is None
    db.session.remove()
    assert _stored(db, solution) == [("bob", None)], "create_user('bob') should store email None"


def test_create_user_gives_distinct_integer_ids(db, solution):
    """created users get distinct integer ids and belong to db.session"""
    first = solution.create_user("ada", "ada@example.com")
    second = solution.create_user("grace")
    assert isinstance(first, solution.User) and isinstance(second, solution.User)
    assert type(first.id) is int and type(second.id) is int, "ids should be integers"
    assert first.id != second.id, "each user should get its own id"
    assert first in db.session and second in db.session, "returned users should belong to db.session"


def test_name_and_email_kept_exactly(db, solution):
    """a name with capitals and a space is stored, returned and found exactly as given"""
    user = solution.create_user("Grace Hopper", "Grace.Hopper@Example.com")
    assert isinstance(user, solution.User), "create_user should return a User"
    assert (user.name, user.email) == ("Grace Hopper", "Grace.Hopper@Example.com"), (
        "create_user should return the user with the name and email it was given, unchanged"
    )
    db.session.remove()
    assert _stored(db, solution) == [("Grace Hopper", "Grace.Hopper@Example.com")], (
        "the name and email should be stored exactly as given"
    )
    found = solution.get_user("Grace Hopper")
    assert isinstance(found, solution.User) and found.name == "Grace Hopper", (
        "get_user should find the user by the name it was created with"
    )


def test_duplicate_name_raises_value_error(db, solution):
    """create_user with a name already taken raises ValueError"""
    solution.create_user("ada", "ada@example.com")
    with pytest.raises(ValueError):
        solution.create_user("ada", "other@example.com")


def test_duplicate_name_leaves_no_half_made_change(db, solution):
    """after a rejected duplicate, the session holds no pending change and the stored users are
    unchanged
    """
    _seed(solution)
    before = _stored(db, solution)
    with pytest.raises(ValueError):
        solution.create_user("grace", "impostor@example.com")
    assert not db.session.new, "a pending User was left in db.session after the ValueError"
    assert not db.session.dirty, "a modified object was left in db.session after the ValueError"
    assert count_rows(db, solution.User) == 3, "the number of users changed"
    db.session.remove()
    assert _stored(db, solution) == before, "the users committed before should be untouched"


def test_session_usable_after_duplicate(db, solution):
    """after a rejected duplicate, further users can be created and committed"""
    _seed(solution)
    with pytest.raises(ValueError):
        solution.create_user("ada", "again@example.com")
    user = solution.create_user("margaret", "margaret@example.com")
    assert isinstance(user, solution.User), "create_user should work after a rejected duplicate"
    assert type(user.id) is int
    db.session.remove()
    assert _stored(db, solution) == [
        ("ada", "ada@example.com"),
        ("grace", "grace@example.com"),
        ("linus", None),
        ("margaret", "margaret@example.com"),
    ]


def test_name_is_unique_in_database(db, solution):
    """the database itself refuses two users with the same name"""
    db.session.add(solution.User(name="twin", email="one@example.com"))
    assert_commit_refused(
        db, solution.User(name="twin", email="two@example.com"), what="a second user with a taken name"
    )


def test_name_is_required(db, solution):
    """the database refuses a user without a name"""
    assert_commit_refused(
        db, made_with(solution.User, email="nameless@example.com"), what="a user without a name"
    )


def test_column_types(db, solution):
    """id, name and email have the types and lengths the statement names"""
    assert_column(solution.User, "id", sa.Integer, primary_key=True)
    assert_column(solution.User, "name", sa.String, length=50)
    assert_column(solution.User, "email", sa.String, length=120)


def test_get_user_finds_committed_user(db, solution):
    """get_user finds the user with that name among several"""
    _seed(solution)
    db.session.remove()
    for name, email in [("grace", "grace@example.com"), ("ada", "ada@example.com"), ("linus", None)]:
        user = solution.get_user(name)
        assert isinstance(user, solution.User), f"get_user({name!r}) should return a User"
        assert (user.name, user.email) == (name, email), f"get_user({name!r}) found the wrong user"
        assert user in db.session, "the returned user should belong to db.session"


def test_get_user_unknown_among_others_is_none(db, solution):
    """get_user returns None for a name nobody has, without raising"""
    _seed(solution)
    assert solution.get_user("nobody") is None, "get_user should return None for an unknown name"


def test_lookups_match_the_whole_name_only(db, solution):
    """names holding _ or % (LIKE wildcards) match no other user in get_user, update_email and
    delete_user
    """
    _seed(solution)
    before = _stored(db, solution)
    for name in ("a_a", "%", "gr%", "_____"):
        assert solution.get_user(name) is None, f"get_user({name!r}) should find nobody: no user has that name"
        assert solution.update_email(name, "x@example.com") is None, (
            f"update_email({name!r}, ...) should return None: no user has that name"
        )
        result = solution.delete_user(name)
        assert result is False, f"delete_user({name!r}) should return False: no user has that name"
    db.session.remove()
    assert _stored(db, solution) == before, "a name that nobody has changed or deleted other users"


def test_update_email_returns_updated_user(db, solution):
    """update_email returns the user with the new email"""
    created = solution.create_user("ada", "ada@example.com")
    ada_id = created.id
    user = solution.update_email("ada", "lovelace@example.com")
    assert isinstance(user, solution.User), "update_email should return a User"
    assert user.id == ada_id and user.name == "ada", "update_email returned the wrong user"
    assert user.email == "lovelace@example.com"


def test_update_email_is_committed(db, solution):
    """the new email survives the session being closed, and only that user changes"""
    _seed(solution)
    solution.update_email("linus", "torvalds@example.com")
    db.session.remove()
    assert _stored(db, solution) == [
        ("ada", "ada@example.com"),
        ("grace", "grace@example.com"),
        ("linus", "torvalds@example.com"),
    ], "the new email should be committed, and only that user should change"


def test_update_email_unknown_name_is_none(db, solution):
    """update_email for an unknown name returns None and changes nothing"""
    _seed(solution)
    before = _stored(db, solution)
    assert solution.update_email("nobody", "nobody@example.com") is None, (
        "update_email should return None for an unknown name"
    )
    db.session.remove()
    assert _stored(db, solution) == before, "update_email for an unknown name changed the users"


def test_delete_user_returns_true_and_commits(db, solution):
    """delete_user returns True and the deletion survives the session being closed"""
    _seed(solution)
    result = solution.delete_user("grace")
    assert type(result) is bool, f"delete_user should return a bool, got {type(result).__name__}"
    assert result is True
    db.session.remove()
    assert _stored(db, solution) == [("ada", "ada@example.com"), ("linus", None)], (
        "the deletion should be committed, and only that user deleted"
    )


def test_delete_user_unknown_name_is_false(db, solution):
    """delete_user for an unknown name returns False and deletes nothing"""
    _seed(solution)
    result = solution.delete_user("nobody")
    assert type(result) is bool, f"delete_user should return a bool, got {type(result).__name__}"
    assert result is False
    db.session.remove()
    assert count_rows(db, solution.User) == 3, "delete_user for an unknown name deleted something"


def test_delete_user_twice(db, solution):
    """deleting the same user a second time returns False"""
    _seed(solution)
    assert solution.delete_user("ada") is True
    result = solution.delete_user("ada")
    assert type(result) is bool, f"delete_user should return a bool, got {type(result).__name__}"
    assert result is False, "deleting a user that is already gone should return False"
    db.session.remove()
    assert count_rows(db, solution.User) == 2
