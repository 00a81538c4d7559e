"""Public tests for model-methods: the candidate may read and run these."""


def _full_name(user):
    value = user.full_name
    return value() if callable(value) else value


def test_full_name(db, solution):
    """full_name gives the first and last name of a new user"""
    user = solution.User(username="ada", first_name="Ada", last_name="Lovelace")
    assert _full_name(user) == "Ada Lovelace"


def test_set_password_fills_password_hash(db, solution):
    """set_password fills password_hash with something other than the password"""
    user = solution.User(username="ada", first_name="Ada", last_name="Lovelace")
    assert user.password_hash is None
    user.set_password("correct horse")
    assert user.password_hash, "set_password should fill password_hash"
    assert user.password_hash != "correct horse", "password_hash should hold a hash, not the password"
