"""Hidden tests for one-to-many."""

import pytest
from sqlalchemy import Integer, String, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import configure_mappers

from sandbox.harness.checks import (
    assert_column,
    assert_foreign_key,
    assert_relationship,
    count_rows,
)


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
    assert_column(solution.User, "id", Integer, primary_key=True)
    assert_column(solution.User, "name", String, length=50, nullable=False)


def test_address_columns(db, solution):
    """Address.id is an integer primary key and Address.email is a required String(120)"""
    assert_column(solution.Address, "id", Integer, primary_key=True)
    assert_column(solution.Address, "email", String, length=120, nullable=False)


def test_user_id_is_a_required_foreign_key_to_user(db, solution):
    """Address.user_id is a not-null foreign key to the User primary key"""
    assert_foreign_key(solution.Address, "user_id", solution.User)
    assert_column(solution.Address, "user_id", nullable=False)


def test_user_and_addresses_read_back_exactly(db, solution):
    """a user and its addresses read back with exactly the name and emails they were given"""
    # Mixed case and inner spaces: the values must come back as given, not normalised.
    name, emails = "Ada King-Lovelace", ["Ada@Home.example", "ADA.King@Work.Example"]
    user_id, address_ids = _user_with(db, solution, name, *emails)
    db.session.remove()

    loaded = db.session.get(solution.User, user_id)
    assert loaded is not None, "the committed user was not found by its id"
    assert loaded.name == name, "the user should read back with exactly the name it was given"
    got = sorted((a.id, a.email, a.user_id) for a in loaded.addresses)
    assert got == sorted(zip(address_ids, emails, [user_id] * 2, strict=True)), (
        "the user's addresses should read back with exactly the emails they were given, "
        "each pointing to its user"
    )


def test_addresses_is_a_list_collection(db, solution):
    """User.addresses is a list-like collection of Address, not a query"""
    configure_mappers()
    assert_relationship(solution.User, "addresses", solution.Address, many=True)
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
    assert_relationship(solution.Address, "user", solution.User, many=False)
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
