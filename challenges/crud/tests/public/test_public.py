"""Public tests for crud: the candidate may read and run these."""


def test_create_user_returns_user(db, solution):
    """create_user returns a User with the given name and email and an integer id"""
    user = solution.create_user("ada", "ada@example.com")
    assert isinstance(user, solution.User), "create_user should return a User"
    assert type(user.id) is int, "the returned user should have an integer id"
    assert user.name == "ada"
    assert user.email == "ada@example.com"


def test_get_user_unknown_name_is_none(db, solution):
    """get_user on an empty table returns None"""
    assert solution.get_user("nobody") is None, "get_user should return None for an unknown name"
