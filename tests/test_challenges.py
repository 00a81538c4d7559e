"""Loading challenge folders: the built-in pack, and clear errors for malformed ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.challenges import builtin_pack, load_challenge, load_pack, pack_dir, select
from grader.errors import ChallengeFormatError, UsageError

CONTRACT_IDS = {"model-basics", "one-to-many", "order-by", "crud", "raw-sql"}


def test_builtin_pack_has_the_first_five_challenges(pack):
    assert CONTRACT_IDS <= set(pack)


@pytest.mark.parametrize("challenge_id", sorted(CONTRACT_IDS))
def test_every_challenge_is_complete(pack, challenge_id):
    c = pack[challenge_id]
    assert c.statement_path.read_text().strip()
    assert c.tests_of(["public"]) and c.tests_of(["hidden"])
    assert len(c.good_solutions()) >= 2 and len(c.bad_solutions()) >= 3
    assert all(t.rubric for t in c.tests), "every test has a rubric line"
    assert "db" in c.requires


@pytest.fixture
def copy_of_model_basics(tmp_path: Path) -> Path:
    target = tmp_path / "model-basics"
    shutil.copytree(builtin_pack() / "model-basics", target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _prepend(path: Path, lines: str) -> None:
    """Top-level keys go before the file's first table."""
    path.write_text(lines + path.read_text())


def _append(path: Path, table: str) -> None:
    path.write_text(path.read_text() + "\n" + table)


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda p: (p / "challenge.toml").unlink(), "no challenge folder"),
        (lambda p: (p / "challenge.toml").write_text("id = \n"), "not valid TOML"),
        (
            lambda p: _replace(p / "challenge.toml", 'id = "model-basics"', 'id = "other"'),
            "differs from the folder name",
        ),
        (
            lambda p: _replace(p / "challenge.toml", 'difficulty = "junior"', 'difficulty = "easy"'),
            "difficulty must be one of",
        ),
        (
            lambda p: _prepend(p / "challenge.toml", "time_limit = -1\n"),
            "time_limit must be a positive number",
        ),
        (lambda p: _append(p / "challenge.toml", '[scoring]\nper = "each"\n'), "scoring.per must be"),
        (lambda p: (p / "statement.md").unlink(), "statement.md: is missing"),
        (lambda p: (p / "solutions" / "reference.py").unlink(), "reference.py: is missing"),
        (lambda p: (p / "tests" / "hidden" / "test_hidden.py").unlink(), "holds no test function"),
        (
            lambda p: (p / "tests" / "hidden" / "test_hidden.py").write_text("def test_(:\n"),
            "is not valid Python",
        ),
        (
            lambda p: (p / "tests" / "hidden" / "test_more.py").write_text(
                "def test_column_lengths():\n    pass\n"
            ),
            "is also defined in",
        ),
        (
            lambda p: _append(p / "challenge.toml", '[tests.test_nope]\nrubric = "gone"\n'),
            "names no such test: test_nope",
        ),
    ],
    ids=[
        "no-toml",
        "bad-toml",
        "id-mismatch",
        "bad-difficulty",
        "bad-time-limit",
        "bad-scoring",
        "no-statement",
        "no-reference",
        "no-hidden-tests",
        "test-syntax-error",
        "duplicate-test",
        "rubric-for-unknown-test",
    ],
)
def test_malformed_challenge_is_a_clear_error(copy_of_model_basics, breakage, expected):
    breakage(copy_of_model_basics)
    with pytest.raises((ChallengeFormatError, UsageError)) as info:
        load_pack(copy_of_model_basics.parent)
    assert expected in str(info.value)


def test_format_error_names_the_file(copy_of_model_basics):
    (copy_of_model_basics / "statement.md").unlink()
    with pytest.raises(ChallengeFormatError) as info:
        load_challenge(copy_of_model_basics)
    assert str(copy_of_model_basics / "statement.md") in str(info.value)


def test_tests_are_discovered_without_importing(copy_of_model_basics):
    hidden = copy_of_model_basics / "tests" / "hidden" / "test_hidden.py"
    hidden.write_text(
        "raise SystemExit('never imported')\n"
        "def test_a():\n    pass\n"
        "class TestGroup:\n    def test_b(self):\n        pass\n    def helper(self):\n        pass\n"
    )
    (copy_of_model_basics / "challenge.toml").write_text(
        (copy_of_model_basics / "challenge.toml").read_text().split("[tests.")[0]
    )
    c = load_challenge(copy_of_model_basics)
    assert [t.name for t in c.tests_of(["hidden"])] == ["test_a", "TestGroup::test_b"]


def test_pack_dir_takes_the_folder_given_else_the_builtin_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_CHALLENGES", str(tmp_path))  # the CLI's to read, not the library's
    assert pack_dir() == builtin_pack()
    assert pack_dir(str(tmp_path)) == tmp_path
    with pytest.raises(UsageError, match="does not exist"):
        pack_dir(str(tmp_path / "absent"))


def test_the_cli_reads_grader_challenges(runner, tmp_path):
    from grader.cli import cli

    result = runner.invoke(cli, ["list"], env={"GRADER_CHALLENGES": str(tmp_path / "absent")})
    assert result.exit_code == 2 and "does not exist" in result.output


def test_select_names_unknown_ids(pack):
    assert [c.id for c in select(pack, ["crud", "crud"])] == ["crud"]
    with pytest.raises(UsageError, match="unknown challenge nope"):
        select(pack, ["crud", "nope"])


def test_scoring_per_challenge(copy_of_model_basics):
    _append(copy_of_model_basics / "challenge.toml", '[scoring]\nper = "challenge"\npoints = 10\n')
    c = load_challenge(copy_of_model_basics)
    assert c.max_score() == 10
