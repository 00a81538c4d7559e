"""Hidden tests for one-to-many."""

import pytest
from sqlalchemy import Integer, String, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import configure_mappers

from sandbox.harness.checks import column, count_rows


def _holds(collection, obj):
    """Whether ``obj`` itself (by identity, not ==) is in ``collection``."""
    return any(item is obj for item in collection)


def _foreign_keys_off(db):
    """Switch SQLite's foreign-key enforcement off, so only the ORM can cascade."""
    db.session.execute(text("PRAGMA foreign_keys=OFF"))
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 0


def _addresses_of(db, solution, user_id):
    """How many address rows point to ``user_id``, asked of the database."""
    address = solution.Address
    query = select(func.count()).select_from(address).where(address.user_id == user_id)
    return int(db.session.execute(query).scalar_one())


def _user_with(db, solution, name, *emails):
    """Commit a user holding one address per email; return (user id, [address ids])."""
    user = solution.User(name=name)
    addresses = [solution.Address(email=email) for email in emails]
    for address in addresses:
        user.addresses.append(address)
    db.session.add(user)
    db.session.commit()
    return user.id, [address.id for address in addresses]


def _commit_or_fail(db, what):
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        pytest.fail(f"{what}: the commit failed instead ({error.orig})")


def test_user_columns(db, solution):
    """User.id is an integer primary key and User.name is a required String(50)"""
    user_id = column(solution.User, "id")
    name = column(solution.User, "name")
    assert user_id.primary_key, "User.id should be the primary key"
    assert isinstance(user_id.type, Integer), "User.id should be an Integer column"
    assert isinstance(name.type, String), "User.name should be a String column"
    assert name.type.length == 50, "User.name should be String(50)"
    assert name.nullable is False, "User.name should be not null"


def test_address_columns(db, solution):
    """Address.id is an integer primary key and Address.email is a required String(120)"""
    address_id = column(solution.Address, "id")
    email = column(solution.Address, "email")
    assert address_id.primary_key, "Address.id should be the primary key"
    assert isinstance(address_id.type, Integer), "Address.id should be an Integer column"
    assert isinstance(email.type, String), "Address.email should be a String column"
    assert email.type.length == 120, "Address.email should be String(120)"
    assert email.nullable is False, "Address.email should be not null"


def test_user_id_is_a_required_foreign_key_to_user(db, solution):
    """Address.user_id is a not-null foreign key to the User primary key"""
    user_id = column(solution.Address, "user_id")
    user_pk = column(solution.User, "id")
    targets = [fk.column for fk in user_id.foreign_keys]
    assert targets, "Address.user_id should be a foreign key"
    assert any(target is user_pk for target in targets), (
        "Address.user_id should reference the User primary key"
    )
    assert user_id.nullable is False, "Address.user_id should be not null"


def test_addresses_is_a_list_collection(db, solution):
    """User.addresses is a list-like collection of Address, not a query"""
    configure_mappers()
    relationships = inspect(solution.User).relationships
    assert "addresses" in relationships, "User.addresses should be a relationship"
    assert relationships["addresses"].mapper.class_ is solution.Address, (
        "User.addresses should be a relationship to Address"
    )
    assert isinstance(solution.User(name="new").addresses, list), (
        "User.addresses should be a list-like collection, not a query"
    )

    user_id, _ = _user_with(db, solution, "ada", "ada@example.com")
    db.session.remove()
    addresses = db.session.get(solution.User, user_id).addresses
    assert isinstance(addresses, list), (
        f"User.addresses should be a list-like collection, got {type(addresses).__name__}"
    )
    assert len(addresses) == 1
    assert isinstance(addresses[0], solution.Address), "User.addresses should hold Address objects"


def test_address_user_is_the_owner(db, solution):
    """Address.user is a relationship to User that loads the owning user"""
    configure_mappers()
    relationships = inspect(solution.Address).relationships
    assert "user" in relationships, "Address.user should be a relationship"
    assert relationships["user"].mapper.class_ is solution.User, (
        "Address.user should be a relationship to User"
    )
    owner_id, (address_id,) = _user_with(db, solution, "linus", "linus@example.com")
    _user_with(db, solution, "other", "other@example.com")
    db.session.remove()

    address = db.session.get(solution.Address, address_id)
    assert isinstance(address.user, solution.User), "Address.user should be a User"
    assert address.user.id == owner_id, "Address.user should be the user that owns the address"


def test_appending_an_address_sets_its_user(db, solution):
    """appending to user.addresses sets address.user before any flush"""
    user = solution.User(name="ada")
    address = solution.Address(email="ada@example.com")
    user.addresses.append(address)
    assert address.user is user, (
        "appending to user.addresses should set address.user at once, before any flush"
    )


def test_setting_the_user_adds_the_address(db, solution):
    """setting address.user adds the address to user.addresses before any flush"""
    user = solution.User(name="ada")
    address = solution.Address(email="ada@example.com")
    address.user = user
    assert _holds(user.addresses, address), (
        "setting address.user should add the address to user.addresses at once, before any flush"
    )


def test_deleting_a_user_deletes_its_addresses(db, solution):
    """deleting a user deletes its addresses, with the database's foreign keys not enforced"""
    user_id, _ = _user_with(db, solution, "ada", "ada@home.example", "ada@work.example")
    db.session.remove()
    _foreign_keys_off(db)

    db.session.delete(db.session.get(solution.User, user_id))
    _commit_or_fail(db, "deleting a user should delete its addresses")
    db.session.remove()

    assert db.session.get(solution.User, user_id) is None, "the user should be deleted"
    assert _addresses_of(db, solution, user_id) == 0, (
        "deleting a user should delete its addresses (with foreign keys off the database "
        "does not cascade: the ORM must)"
    )


def test_deleting_a_user_keeps_other_users_addresses(db, solution):
    """deleting a user leaves other users and their addresses alone"""
    doomed_id, _ = _user_with(db, solution, "ada", "ada@example.com")
    kept_id, kept_addresses = _user_with(db, solution, "grace", "g1@example.com", "g2@example.com")
    db.session.remove()
    _foreign_keys_off(db)

    db.session.delete(db.session.get(solution.User, doomed_id))
    _commit_or_fail(db, "deleting a user should succeed")
    db.session.remove()

    assert db.session.get(solution.User, kept_id) is not None, "the other user should remain"
    assert _addresses_of(db, solution, kept_id) == 2, "the other user's addresses should remain"
    for address_id in kept_addresses:
        assert db.session.get(solution.Address, address_id) is not None


def test_removing_an_address_deletes_it(db, solution):
    """an address removed from user.addresses is deleted at commit"""
    user_id, (gone_id, kept_id) = _user_with(db, solution, "ada", "a1@example.com", "a2@example.com")
    db.session.remove()

    user = db.session.get(solution.User, user_id)
    gone = db.session.get(solution.Address, gone_id)
    user.addresses.remove(gone)
    _commit_or_fail(db, "removing an address from user.addresses should delete that address")
    db.session.remove()

    assert db.session.get(solution.Address, gone_id) is None, (
        "an address removed from user.addresses should be deleted at commit"
    )
    assert db.session.get(solution.Address, kept_id) is not None, "the other address should remain"
    assert count_rows(db, solution.Address) == 1
