"""The mapping checks challenge tests use (sandbox.harness.checks): they pass on a model as the
statement describes it and fail, with a message a candidate can act on, on each way it can differ."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column

from sandbox.harness.checks import (
    assert_column,
    assert_commit_refused,
    assert_foreign_key,
    assert_relationship,
    made_with,
)


def _models(name: dict[str, Any], fk: str, rel: dict[str, Any] | None) -> Any:
    """User and Address models in a registry of their own: ``name`` overrides User.name's
    column arguments, ``fk`` is what Address.user_id points to, ``rel`` User.addresses'
    arguments (None: no relationship; a None value drops that argument)."""
    db = SQLAlchemy()
    column: dict[str, Any] = {"type_": sa.String(50), "unique": True, "nullable": False, **name}

    class Other(db.Model):  # type: ignore[name-defined,misc]
        id = db.Column(db.Integer, primary_key=True)

    class User(db.Model):  # type: ignore[name-defined,misc]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(column.pop("type_"), **column)
        note = db.Column(db.Text)

    class Address(db.Model):  # type: ignore[name-defined,misc]
        id = db.Column(db.Integer, primary_key=True)
        user_id = db.Column(db.Integer, db.ForeignKey(fk), nullable=False)

    if rel is not None:
        options = {"backref": "user", "cascade": "all, delete-orphan", **rel}
        User.addresses = db.relationship(Address, **{k: v for k, v in options.items() if v is not None})
    db.Model.registry.configure()
    return User, Address


def test_a_model_as_described_passes() -> None:
    user, address = _models({}, "user.id", {})
    col = assert_column(user, "name", sa.String, length=50, nullable=False, unique=True, primary_key=False)
    assert col.name == "name"
    assert_column(user, "id", sa.Integer, primary_key=True, unique=True)
    assert_column(user, "note", sa.Text, nullable=True, unique=False, index=False)
    assert_foreign_key(address, "user_id", user)
    assert_relationship(
        user, "addresses", address, many=True, back="user", cascade=("delete", "delete-orphan")
    )
    assert_relationship(address, "user", user, many=False, back="addresses")


COLUMN_CASES = [
    ({"unique": False}, {"unique": True}, "User.name should be unique (unique=True"),
    ({"nullable": True}, {"nullable": False}, "User.name should be not null (nullable=False)"),
    (
        {"type_": sa.String(80)},
        {"length": 50},
        "User.name should be String(50), but it is declared String(80)",
    ),
    (
        {"type_": sa.Integer()},
        {"kind": sa.String},
        "User.name should be a String column, but it is declared Integer",
    ),
]


@pytest.mark.parametrize(
    ("name", "wanted", "message"), COLUMN_CASES, ids=["unique", "nullable", "length", "type"]
)
def test_each_column_difference_is_named(name: dict[str, Any], wanted: dict[str, Any], message: str) -> None:
    user, _address = _models(name, "user.id", None)
    with pytest.raises(AssertionError) as info:
        assert_column(user, "name", **wanted)
    assert message in str(info.value)


def test_a_foreign_key_elsewhere_is_named() -> None:
    user, address = _models({}, "other.id", None)
    with pytest.raises(
        AssertionError, match=r"Address.user_id should point to User.id, .* points to other.id"
    ):
        assert_foreign_key(address, "user_id", user)


RELATIONSHIP_CASES = [
    (
        {"lazy": "dynamic"},
        {"many": True},
        "User.addresses should be a list of Address objects, not a dynamic",
    ),
    ({"cascade": "save-update"}, {"cascade": ("delete",)}, "User.addresses should cascade delete"),
    ({"backref": None}, {"back": "user"}, "User.addresses and Address.user should mirror each other"),
]


@pytest.mark.parametrize(
    ("rel", "wanted", "message"), RELATIONSHIP_CASES, ids=["dynamic", "no-cascade", "one-sided"]
)
def test_each_relationship_difference_is_named(
    rel: dict[str, Any], wanted: dict[str, Any], message: str
) -> None:
    user, address = _models({}, "user.id", rel)
    with pytest.raises(AssertionError) as info:
        assert_relationship(user, "addresses", address, **wanted)
    assert message in str(info.value)


def test_a_missing_column_or_relationship_is_named() -> None:
    user, _address = _models({}, "user.id", {})
    with pytest.raises(AssertionError, match="User has no mapped column 'email'"):
        assert_column(user, "email", sa.String)
    with pytest.raises(AssertionError, match="User should have a relationship 'posts'"):
        assert_relationship(user, "posts", user)


def test_commit_refused_passes_on_a_constraint_and_names_the_change_otherwise() -> None:
    from flask import Flask

    user, _address = _models({}, "user.id", None)
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db = user.__fsa__  # the SQLAlchemy() the models were declared on
    db.init_app(app)
    with app.app_context():
        db.create_all()
        db.session.add(user(name="ada"))
        db.session.commit()
        assert_commit_refused(db, user(name="ada"), what="a second user with a taken name")
        assert db.session.query(user).count() == 1, "the session was rolled back and is usable"
        with pytest.raises(
            AssertionError, match="a user with a note should fail at commit with IntegrityError"
        ):
            assert_commit_refused(db, user(name="grace", note="x"), what="a user with a note")


def test_made_with_lets_the_table_refuse_what_a_dataclass_constructor_would() -> None:
    """A dataclass model's constructor requires each column without a default; made_with
    still makes the object without one, so the table's constraint is what is checked,
    and a model whose column allows NULL is told apart from one whose column does not."""
    from flask import Flask

    class Base(MappedAsDataclass, DeclarativeBase):
        pass

    db = SQLAlchemy(model_class=Base)

    class Strict(db.Model):  # type: ignore[name-defined,misc]
        id: Mapped[int] = mapped_column(primary_key=True, init=False)
        name: Mapped[str] = mapped_column(sa.String(50))
        email: Mapped[str] = mapped_column(sa.String(120))

    class Lax(db.Model):  # type: ignore[name-defined,misc]
        id: Mapped[int] = mapped_column(primary_key=True, init=False)
        name: Mapped[str | None] = mapped_column(sa.String(50))
        email: Mapped[str] = mapped_column(sa.String(120))

    with pytest.raises(TypeError):
        Strict(email="a@example.com")
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    with app.app_context():
        db.create_all()
        made = made_with(Strict, email="a@example.com")
        assert isinstance(made, Strict) and made.email == "a@example.com" and made.name is None
        assert_commit_refused(db, made, what="a row without a name")
        with pytest.raises(AssertionError, match="a lax row without a name should fail at commit"):
            assert_commit_refused(db, made_with(Lax, email="b@example.com"), what="a lax row without a name")
        # A constructor that takes the values as given is the one used.
        assert made_with(Strict, name="ada", email="c@example.com").name == "ada"
