"""Hidden tests for model-methods."""

import inspect as pyinspect
import secrets

import pytest
import sqlalchemy as sa

from sandbox.harness.checks import assert_column, assert_commit_refused, made_with

PASSWORD = "Tr0ub4dor&3-horse"


def _user(solution, username, first="Ada", last="Lovelace"):
    return solution.User(username=username, first_name=first, last_name=last)


def _full_name(user):
    """full_name may be a property or a method without arguments."""
    value = user.full_name
    if callable(value):
        value = value()
    assert type(value) is str, f"full_name should give a str, got {type(value).__name__}"
    return value


def _committed_user(db, solution, username, first="Ada", last="Lovelace", **fields):
    user = solution.User(username=username, first_name=first, last_name=last, **fields)
    db.session.add(user)
    db.session.commit()
    return user.id


_HASHED = {}


def _hashed_fields(db, solution):
    """What set_password(PASSWORD) stores on a new user "ada": every column value it sets
    (password_hash, and any salt column a solution may add). A good hash is slow on purpose,
    so this runs once per test run; tests then build "ada" with these values. Call it first
    in a test, before adding anything to db.session."""
    if id(solution) not in _HASHED:
        user = _user(solution, "ada")
        user.set_password(PASSWORD)
        skip = {"id", "username", "first_name", "last_name"}
        values = {}
        for attr in sa.inspect(solution.User).column_attrs:
            value = getattr(user, attr.key)
            if attr.key not in skip and value is not None:
                values[attr.key] = value
        db.session.rollback()  # set_password may add (or flush) the user; it must not stay
        if user in db.session:
            db.session.expunge(user)
        _HASHED[id(solution)] = values
    return dict(_HASHED[id(solution)])


def _committed_ada(db, solution):
    """The user "ada" with PASSWORD set, committed; returns its id."""
    return _committed_user(db, solution, "ada", **_hashed_fields(db, solution))


# --- the model -------------------------------------------------------------------------------


def test_column_types(db, solution):
    """id, username, first_name, last_name and password_hash have the types and lengths the
    statement names
    """
    assert_column(solution.User, "id", sa.Integer, primary_key=True)
    for name, length in [("username", 80), ("first_name", 50), ("last_name", 50), ("password_hash", 255)]:
        assert_column(solution.User, name, sa.String, length=length)


def test_username_is_unique(db, solution):
    """the database refuses a second user with a taken username"""
    db.session.add(_user(solution, "ada"))
    db.session.commit()
    assert_commit_refused(
        db, _user(solution, "ada", "Another", "Ada"), what="a second user with a taken username"
    )


@pytest.mark.parametrize("missing", ["username", "first_name", "last_name"])
def test_required_columns(db, solution, missing):
    """the database refuses a user without a username, a first name or a last name"""
    values = {"username": "ada", "first_name": "Ada", "last_name": "Lovelace"}
    del values[missing]
    assert_commit_refused(db, made_with(solution.User, **values), what=f"a user without {missing}")


def test_password_hash_is_optional(db, solution):
    """a user without a password can be saved, with no password_hash"""
    user_id = _committed_user(db, solution, "nopass")
    db.session.remove()
    user = db.session.get(solution.User, user_id)
    assert user is not None, "a user without a password should be saved"
    assert user.password_hash is None, "password_hash should stay empty until a password is set"


# --- full_name -----------------------------------------------------------------------------------


def test_full_name_of_loaded_user(db, solution):
    """full_name works on a user read back from the database"""
    user_id = _committed_user(db, solution, "grace", "Grace", "Hopper")
    db.session.remove()
    user = db.session.get(solution.User, user_id)
    assert _full_name(user) == "Grace Hopper", "full_name of a user read from the database"


def test_full_name_follows_changes(db, solution):
    """full_name reflects the current first and last name"""
    user = _user(solution, "ada", "Ada", "Lovelace")
    assert _full_name(user) == "Ada Lovelace"
    user.first_name = "Augusta"
    user.last_name = "King"
    assert _full_name(user) == "Augusta King", "full_name should reflect the current first and last name"
    user.first_name = "Guido"
    user.last_name = "van Rossum"
    assert _full_name(user) == "Guido van Rossum", (
        "full_name should give the names as they are (no change of case), joined by one space"
    )


# --- set_password / check_password ----------------------------------------------------------------


def test_set_password_stores_a_hash_not_the_password(db, solution):
    """set_password stores a hash, and the plain password reaches neither the object's hash nor the
    database
    """
    fields = _hashed_fields(db, solution)
    stored = fields.get("password_hash")
    assert type(stored) is str and stored, "set_password should store a hash in password_hash"
    assert PASSWORD not in stored, "password_hash contains the plain password"
    _committed_user(db, solution, "ada", **fields)
    db.session.remove()
    table = solution.User.__table__
    for row in db.session.execute(sa.select(table)).all():
        for value in row:
            assert PASSWORD not in str(value), "the plain password was stored in the database"


