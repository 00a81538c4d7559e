"""``grader new`` and ``grader pack init``: a new challenge, or a new private pack, to fill in.

A new challenge is complete from the start: ``grader validate`` accepts it as it
is written (its reference and two good solutions pass, its starter and three bad
ones do not), so an author changes one working example step by step and
validates after each step. Every file marks with ``TODO`` what to replace. The
example is a small one: an ``Item`` model and an ``add_item`` function.
"""

from __future__ import annotations

from pathlib import Path

from grader.challenges import DIFFICULTIES, is_challenge_id, load_challenge
from grader.errors import UsageError

_TOML = """\
id = "@ID@"
title = "TODO: a title in a few words"
summary = "TODO: one sentence on what the candidate writes."
difficulty = "junior"  # one of: @DIFFICULTIES@
tags = ["TODO"]
# Names solution.py must define besides db. Everything else has a default: time_limit = 60,
# test_timeout = 10, [scoring] per = "test", points = 1 (a [tests.NAME] table may set points).
requires = ["Item", "add_item"]
"""

_STATEMENT = """\
# TODO: the title

TODO: one paragraph on what the candidate builds. `grader kit` and `grader show`
add the rules every challenge shares (an unbound `db`, the imports allowed, both
ORM styles, `grader check`) after this paragraph: do not repeat them.

## What to write

- A model `Item(db.Model)` with:
  - `id`: integer primary key;
  - `name`: `String(50)`, unique, not null.
- `add_item(name: str) -> Item`: saves a new item, **commits**, and returns it.

## What is checked

- The model, read from the mapping: `name` is a unique, not-null `String(50)`.
- `add_item` returns an `Item` whose `id` is set, and the item is still there
  after `db.session.remove()` (it was committed).
"""

_STARTER = '''\
"""TODO: the title: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # TODO: name (String(50), unique, not null)


def add_item(name: str) -> Item:
    raise NotImplementedError  # TODO
'''

_PUBLIC = '''\
"""Public tests for @ID@: the candidate may read and run these. A test's docstring is its
rubric line (a [tests.NAME] rubric in challenge.toml wins over it)."""


def test_item_takes_a_name(db, solution):
    """Item can be built with the name= keyword"""
    assert solution.Item(name="lamp").name == "lamp"
'''

_HIDDEN = '''\
"""Hidden tests for @ID@. Fixtures: db, app, solution, sql (see the README). Checks for the
common things are in sandbox.harness.checks; a helpers.py beside tests/ is shared by both phases."""

import sqlalchemy as sa

from sandbox.harness.checks import assert_column, assert_commit_refused, count_rows


def test_item_name_is_unique_and_required(db, solution):
    """name is a unique, not-null String(50)"""
    assert_column(solution.Item, "name", sa.String, length=50, nullable=False, unique=True)


def test_the_database_refuses_a_taken_name(db, solution):
    """the database itself refuses a second item with a taken name"""
    db.session.add(solution.Item(name="lamp"))
    db.session.commit()
    assert_commit_refused(db, solution.Item(name="lamp"), what="a second item with a taken name")


def test_add_item_commits(db, solution):
    """add_item returns the new item with its id set, and commits it"""
    item = solution.add_item("lamp")
    assert isinstance(item, solution.Item), "add_item should return the new Item"
    assert type(item.id) is int, "the item's id should be set (flush or commit)"
    db.session.remove()
    assert count_rows(db, solution.Item) == 1, "add_item should commit the new item"
'''

_REFERENCE = '''\
"""Reference solution for @ID@."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)


def add_item(name: str) -> Item:
    item = Item(name=name)
    db.session.add(item)
    db.session.commit()
    return item
'''

_GOOD_MODERN = '''\
"""Known-good: SQLAlchemy 2.0 style, with a declarative base of its own. TODO: one line on the style."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)


def add_item(name: str) -> Item:
    item = Item(name=name)
    db.session.add(item)
    db.session.commit()
    return item
'''

