"""Writing challenges: grader new and grader pack init, the loader's defaults, rubric lines from
docstrings, a helpers.py shared by both phases, and the shared rules added to every statement."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from grader.challenges import builtin_pack, load_challenge, load_pack
from grader.cli import cli
from grader.grading import grade
from grader.statements import full_statement
from sandbox.fake import FakeBackend

HELPERS = '''\
import pytest


@pytest.fixture
def lamp(db, solution):
    """An item named lamp, committed."""
    item = solution.Item(name="lamp")
    db.session.add(item)
    db.session.commit()
    return item
'''

USES_HELPERS = '''

from helpers import lamp


def test_helpers_fixture_is_shared(db, solution, lamp):
    """a fixture of helpers.py reaches this phase"""
    assert db.session.get(solution.Item, lamp.id).name == "lamp"
'''


@pytest.mark.slow
def test_a_new_challenge_validates_clean_end_to_end(runner, tmp_path):
    pack = tmp_path / "pack"
    started = runner.invoke(cli, ["pack", "init", str(pack)])
    assert started.exit_code == 0, started.output
    assert "private" in (pack / "README.md").read_text()
    made = runner.invoke(cli, ["new", "lamps", "--pack", str(pack)])
    assert made.exit_code == 0, made.output
    assert "grader validate --challenges" in made.output

    validated = runner.invoke(cli, ["validate", "--challenges", str(pack)])
    assert validated.exit_code == 0, validated.output
    assert "7 of 7 checks as expected" in validated.output

    # A helpers.py beside the tests reaches both phases, on a real backend.
    folder = pack / "lamps"
    (folder / "helpers.py").write_text(HELPERS)
    for phase in ("public", "hidden"):
        test_file = next((folder / "tests" / phase).glob("test_*.py"))
        test_file.write_text(test_file.read_text() + USES_HELPERS.replace("shared", f"shared_{phase}"))
    again = runner.invoke(cli, ["validate", "--challenges", str(pack)])
    assert again.exit_code == 0, again.output
    challenge = load_challenge(folder)
    assert {"test_helpers_fixture_is_shared_public", "test_helpers_fixture_is_shared_hidden"} <= {
        t.name for t in challenge.tests
    }


def test_new_writes_todos_and_the_defaults_stay_out(tmp_path):
    from grader.scaffold import new_challenge

    folder = new_challenge(tmp_path, "lamps")
    meta = tomllib.loads((folder / "challenge.toml").read_text())
    assert not {"time_limit", "test_timeout", "scoring", "tests"} & set(meta), "the defaults stay out"
    challenge = load_challenge(folder)
    assert (challenge.time_limit, challenge.test_timeout, challenge.scoring, challenge.points) == (
        60,
        10,
        "test",
        1,
    )
    assert all(t.rubric for t in challenge.tests), "every scaffolded test has a docstring rubric"
    for path in folder.rglob("*"):
        if path.is_file() and path.parent.name not in ("good", "bad") and path.name != "reference.py":
            assert "TODO" in path.read_text() or path.name.startswith("test_"), f"{path} has no TODO"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "Bad_Id"], "must be lower-case letters, digits and '-'"),
        (["new", "lamps"], "already exists; choose another id"),
        (["pack", "init", "."], "already exists and is not an empty folder"),
    ],
    ids=["bad-id", "existing-challenge", "non-empty-pack"],
)
def test_authoring_commands_refuse_bad_input_in_one_line(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lamps").mkdir()
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


@pytest.fixture
def copy_of_rest_api(tmp_path: Path) -> Path:
    target = tmp_path / "rest-api"
    shutil.copytree(builtin_pack() / "rest-api", target)
    return target


def test_rubric_comes_from_the_docstring_and_the_toml_wins(copy_of_rest_api):
    hidden = copy_of_rest_api / "tests" / "hidden" / "test_hidden.py"
    hidden.write_text(
        hidden.read_text()
        + '\n\ndef test_documented():\n    """first paragraph,\n    on two lines\n\n    not this"""\n'
        + '\n\ndef test_overridden():\n    """from the docstring"""\n'
    )
    meta = copy_of_rest_api / "challenge.toml"
    meta.write_text(meta.read_text() + '\n[tests.test_overridden]\nrubric = "from the toml"\n')
    rubrics = {t.name: t.rubric for t in load_challenge(copy_of_rest_api).tests}
    assert rubrics["test_documented"] == "first paragraph, on two lines"
    assert rubrics["test_overridden"] == "from the toml"


def test_helpers_go_to_both_phases_and_are_no_test_module(copy_of_rest_api, make_submission):
    challenge = load_challenge(copy_of_rest_api)
    backend = FakeBackend()
    reference = (copy_of_rest_api / "solutions" / "reference.py").read_text()
    grade(str(make_submission({"rest-api": reference})), [challenge], backend)
    helpers = (copy_of_rest_api / "helpers.py").read_bytes()
    phases = {job.phase: job for job in backend.jobs_seen}
    assert set(phases) == {"public", "hidden"}
    for phase, job in phases.items():
        assert job.files[f"tests/{phase}/helpers.py"] == helpers
        assert all("helpers" not in e.file for e in job.expected), "no test is expected of helpers.py"


def test_kit_and_show_add_the_shared_rules_once(runner, tmp_path):
    pack = load_pack()
    dest = tmp_path / "kit"
    assert runner.invoke(cli, ["kit", str(dest)]).exit_code == 0
    for challenge in pack.values():
        own = challenge.statement_path.read_text()
        assert "You may import" not in own, f"{challenge.id}'s statement repeats the shared rules"
        written = (dest / challenge.id / "statement.md").read_text()
        assert written == full_statement(challenge)
        assert written.count("## Rules for every challenge") == 1
        assert "`SQLAlchemy(model_class=Base)`" in written and "grader check" in written
        assert written.startswith(own.split("\n## ")[0])
    shown = runner.invoke(cli, ["show", "multiple-binds"])
    assert 'SQLALCHEMY_BINDS = {"analytics": "sqlite:///:memory:"}' in shown.output


@pytest.mark.parametrize("seed", range(5))
def test_canaries_are_documented_like_the_tests_beside_them(pack, seed):
    """Rubric lines moved into docstrings: a canary's docstring must not stand out by its style."""
    import ast
    import random

    from grader import canaries

    challenge = pack["model-basics"]
    files = [(p.name, p.read_bytes()) for p in challenge.test_files("hidden")]
    planted, _expected = canaries.plan(files, [t.name for t in challenge.tests], random.Random(seed))
    assert planted
    for canary in planted:
        function = ast.parse(canary.source).body[0]
        assert isinstance(function, ast.FunctionDef)
        doc = ast.get_docstring(function)
        assert doc, "the tests beside it have docstrings, so the canary has one"
        assert doc[0].islower() and not doc.endswith("."), f"{doc!r} is not in the tests' style"


def test_canary_docstrings_come_from_no_fixed_set(pack):
    """A canary's docstring is new each time (a forger could otherwise leave a known set of
    sentences alone and rewrite the rest)."""
    import ast
    import random

    from grader import canaries

    seen: set[str] = set()
    for cid in ("model-basics", "crud", "order-by"):
        challenge = pack[cid]
        files = [(p.name, p.read_bytes()) for p in challenge.test_files("hidden")]
        for seed in range(10):
            planted, _ = canaries.plan(files, [t.name for t in challenge.tests], random.Random(seed))
            for canary in planted:
                function = ast.parse(canary.source).body[0]
                assert isinstance(function, ast.FunctionDef)
                seen.add(ast.get_docstring(function) or "")
    assert len(seen) > 40, f"only {len(seen)} distinct canary docstrings in 30 plans"


def test_a_broken_helpers_file_is_a_format_error(copy_of_rest_api):
    from grader.errors import ChallengeFormatError

    (copy_of_rest_api / "helpers.py").write_text("def api(:\n")
    with pytest.raises(ChallengeFormatError, match=r"helpers.py: is not valid Python \(line 1"):
        load_challenge(copy_of_rest_api)
