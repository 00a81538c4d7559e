"""The ``app`` fixture's schema: real DDL once per run, then copies, and real DDL wherever a
copy could differ (the challenge asks for it, a DDL event is listened to, the tables changed).

Each case runs the harness's fixtures plugin in a pytest process of its own, on a small
solution, the way a challenge's tests use it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SOLUTION = """
from flask_sqlalchemy import SQLAlchemy
db = SQLAlchemy()

class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    text = db.Column(db.String(50), nullable=False)
"""

LISTENED = (
    SOLUTION
    + """
from sqlalchemy import event
CREATED = []
event.listen(Note.__table__, "after_create", lambda *args, **kw: CREATED.append(1))
"""
)

CONFTEST = """
import importlib.util, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
spec = importlib.util.spec_from_file_location("solution", {solution!r})
module = importlib.util.module_from_spec(spec)
sys.modules["solution"] = module
spec.loader.exec_module(module)
from sandbox.harness import fixtures
fixtures.configure(module, binds={binds!r}, real_ddl={real_ddl!r})
DDL = []

def count_ddl(conn, cursor, statement, *rest):
    if statement.lstrip().startswith("CREATE"):
        DDL.append(1)

event.listen(Engine, "before_cursor_execute", count_ddl)
pytest_plugins = ["sandbox.harness.fixtures"]
"""

TESTS = """
import sqlalchemy as sa
from conftest import DDL

def test_1_writes(db, solution):
    db.session.add(solution.Note(text="kept?"))
    db.session.commit()
    assert solution.Note.query.count() == 1

def test_2_starts_empty(db, solution):
    assert solution.Note.query.count() == 0
    db.session.add(solution.Note(text="x"))
    db.session.commit()

def test_3_adds_a_model(db):
    class Late(db.Model):
        id = db.Column(db.Integer, primary_key=True)

def test_4_sees_the_new_table(db):
    assert "late" in sa.inspect(db.engine).get_table_names()
    assert db.session.execute(sa.text("select count(*) from late")).scalar() == 0

def test_5_ddl_count(db, solution):
    created = getattr(solution, "CREATED", None)
    if created is not None:
        assert len(created) == 5, "the after_create listener fires in every test"
    print("DDL", len(DDL))
"""


def _run(tmp_path: Path, solution: str, real_ddl: bool = False, binds: tuple[str, ...] = ()) -> str:
    (tmp_path / "solution.py").write_text(solution)
    (tmp_path / "conftest.py").write_text(
        CONFTEST.format(solution=str(tmp_path / "solution.py"), real_ddl=real_ddl, binds=binds)
    )
    (tmp_path / "test_notes.py").write_text(textwrap.dedent(TESTS))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _creates(output: str) -> int:
    return int(next(line for line in output.splitlines() if "DDL " in line).split("DDL ")[1].split()[0])


@pytest.mark.parametrize("binds", [(), ("unused",)], ids=["one-database", "a-bind-no-model-uses"])
def test_schema_is_made_once_and_copied_fresh_into_every_test(tmp_path: Path, binds: tuple[str, ...]) -> None:
    # One CREATE for Note in the first test; Note and Late again once Late joins the tables.
    # A bind no model uses stays empty (SQLite cannot serialize a database with no page).
    assert _creates(_run(tmp_path, SOLUTION, binds=binds)) == 3


@pytest.mark.parametrize(
    ("solution", "real_ddl"), [(SOLUTION, True), (LISTENED, False)], ids=["challenge-asks", "ddl-listener"]
)
def test_real_ddl_in_every_test_where_a_copy_could_differ(
    tmp_path: Path, solution: str, real_ddl: bool
) -> None:
    # Note in each of the 5 tests, and Late in the 2 that follow its definition.
    assert _creates(_run(tmp_path, solution, real_ddl)) == 5 + 2
