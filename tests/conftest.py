"""Shared fixtures for the project's own tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.challenges import Challenge, builtin_pack, load_pack

MODEL_BASICS_OK = (builtin_pack() / "model-basics" / "solutions" / "reference.py").read_text()


@pytest.fixture(scope="session")
def pack() -> dict[str, Challenge]:
    """The built-in challenge pack."""
    return load_pack()


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
