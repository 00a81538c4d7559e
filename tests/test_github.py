"""Under GitHub Actions: the job summary, annotations on the candidate's file, commands stopped."""

from __future__ import annotations

import re

import pytest

from grader import github
from grader.cli import cli
from grader.results import ChallengeResult, ChallengeStatus, GradeResult, RunStatus, TestResult, TestStatus
from tests.helpers import MODEL_BASICS_OK

BROKEN_INIT = MODEL_BASICS_OK + "\n    def __init__(self, **kw):\n        raise ValueError('nope')\n"


@pytest.fixture
def actions_env(tmp_path):
    summary = tmp_path / "summary.md"
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_WORKSPACE": str(tmp_path),
        "CI": "true",
    }, summary


@pytest.mark.slow
def test_grade_annotates_public_failures_in_the_candidates_file(runner, tmp_path, actions_env, monkeypatch):
    env, summary = actions_env
    sub = tmp_path / "pr" / "submission"
    (sub / "model-basics").mkdir(parents=True)
    (sub / "model-basics" / "solution.py").write_text(BROKEN_INIT)
    monkeypatch.chdir(tmp_path / "pr")
    result = runner.invoke(cli, ["grade", "submission", "-c", "model-basics", "--min-score", "90"], env=env)
    assert result.exit_code == 1, result.output
    line = BROKEN_INIT.splitlines().index("        raise ValueError('nope')") + 1
    errors = [x for x in result.stdout.splitlines() if x.startswith("::error ")]
    assert errors, result.stdout
    assert all(f"file=pr/submission/model-basics/solution.py,line={line}," in e for e in errors)
    assert any(e.endswith("::ValueError: nope") for e in errors)
    # Only public tests: one public test fails; hidden ones that build a User fail too, unannotated.
    assert len(errors) == 1 and "test_starter_shape" in errors[0]
    # The report itself is printed with workflow commands stopped, so candidate text cannot issue one.
    token = re.search(r"^::stop-commands::(\w+)$", result.stdout, re.M)
    assert token and f"\n::{token.group(1)}::\n" in result.stdout
    text = summary.read_text()
    assert text.startswith("## Grading:") and "model-basics" in text
    assert "candidate view" in text  # CI is set: the summary is for the candidate


@pytest.mark.slow
def test_machine_output_on_stdout_keeps_annotations_off_it(runner, tmp_path, actions_env, monkeypatch):
    env, _ = actions_env
    sub = tmp_path / "submission"
    (sub / "model-basics").mkdir(parents=True)
    (sub / "model-basics" / "solution.py").write_text(BROKEN_INIT)
    result = runner.invoke(cli, ["grade", str(sub), "-c", "model-basics", "--format", "json"], env=env)
    assert "::error " not in result.stdout.replace("::stop-commands::", "")
    assert "::error " in result.stderr


def test_command_text_is_escaped():
    test = TestResult("t", "public", TestStatus.FAILED, 0, 1, "a%b\nc::d", line=4)
    hidden = TestResult("h", "hidden", TestStatus.FAILED, 0, 1, "secret", line=5)
    challenge = ChallengeResult("x", "X", ChallengeStatus.FAILED, 0, 2, "m", (test, hidden))
    result = GradeResult("sub,1", RunStatus.FAILED, 0, 2, "local", "rlimits", 1, (challenge,))
    (command,) = github.error_commands(result, {})
    assert command == "::error file=sub%2C1/x/solution.py,line=4,title=x%3A t failed::a%25b%0Ac::d"


@pytest.mark.slow
def test_outside_actions_nothing_is_written(runner, tmp_path):
    summary = tmp_path / "summary.md"
    sub = tmp_path / "submission"
    (sub / "model-basics").mkdir(parents=True)
    (sub / "model-basics" / "solution.py").write_text(BROKEN_INIT)
    result = runner.invoke(
        cli, ["grade", str(sub), "-c", "model-basics"], env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert "::error" not in result.output and not summary.exists()


@pytest.mark.slow
def test_batch_writes_the_leaderboard_to_the_job_summary(runner, tmp_path, actions_env):
    env, summary = actions_env
    sub = tmp_path / "cohort" / "ann" / "model-basics"
    sub.mkdir(parents=True)
    (sub / "solution.py").write_text(MODEL_BASICS_OK)
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["batch", str(tmp_path / "cohort"), "--out", str(out), "-c", "model-basics"], env=env
    )
    assert result.exit_code == 0, result.output
    assert summary.read_text().startswith("## Leaderboard: 1 submission")
