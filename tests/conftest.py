"""Shared fixtures for the project's own tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.challenges import Challenge, builtin_pack, load_pack
from grader.grading import grade
from grader.results import GradeResult
from tests.helpers import EXAMPLE_SUBMISSION


@pytest.fixture(scope="session")
def pack() -> dict[str, Challenge]:
    """The built-in challenge pack."""
    return load_pack()


@pytest.fixture(scope="session")
def fast_pack(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Challenge]:
    """model-basics and crud with an 8 s challenge limit and a 1 s test limit."""
    root = tmp_path_factory.mktemp("pack")
    for cid in ("model-basics", "crud"):
        shutil.copytree(builtin_pack() / cid, root / cid)
        meta = root / cid / "challenge.toml"
        text = meta.read_text().replace("time_limit = 60", "time_limit = 8")
        meta.write_text(text.replace("test_timeout = 10", "test_timeout = 1"))
    return load_pack(root)


@pytest.fixture(scope="session")
def sample(pack: dict[str, Challenge]) -> GradeResult:
    """The example submission graded on the fake backend, through the real session path,
    with every kind of outcome: passes, failures with messages, tracebacks, lines and
    output, an import error, a test that errors, a skip and a timeout (no process runs)."""
    from sandbox.fake import FakeBackend
    from tests.helpers import varied

    return grade(str(EXAMPLE_SUBMISSION), list(pack.values()), FakeBackend(varied))


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A click runner with no GRADER_CHALLENGES leaking in from the environment."""
    monkeypatch.delenv("GRADER_CHALLENGES", raising=False)
    monkeypatch.delenv("CI", raising=False)
    return CliRunner()


SubmissionMaker = Callable[[dict[str, str]], Path]


@pytest.fixture
def make_submission(tmp_path: Path) -> SubmissionMaker:
    """Write a submission folder from ``{"challenge-id": solution source}``."""

    def make(solutions: dict[str, str]) -> Path:
        root = tmp_path / "submission"
        for challenge_id, source in solutions.items():
            (root / challenge_id).mkdir(parents=True, exist_ok=True)
            (root / challenge_id / "solution.py").write_text(source)
        root.mkdir(exist_ok=True)
        return root

    return make
