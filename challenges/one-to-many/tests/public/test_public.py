"""Public tests for one-to-many: the candidate may read and run these."""

from sqlalchemy import inspect


def test_tables_are_created(db, solution):
    """create_all() creates a table for User and one for Address"""
    tables = inspect(db.engine).get_table_names()
    assert solution.User.__table__.name in tables, "create_all() should create the User table"
    assert solution.Address.__table__.name in tables, "create_all() should create the Address table"


def test_models_take_keyword_arguments(db, solution):
    """User can be built with name= and Address with email= keywords"""
    user = solution.User(name="ada")
    address = solution.Address(email="ada@example.com")
    assert user.name == "ada"
    assert address.email == "ada@example.com"


def test_user_with_addresses_round_trips(db, solution):
    """a user saved with two addresses reads back with them, each pointing to its owner"""
    user = solution.User(name="grace")
    user.addresses.append(solution.Address(email="grace@home.example"))
    user.addresses.append(solution.Address(email="grace@work.example"))
    db.session.add(user)
    db.session.commit()
    user_id = user.id
    assert type(user_id) is int, "User.id should be an integer set by the database"
    db.session.remove()

    loaded = db.session.get(solution.User, user_id)
    assert loaded is not None, "the committed user was not found by its id"
    assert type(loaded.name) is str and loaded.name == "grace"
    addresses = list(loaded.addresses)
    for address in addresses:
        assert isinstance(address, solution.Address), "User.addresses should hold Address objects"
        assert type(address.email) is str, "Address.email should read back as a str"
    assert sorted(a.email for a in addresses) == ["grace@home.example", "grace@work.example"]
    for address in addresses:
        owner = address.user
        assert isinstance(owner, solution.User), "Address.user should be the owning User"
        assert owner.id == user_id, "Address.user should be the user the address was added to"
        assert address.user_id == user_id, "Address.user_id should hold the owner's id"
