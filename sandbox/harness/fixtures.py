"""The fixtures every challenge test can use (a pytest plugin loaded by the harness).

- ``solution``: the candidate's imported ``solution`` module.
- ``app``: a fresh Flask app built as the contract says: ``sqlite:///:memory:``
  (plus one in-memory database per bind the challenge names), ``db.init_app``,
  an app context pushed, ``db.create_all()``; SQLite's
  ``PRAGMA reverse_unordered_selects`` is on (and SQLite refuses to turn it
  off), so row order that no ``ORDER BY`` asked for comes out reversed. Torn
  down after the test: nothing persists but the engines, shared by every test
  of the run (each on a new database).
  ``create_all`` runs for real in the run's first test; later tests start from a
  byte copy of the databases it made (SQLite's serialize and deserialize), the
  same schema for a fraction of the DDL's cost. Real DDL runs in every test
  where a copy could differ from it: the challenge says so (``real_ddl``), a
  DDL event has a listener (it would fire once, not per test), or the models'
  tables changed since the copy was made.
- ``db``: the candidate's ``db``, bound to ``app``.
- ``sql``: a ``SQLRecorder`` watching every engine of ``app``; ``with sql.record() as log:``
  records the statements executed inside the block (see ``SQLLog``).
- ``client``: ``app.test_client()``.
- ``other_session``: a second, independent Flask-SQLAlchemy session on the same
  databases (a "concurrent user": changes it commits are seen by ``db.session``
  only when that re-reads).
- ``local_timezone``: the process's local time zone moved far from UTC for the
  test (``TZ``), so code that uses local time where UTC is asked for fails.
"""

from __future__ import annotations

import os
import sqlite3
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

_state: dict[str, Any] = {"module": None, "binds": (), "real_ddl": False}
# The databases create_all made, per engine, and the shape of the tables they were made for.
_copies: dict[Engine, tuple[Any, bytes | None]] = {}


def configure(module: types.ModuleType, binds: tuple[str, ...] = (), real_ddl: bool = False) -> None:
    """Called by the runner before pytest starts: the solution module, the bind keys, and
    whether every test's schema must be made by DDL rather than copied."""
    _state["module"] = module
    _state["binds"] = tuple(binds)
    _state["real_ddl"] = real_ddl


@pytest.fixture
def solution() -> types.ModuleType:
    """The candidate's ``solution`` module."""
    module = _state["module"]
    if module is None:  # pragma: no cover - the runner always configures first
        raise RuntimeError("the harness did not configure a solution")
    assert isinstance(module, types.ModuleType)
    return module