_GOOD_CONSTRAINT = '''\
"""Known-good: uniqueness from a named table constraint, and the id from a flush. TODO."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    __tablename__ = "items"
    __table_args__ = (db.UniqueConstraint("name", name="uq_items_name"),)
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)


def add_item(name: str) -> Item:
    item = Item(name=name)
    db.session.add(item)
    db.session.flush()
    db.session.commit()
    return item
'''

# Each bad solution is the reference with one realistic mistake: (file, docstring, old, new).
_BAD = (
    ("name_nullable.py", "name may be null", "unique=True, nullable=False", "unique=True"),
    ("name_not_unique.py", "two items may share a name", "unique=True, nullable=False", "nullable=False"),
    ("add_without_commit.py", "add_item never commits", "db.session.commit()", "db.session.flush()"),
)

_README = """\
# A private challenge pack

Each folder here is one challenge for grader (Flask-SQLAlchemy coding challenges):
its statement, starter and public tests, which candidates see, and its hidden
tests and solutions, which they must never see.

## Keep it private

- Keep this folder in a **private** repository, readable only by the people who
  write and grade challenges. Hidden tests and solutions that leak (a public
  fork, a gist, a screenshot, a package upload) are worth nothing: retire a
  challenge whose hidden tests have been seen.
- Candidates get only what `grader kit DEST --challenges .` writes: statements,
  starters, public tests and `helpers.py` (shared by both phases, so put nothing
  secret in it). Never hand out this folder or an archive of it.
- Give CI the pack by a checkout with a deploy key or token that only your CI
  holds, and point grader at it with `--challenges DIR` or `GRADER_CHALLENGES`.
  Do not publish CI logs or artifacts that print hidden tests: grader's
  candidate reports leave them out, reviewer reports do not.

## Work on it

    grader new my-challenge --pack .        # a complete example to change
    grader validate --challenges .          # every good solution passes, every bad one fails
    grader show my-challenge --challenges . # the statement as a candidate reads it

See docs/authoring.md in grader's repository for the walk-through.
"""

_GITIGNORE = "__pycache__/\n*.pyc\n"


def new_challenge(pack: Path, challenge_id: str) -> Path:
    """Write the challenge ``challenge_id`` into ``pack`` (created if need be) and return its
    folder; a usage error when the id is not valid or the folder exists."""
    if not is_challenge_id(challenge_id):
        raise UsageError(
            f"challenge id {challenge_id!r} must be lower-case letters, digits and '-' (like one-to-many)"
        )
    folder = pack / challenge_id
    if folder.exists():
        raise UsageError(f"{folder} already exists; choose another id or remove that folder")
    if pack.exists() and not pack.is_dir():
        raise UsageError(f"{pack} is not a folder; give --pack a folder")
    reference = _REFERENCE.replace("@ID@", challenge_id)
    files = {
        "challenge.toml": _TOML.replace("@DIFFICULTIES@", ", ".join(DIFFICULTIES)),
        "statement.md": _STATEMENT,
        "starter/solution.py": _STARTER,
        "tests/public/test_public.py": _PUBLIC,
        "tests/hidden/test_hidden.py": _HIDDEN,
        "solutions/reference.py": reference,
        "solutions/good/modern_mapped.py": _GOOD_MODERN,
        "solutions/good/table_constraint.py": _GOOD_CONSTRAINT,
    }
    for name, mistake, old, new in _BAD:
        assert old in reference, name  # the template and its mistakes are kept together
        body = reference.replace(old, new, 1).split("\n", 1)[1]
        doc = f'"""Known-bad: {mistake}. TODO: one realistic mistake a file."""'
        files[f"solutions/bad/{name}"] = f"{doc}\n{body}"
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("@ID@", challenge_id), encoding="utf-8")
    load_challenge(folder)  # what was written reads back as a challenge
    return folder


def init_pack(dest: Path) -> list[Path]:
    """Start a private pack in ``dest`` (new or empty): its README on keeping it private and a
    .gitignore; the files written."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest} already exists and is not an empty folder; choose a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("README.md", _README), (".gitignore", _GITIGNORE)):
        (dest / name).write_text(text, encoding="utf-8")
        written.append(dest / name)
    return written
