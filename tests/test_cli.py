"""The command line, end to end through click's runner (the local backend runs for real)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grader.challenges import builtin_pack
from grader.cli import cli
from tests.helpers import MODEL_BASICS_OK, write_sub

MODEL_BASICS = builtin_pack() / "model-basics"


@pytest.mark.slow
def test_help_explains_every_command(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ["check", "grade", "kit", "list", "show", "validate"]:
        assert command in result.output


def test_list_json_lists_the_pack(runner, pack):
    result = runner.invoke(cli, ["list", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == list(pack)
    assert all(r["tests"]["hidden"] > 0 and r["max_score"] > 0 for r in rows)


def test_list_text_and_show(runner):
    listed = runner.invoke(cli, ["list"])
    assert listed.exit_code == 0 and "model-basics" in listed.output
    shown = runner.invoke(cli, ["show", "model-basics"])
    assert shown.exit_code == 0
    assert "What is checked" in shown.output and "String(80)" in shown.output


@pytest.mark.slow
def test_docker_without_an_engine_says_how_to_start_one(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    sub = write_sub(tmp_path, "ann")  # a real submission: bad input is said before the backend
    result = runner.invoke(cli, ["grade", str(sub), "-c", "model-basics", "--backend", "docker"])
    assert result.exit_code == 3, result.output
    assert "no Docker engine is reachable" in result.stderr and "--backend local" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


@pytest.mark.slow
def test_auto_without_an_engine_warns_once_and_grades_locally(runner, tmp_path, monkeypatch):
    import sandbox.local

    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setattr(sandbox.local, "_BWRAP_PROBE", {"path": None})  # and no bwrap either
    sub = tmp_path / "sub" / "model-basics"
    sub.mkdir(parents=True)
    (sub / "solution.py").write_text(MODEL_BASICS_OK)
    result = runner.invoke(cli, ["grade", str(sub.parent), "-c", "model-basics", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("warning:") == 1 and "read and change" in result.stderr
    data = json.loads(result.stdout)
    assert data["backend"] == "local" and data["isolation"] == "rlimits"


@pytest.mark.slow
def test_auto_without_an_engine_uses_bwrap_quietly_where_it_works(runner, tmp_path, monkeypatch):
    from sandbox.local import find_bwrap

    if find_bwrap() is None:
        pytest.skip("no working bwrap on PATH")
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    sub = tmp_path / "sub" / "model-basics"
    sub.mkdir(parents=True)
    (sub / "solution.py").write_text(MODEL_BASICS_OK)
    result = runner.invoke(cli, ["grade", str(sub.parent), "-c", "model-basics", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    assert json.loads(result.stdout)["isolation"] == "bwrap"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "nope"], "unknown challenge nope"),
        (["grade", "/definitely/not/here"], "does not exist"),
        (["grade", "pyproject.toml"], "is a file"),
        (["grade", ".", "--challenge", "nope"], "unknown challenge nope"),
        (["grade", ".", "--challenges", "/definitely/not/here"], "does not exist"),
        (["check", "/definitely/not/here"], "is not a folder"),
    ],
    ids=[
        "show-unknown",
        "grade-missing-path",
        "grade-file",
        "grade-unknown-id",
        "bad-pack-dir",
        "check-missing-path",
    ],
)
def test_bad_input_exits_2_with_one_line(runner, args, message):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_kit_holds_statements_starters_and_public_tests_only(runner, tmp_path, pack):
    dest = tmp_path / "kit"
    result = runner.invoke(cli, ["kit", str(dest)])
    assert result.exit_code == 0, result.output
    files = {str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file()}
    expected = {"README.md", "grader-kit.json", "conftest.py", "pytest.ini"}
    for c in pack.values():
        expected |= {f"{c.id}/statement.md", f"{c.id}/solution.py"}
        expected |= {f"{c.id}/public_tests/{p.name}" for p in c.test_files("public")}
        if c.helpers_path:
            expected.add(f"{c.id}/public_tests/helpers.py")
    assert files == expected
    # No byte of a hidden test, reference or known-good/bad solution is in the kit.
    kit_text = "\n".join((dest / f).read_text() for f in files)
    for c in pack.values():
        secret_files = [*c.test_files("hidden"), c.reference_path, *c.good_solutions(), *c.bad_solutions()]
        for secret in secret_files:
            body = secret.read_text()
            assert body not in kit_text, f"{secret} leaked into the kit"
        for test in c.tests_of(["hidden"]):
            named = re.search(rf"\b{re.escape(test.name)}\b", kit_text)
            assert named is None, f"hidden test name {test.name} leaked into the kit"
    assert "grader check" in (dest / "README.md").read_text()


def test_kit_refuses_a_folder_with_content(runner, tmp_path):
    (tmp_path / "x.txt").write_text("keep me")
    result = runner.invoke(cli, ["kit", str(tmp_path), "--challenge", "crud"])
    assert result.exit_code == 2 and "not an empty folder" in result.stderr
    assert (tmp_path / "x.txt").read_text() == "keep me"


@pytest.mark.slow
def test_check_on_a_fresh_kit_reports_failing_public_tests(runner, tmp_path, pack):
    dest = tmp_path / "kit"
    runner.invoke(cli, ["kit", str(dest), "-c", "model-basics"])
    result = runner.invoke(cli, ["check", str(dest)])
    assert result.exit_code == 1
    assert "model-basics" in result.output and "public tests did not pass" in result.output
    for test in pack["model-basics"].tests_of(["hidden"]):
        assert test.name not in result.output


@pytest.mark.slow
def test_check_passes_and_points_into_the_candidates_file(runner, tmp_path):
    dest = tmp_path / "kit"
    runner.invoke(cli, ["kit", str(dest), "-c", "model-basics"])
    (dest / "model-basics" / "solution.py").write_text(MODEL_BASICS_OK)
    ok = runner.invoke(cli, ["check", str(dest)])
    assert ok.exit_code == 0, ok.output
    assert "all 2 public tests pass" in ok.output

    broken = MODEL_BASICS_OK + "\n    def __init__(self, **kw):\n        raise ValueError('nope')\n"
    (dest / "model-basics" / "solution.py").write_text(broken)
    inside = runner.invoke(cli, ["check", str(dest / "model-basics")])
    assert inside.exit_code == 1
    line = broken.splitlines().index("        raise ValueError('nope')") + 1
    assert f"model-basics/solution.py, line {line}" in inside.output
    assert "ValueError: nope" in inside.output


@pytest.mark.slow
def test_grade_json_follows_schema_v1(runner, make_submission):
    sub = make_submission({"model-basics": MODEL_BASICS_OK})
    result = runner.invoke(
        cli, ["grade", str(sub), "--format", "json", "-c", "model-basics", "--backend", "local"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {
        "schema_version",
        "submission",
        "score",
        "max_score",
        "status",
        "backend",
        "duration",
        "challenges",
    } <= set(data)
    assert data["schema_version"] == 1 and data["backend"] == "local" and data["status"] == "passed"
    (challenge,) = data["challenges"]
    assert {"id", "title", "score", "max_score", "status", "message", "tests"} <= set(challenge)
    assert challenge["score"] == challenge["max_score"] > 0
    for test in challenge["tests"]:
        assert {"name", "visibility", "status", "score", "max_score", "message", "duration"} <= set(test)
        assert test["visibility"] in ("public", "hidden") and test["status"] == "passed"


@pytest.mark.slow
def test_unsubmitted_challenges_are_missing_unless_named(runner, make_submission, pack):
    sub = make_submission({"model-basics": MODEL_BASICS_OK})
    data = json.loads(runner.invoke(cli, ["grade", str(sub), "--format", "json"]).stdout)
    statuses = {c["id"]: c["status"] for c in data["challenges"]}
    assert statuses == {cid: "passed" if cid == "model-basics" else "missing" for cid in pack}
    assert data["status"] == "failed" and data["score"] < data["max_score"]


@pytest.mark.slow
def test_min_score_sets_the_exit_code(runner, make_submission, tmp_path):
    sub = make_submission({"model-basics": MODEL_BASICS_OK})
    args = ["grade", str(sub), "-c", "model-basics", "-c", "crud"]
    percent = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)["percent"]
    assert 0 < percent < 100
    assert runner.invoke(cli, [*args, "--min-score", str(percent - 1)]).exit_code == 0
    below = runner.invoke(cli, [*args, "--min-score", str(percent + 1), "-o", str(tmp_path / "r.txt")])
    assert below.exit_code == 1
    assert "Score" in (tmp_path / "r.txt").read_text()


BAD_INPUT = [
    ("model-basics", None, "error", "no model-basics/solution.py"),
    (
        "model-basics",
        "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\nclass User(db.Model)\n",
        "error",
        "syntax error at line 3",
    ),
    ("model-basics", "import flask_sqlalchemyy\n", "error", "ModuleNotFoundError at line 1"),
    (
        "model-basics",
        "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
        "error",
        "does not define User",
    ),
    ("model-basics", "x = 1\n", "error", "must define db = SQLAlchemy()"),
    (
        "model-basics",
        "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n1 / 0\n",
        "error",
        "ZeroDivisionError at line 3",
    ),
    (
        "model-basics",
        (MODEL_BASICS / "solutions" / "bad" / "binds_own_app.py").read_text(),
        "error",
        "creates or binds a Flask app at import",
    ),
    ("model-basics", "import os\nos._exit(0)\n", "error", "exited (0) while importing"),
    ("model-basics", "import sys\nsys.exit(3)\n", "error", "called exit(3)"),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("challenge_id", "source", "status", "message"),
    BAD_INPUT,
    ids=[
        "no-solution",
        "syntax-error",
        "import-error",
        "missing-name",
        "no-db",
        "raises-at-import",
        "own-app",
        "os-exit",
        "sys-exit",
    ],
)
def test_bad_solutions_get_a_clear_status(runner, tmp_path, challenge_id, source, status, message):
    sub = tmp_path / "sub"
    (sub / challenge_id).mkdir(parents=True)
    if source is not None:
        (sub / challenge_id / "solution.py").write_text(source)
    result = runner.invoke(cli, ["grade", str(sub), "--format", "json", "-c", challenge_id])
    assert result.exit_code == 0, result.output
    (challenge,) = json.loads(result.stdout)["challenges"]
    assert challenge["status"] == status
    assert message in challenge["message"]
    assert challenge["score"] == 0
    text = runner.invoke(cli, ["grade", str(sub), "-c", challenge_id])
    assert message in text.output and "Traceback" not in text.output


@pytest.mark.slow
def test_example_submission_is_graded_as_documented(runner):
    example = Path(__file__).parent.parent / "examples" / "submission"
    result = runner.invoke(cli, ["grade", str(example), "--format", "json"])
    assert result.exit_code == 0, result.output
    statuses = {c["id"]: c["status"] for c in json.loads(result.stdout)["challenges"]}
    expected = json.loads((example.parent / "expected.json").read_text())
    assert statuses == expected