def _reverse_unordered_selects(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA reverse_unordered_selects = ON")
    cursor.close()
    # And on it stays: one statement of the candidate's turning it off made an answer without
    # ORDER BY pass. SQLite itself refuses the change, whichever way the statement comes.
    dbapi_connection.set_authorizer(_keep_rows_reversed)


def _keep_rows_reversed(action: int, name: str | None, value: str | None, *_rest: Any) -> int:
    """SQLite's authorizer: deny setting ``reverse_unordered_selects`` (reading it is fine)."""
    if action == sqlite3.SQLITE_PRAGMA and value is not None and (name or "").lower() == _REVERSED:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


_REVERSED = "reverse_unordered_selects"


def _share_engines(db: Any) -> None:
    """Make every app of this process get the same engine per bind key from ``db``.

    A new engine per test would start with an empty compiled-statement cache, so
    every test would compile each of its statements again: a fifth of a
    challenge's run time, measured. The databases stay fresh: an in-memory
    SQLite database lives as long as its one connection (Flask-SQLAlchemy gives
    in-memory URLs a ``StaticPool``), and ``app``'s teardown disposes of it.
    """
    if _state.get("shared_engines") is db:
        return
    engines: dict[tuple[str | None, str], Engine] = {}
    make_engine = db._make_engine

    def shared(bind_key: str | None, options: dict[str, Any], app: Flask) -> Engine:
        key = (bind_key, str(options.get("url")))
        if key not in engines:
            engines[key] = make_engine(bind_key, options, app)
            event.listen(engines[key], "connect", _reverse_unordered_selects)
        return engines[key]

    db._make_engine = shared
    _state["shared_engines"] = db


def _shape(db: Any) -> tuple[Any, ...]:
    """What a copy of the schema depends on: each bind's tables, with their columns,
    constraints and indexes counted (a test may add a model or a column at run time)."""
    return tuple(
        (key, tuple((id(t), len(t.c), len(t.constraints), len(t.indexes)) for t in metadata.tables.values()))
        for key, metadata in db.metadatas.items()
    )


def _ddl_listened(db: Any) -> bool:
    """Whether any listener waits for a table or metadata's creation (copying the schema
    would fire it once per run instead of once per test)."""
    for metadata in db.metadatas.values():
        for item in (metadata, *metadata.tables.values()):
            if item.dispatch.before_create or item.dispatch.after_create:
                return True
    return False


def _connection(engine: Engine) -> Any:
    """The engine's one in-memory SQLite connection (its ``StaticPool`` keeps it)."""
    with engine.connect() as conn:
        return conn.connection.dbapi_connection


def _create_all(db: Any, engines: list[Engine]) -> None:
    """``db.create_all()``, by DDL or from copies of what its DDL made earlier in this run."""
    if _state["real_ddl"] or _ddl_listened(db):
        db.create_all()
        return
    shape = _shape(db)
    copies = [_copies.get(engine) for engine in engines]
    if all(copy is not None and copy[0] == shape for copy in copies):
        for engine, copy in zip(engines, copies, strict=True):
            assert copy is not None
            if copy[1] is not None:  # None: create_all left it empty, as a new one is
                _connection(engine).deserialize(copy[1])
        return
    db.create_all()
    for engine in engines:
        try:
            _copies[engine] = (shape, _copy_of(_connection(engine)))
        except (AttributeError, sqlite3.Error):  # it cannot be copied here: DDL in every test
            _state["real_ddl"] = True
            return


def _copy_of(connection: sqlite3.Connection) -> bytes | None:
    """The database's bytes; None for one with no page yet (SQLite cannot serialize that,
    and a new connection is just as empty). AttributeError before Python 3.11."""
    if connection.execute("PRAGMA page_count").fetchone()[0] == 0:
        return None
    return bytes(connection.serialize())


@pytest.fixture
def app(solution: types.ModuleType) -> Iterator[Flask]:
    """A fresh app on fresh in-memory databases, its context pushed and tables created."""
    db = solution.db
    _share_engines(db)
    # No static route (3 ms a test), and the paths Flask would find for a module that is
    # not there, given rather than searched for on sys.path (1 ms a test).
    root = os.getcwd()
    flask_app = Flask(
        "grader_app", static_folder=None, root_path=root, instance_path=os.path.join(root, "instance")
    )
    flask_app.config.update(
        TESTING=True,
        SQLALCHEMY_DATABASE_URI="sqlite:///:memory:",
        SQLALCHEMY_BINDS={key: "sqlite:///:memory:" for key in _state["binds"]},
    )
    db.init_app(flask_app)
    with flask_app.app_context():
        engines = list(db.engines.values())
        _create_all(db, engines)
        try:
            yield flask_app
        finally:
            db.session.remove()
            for engine in engines:
                engine.dispose()  # closes the one connection: its in-memory database is gone


@pytest.fixture
def db(app: Flask, solution: types.ModuleType) -> Any:
    """The candidate's ``db``, bound to ``app``."""
    return solution.db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Flask's test client for ``app``."""
    return app.test_client()


@dataclass
class Statement:
    """One statement as the database cursor received it.

    ``executemany`` is true for one cursor execution that carried many
    parameter sets; ``columns`` holds the names in the cursor's description
    after it ran (what a SELECT really read), empty for statements with no rows.
    """

    sql: str
    parameters: Any
    executemany: bool
    columns: tuple[str, ...] = ()

    @property
    def verb(self) -> str:
        """The first SQL keyword, upper-case (``SELECT``, ``INSERT``, ...)."""
        words = self.sql.lstrip().split(None, 1)
        return words[0].upper() if words else ""


@dataclass
class SQLLog:
    """What ran inside one ``SQLRecorder.record()`` block."""

    statements: list[Statement] = field(default_factory=list)
    clauses: list[Any] = field(default_factory=list)  # what was passed to Connection.execute

    def of_verb(self, verb: str) -> list[Statement]:
        """The statements that start with ``verb`` (``"SELECT"``, ``"UPDATE"``, ...)."""
        return [s for s in self.statements if s.verb == verb.upper()]

    @property
    def selects(self) -> list[Statement]:
        return self.of_verb("SELECT")


class SQLRecorder:
    """Listens on engines; records statements only inside ``record()`` blocks."""

    def __init__(self, engines: list[Engine]) -> None:
        self._log: SQLLog | None = None
        self._listeners = [
            (engine, name, listener)
            for engine in engines
            for name, listener in (
                ("before_execute", self._before_execute),
                ("before_cursor_execute", self._before_cursor_execute),
                ("after_cursor_execute", self._after_cursor_execute),
            )
        ]
        for engine, name, listener in self._listeners:
            event.listen(engine, name, listener)

    def close(self) -> None:
        """Stop listening (engines outlive a test: the next test's recorder is its own)."""
        for engine, name, listener in self._listeners:
            if event.contains(engine, name, listener):
                event.remove(engine, name, listener)
        self._listeners = []

    def _before_execute(self, _conn: Any, clause: Any, *_args: Any) -> None:
        if self._log is not None:
            self._log.clauses.append(clause)

    def _before_cursor_execute(
        self,
        _conn: Any,
        _cursor: Any,
        statement: str,
        parameters: Any,
        _ctx: Any,
        executemany: bool,
    ) -> None:
        if self._log is not None:
            self._log.statements.append(Statement(statement, parameters, executemany))

    def _after_cursor_execute(self, _conn: Any, cursor: Any, *_args: Any) -> None:
        if self._log is not None and self._log.statements:
            description = getattr(cursor, "description", None) or ()
            self._log.statements[-1].columns = tuple(str(d[0]).lower() for d in description)

    @contextmanager
    def record(self) -> Iterator[SQLLog]:
        """Record every statement executed in the block into the ``SQLLog`` it yields."""
        log = SQLLog()
        self._log = log
        try:
            yield log
        finally:
            self._log = None


@pytest.fixture
def sql(app: Flask, db: Any) -> Iterator[SQLRecorder]:
    """A recorder on every engine of the app (default and binds)."""
    recorder = SQLRecorder(list(db.engines.values()))
    try:
        yield recorder
    finally:
        recorder.close()


@pytest.fixture
def other_session(app: Flask, db: Any) -> Iterator[Any]:
    """A second session on the app's databases, closed after the test."""
    from flask_sqlalchemy.session import Session

    session = Session(db)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@pytest.fixture
def local_timezone() -> Iterator[str]:
    """Set the local time zone to UTC-09:30 for the test (a POSIX TZ string: no tz files needed)."""
    import time

    before = os.environ.get("TZ")
    os.environ["TZ"] = "GRADER+09:30"
    time.tzset()
    try:
        yield os.environ["TZ"]
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
