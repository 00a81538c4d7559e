"""Public tests for raw-sql: the candidate may read and run these."""


def test_starter_shape(db, solution):
    """User can be built with name= and email= keywords and reads back after a commit"""
    user = solution.User(name="Ada", email="ada@example.com")
    db.session.add(user)
    db.session.commit()
    user_id = user.id
    db.session.remove()
    loaded = db.session.get(solution.User, user_id)
    assert loaded is not None, "the committed user was not found by its id"
    assert (loaded.name, loaded.email) == ("Ada", "ada@example.com")


def test_find_simple_domain(db, solution):
    """find_by_email_domain finds the one user of a domain as an (id, name) pair"""
    ada = solution.User(name="Ada", email="ada@example.com")
    bob = solution.User(name="Bob", email="bob@other.org")
    db.session.add_all([ada, bob])
    db.session.commit()
    ada_id = ada.id

    found = solution.find_by_email_domain("example.com")
    assert type(found) is list, f"the result should be a list, got {type(found).__name__}"
    assert len(found) == 1, f"expected one user, got {len(found)}"
    assert type(found[0]) is tuple, f"each item should be a plain tuple, got {type(found[0]).__name__}"
    assert found[0] == (ada_id, "Ada")


def test_rename_changes_name(db, solution):
    """rename_raw changes the name of an existing user"""
    user = solution.User(name="Ada", email="ada@example.com")
    db.session.add(user)
    db.session.commit()
    user_id = user.id

    changed = solution.rename_raw(user_id, "Ada Lovelace")
    assert type(changed) is int, f"rename_raw should return an int, got {type(changed).__name__}"
    assert changed == 1
    db.session.remove()
    assert db.session.get(solution.User, user_id).name == "Ada Lovelace"
