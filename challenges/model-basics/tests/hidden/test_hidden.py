"""Hidden tests for model-basics."""

from sqlalchemy import Integer, String, inspect

from sandbox.harness.checks import assert_column, assert_commit_refused, made_with


def test_row_round_trips(db, solution):
    """a saved user reads back with the same values after the session is closed"""
    # Mixed case: the values must come back exactly as given, not normalised.
    user = solution.User(username="Grace.Hopper", email="Grace.Hopper@Navy.example")
    db.session.add(user)
    db.session.commit()
    user_id = user.id
    assert type(user_id) is int, "id should be an integer set by the database"
    db.session.remove()

    loaded = db.session.get(solution.User, user_id)
    assert loaded is not None, "the committed user was not found by its id"
    assert (loaded.username, loaded.email) == ("Grace.Hopper", "Grace.Hopper@Navy.example"), (
        "the user should read back with exactly the username and email it was given"
    )


def test_id_is_integer_primary_key(db, solution):
    """id is an integer primary key the database assigns"""
    assert_column(solution.User, "id", Integer, primary_key=True)
    first = solution.User(username="a", email="a@example.com")
    second = solution.User(username="b", email="b@example.com")
    db.session.add_all([first, second])
    db.session.commit()
    assert type(first.id) is int and type(second.id) is int
    assert first.id != second.id


def test_duplicate_username_is_rejected_at_commit(db, solution):
    """a second user with a taken username fails at commit with IntegrityError"""
    db.session.add(solution.User(username="linus", email="l1@example.com"))
    db.session.commit()
    assert_commit_refused(
        db,
        solution.User(username="linus", email="l2@example.com"),
        what="a second user with a taken username",
    )
    assert db.session.query(solution.User).count() == 1


def test_same_email_is_allowed(db, solution):
    """two users may share an email address"""
    db.session.add(solution.User(username="one", email="shared@example.com"))
    db.session.add(solution.User(username="two", email="shared@example.com"))
    db.session.commit()
    assert db.session.query(solution.User).count() == 2


def test_username_is_required(db, solution):
    """a user without a username fails at commit with IntegrityError"""
    assert_commit_refused(
        db, made_with(solution.User, email="nobody@example.com"), what="a user without a username"
    )


def test_email_is_required(db, solution):
    """a user without an email fails at commit with IntegrityError"""
    assert_commit_refused(
        db, made_with(solution.User, username="noemail"), what="a user without an email"
    )


def test_column_lengths(db, solution):
    """username is String(80) and email is String(120)"""
    assert_column(solution.User, "username", String, length=80)
    assert_column(solution.User, "email", String, length=120)
    assert inspect(db.engine).has_table(solution.User.__table__.name)