def test_hash_is_one_way(db, solution):
    """the stored hash is one-way: a long password gives no longer a hash, and still checks"""
    short, long = "Tr0ub4dor&3", secrets.token_urlsafe(300)
    sizes = []
    for name, password in [("short", short), ("long", long)]:
        user = _user(solution, name)
        user.set_password(password)
        stored = [getattr(user, a.key) for a in sa.inspect(solution.User).column_attrs]
        sizes.append(sum(len(str(v)) for v in stored if v is not None))
        assert user.check_password(password) is True, "check_password should accept a long password"
        db.session.rollback()
    assert sizes[1] - sizes[0] < 64, (
        f"a password of {len(long)} characters is stored in {sizes[1] - sizes[0]} more characters than "
        f"one of {len(short)}: the password is encoded, not hashed (use a one-way salted hash)"
    )


def test_same_password_gives_different_hashes(db, solution):
    """two users with the same password get different hashes"""
    first_hash = _hashed_fields(db, solution).get("password_hash")
    second = _user(solution, "grace", "Grace", "Hopper")
    second.set_password(PASSWORD)
    assert type(first_hash) is str and type(second.password_hash) is str
    assert first_hash != second.password_hash, (
        "two users with the same password got the same hash: the hash should be salted"
    )


def test_set_password_does_not_commit(db, solution):
    """set_password leaves committing to the caller"""
    user_id = _committed_user(db, solution, "ada")
    user = db.session.get(solution.User, user_id)
    user.set_password(PASSWORD)
    db.session.remove()  # the caller never committed
    reloaded = db.session.get(solution.User, user_id)
    assert reloaded.password_hash is None, "set_password should not commit (the caller does)"


def test_check_password_accepts_the_password(db, solution):
    """check_password on a user read back from the database returns True for its password"""
    user_id = _committed_ada(db, solution)
    db.session.remove()
    user = db.session.get(solution.User, user_id)
    right = user.check_password(PASSWORD)
    assert right is True, f"check_password with the right password should return True, got {right!r}"


def test_check_password_rejects_a_wrong_password(db, solution):
    """check_password on a user read back from the database returns False for another password"""
    user_id = _committed_ada(db, solution)
    db.session.remove()
    user = db.session.get(solution.User, user_id)
    wrong = user.check_password(PASSWORD + "x")
    assert wrong is False, f"check_password with a wrong password should return False, got {wrong!r}"


def test_check_password_without_password_is_false(db, solution):
    """check_password returns False for a user with no password set"""
    user = _user(solution, "ada")
    for attempt in ["", PASSWORD]:
        result = user.check_password(attempt)
        assert result is False, f"check_password on a user with no password should be False, got {result!r}"
    user_id = _committed_user(db, solution, "grace")
    db.session.remove()
    loaded = db.session.get(solution.User, user_id)
    assert loaded.check_password("") is False


# --- authenticate ------------------------------------------------------------------------------


def test_authenticate_is_static_or_class_method(db, solution):
    """authenticate is declared as the statement says"""
    raw = pyinspect.getattr_static(solution.User, "authenticate", None)
    assert raw is not None, "User has no authenticate"
    assert isinstance(raw, (staticmethod, classmethod)), (
        "User.authenticate should be a staticmethod or a classmethod"
    )


def test_authenticate_returns_the_user(db, solution):
    """authenticate returns the matching user, from db.session, among several users"""
    fields = _hashed_fields(db, solution)
    _committed_user(db, solution, "grace", "Grace", "Hopper")
    ada_id = _committed_user(db, solution, "ada", **fields)
    _committed_user(db, solution, "linus", "Linus", "Torvalds")
    db.session.remove()
    user = solution.User.authenticate("ada", PASSWORD)
    assert isinstance(user, solution.User), "authenticate should return the User for the right password"
    assert user.id == ada_id and user.username == "ada", "authenticate returned the wrong user"
    assert user in db.session, "the returned user should belong to db.session"


def test_authenticate_wrong_password_is_none(db, solution):
    """authenticate returns None for a wrong password"""
    _committed_ada(db, solution)
    db.session.remove()
    assert solution.User.authenticate("ada", PASSWORD.upper()) is None, (
        "authenticate should return None for a wrong password"
    )


def test_authenticate_unknown_username_is_none(db, solution):
    """authenticate returns None for an unknown username"""
    _committed_ada(db, solution)
    db.session.remove()
    assert solution.User.authenticate("adam", PASSWORD) is None, (
        "authenticate should return None for an unknown username"
    )


def test_authenticate_needs_the_whole_username(db, solution):
    """authenticate matches the whole username: a prefix, or a name holding the LIKE wildcards _ or %,
    is an unknown username even with the right password
    """
    _committed_ada(db, solution)
    db.session.remove()
    for username in ("ad", "%", "a_a", "_da", "a%"):
        assert solution.User.authenticate(username, PASSWORD) is None, (
            f"authenticate({username!r}, ...) should return None: no user has that username"
        )


def test_authenticate_user_without_password_is_none(db, solution):
    """authenticate returns None for a user with no password set"""
    _committed_user(db, solution, "ada")
    db.session.remove()
    for attempt in ["", PASSWORD]:
        assert solution.User.authenticate("ada", attempt) is None, (
            "authenticate should return None for a user with no password set"
        )
