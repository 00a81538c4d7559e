"""The candidate audience: hidden tests show their rubric line and status, and nothing of their source.

The leak test grades a hostile solution (it reads the hidden tests from disk and
echoes them through a public test's failure and its printed output) next to
wrong answers whose hidden tests fail with assertion messages, writes every
format for the candidate, and greps each for every line of hidden test source.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.audience import WITHHELD, default_audience, for_audience
from grader.cli import cli
from grader.reports import FORMATS
from grader.results import GradeResult
from tests.helpers import HOSTILE_MODEL_BASICS, readable, secret_lines

EXAMPLE = Path(__file__).parent.parent / "examples" / "submission"
GRADED = ("model-basics", "raw-sql", "one-to-many")


@pytest.fixture(scope="module")
def candidate_reports(tmp_path_factory, pack):
    """Every format of one candidate-audience grading, by format, and the reviewer's JSON."""
    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("leak")
    sub = root / "submission"
    (sub / "model-basics").mkdir(parents=True)
    (sub / "model-basics" / "solution.py").write_text(HOSTILE_MODEL_BASICS)
    for cid in ("raw-sql", "one-to-many"):
        (sub / cid).mkdir()
        (sub / cid / "solution.py").write_text((EXAMPLE / cid / "solution.py").read_text())
    base = ["grade", str(sub), *(a for cid in GRADED for a in ("-c", cid))]
    args = list(base)
    for fmt in FORMATS:
        args += ["--format", fmt, "--output", str(root / f"report.{fmt}")]
    runner = CliRunner()
    result = runner.invoke(cli, [*args, "--audience", "candidate"], env={"CI": None, "GITHUB_ACTIONS": None})
    assert result.exit_code == 0, result.output
    reviewer = runner.invoke(cli, [*base, "--format", "json", "--audience", "reviewer"])
    return {fmt: (root / f"report.{fmt}").read_text() for fmt in FORMATS}, json.loads(reviewer.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_candidate_output_holds_no_hidden_test_source(candidate_reports, pack, fmt):
    reports, reviewer = candidate_reports
    seen = readable(fmt, reports[fmt])
    for cid in GRADED:
        for line in secret_lines(pack[cid]):
            assert line not in seen, f"{fmt} leaks hidden source of {cid}: {line!r}"
        for test in pack[cid].tests_of(["hidden"]):
            assert test.name not in seen, f"{fmt} names the hidden test {test.name}"
    for challenge in reviewer["challenges"]:
        for test in challenge["tests"]:
            # A test that never ran says what the challenge says, in the grader's words.
            failed = test["visibility"] == "hidden" and test["status"] != "passed" and test["ran"]
            if failed and len(test["message"]) > 20:
                first = test["message"].splitlines()[0]
                assert first not in seen, f"{fmt} shows a hidden test's message: {first!r}"
            if failed:
                assert test["rubric"] in seen, f"{fmt} lacks the rubric line {test['rubric']!r}"


@pytest.mark.slow
def test_a_public_test_finds_no_hidden_test_to_echo(candidate_reports, pack):
    """Hidden test files do not exist while public tests run, and where they do (the hidden
    phase), reading them is refused: the challenge scores 0, and even the reviewer's view
    holds no line of them."""
    reports, reviewer = candidate_reports
    (mb,) = [c for c in reviewer["challenges"] if c["id"] == "model-basics"]
    assert mb["score"] == 0 and "it reads the test files" in mb["message"]
    seen = json.dumps(mb)
    assert not any(line in seen for line in secret_lines(pack["model-basics"]))
    assert json.loads(reports["json"])["audience"] == "candidate"


def test_hidden_source_quoted_in_a_public_message_is_withheld(sample, pack):
    """Defence in depth: were hidden source to reach a public test's text, the candidate
    view would replace it."""
    from dataclasses import replace

    challenge = next(c for c in sample.challenges if c.id == "model-basics")
    hidden_line = secret_lines(pack["model-basics"])[0]
    tests = tuple(
        replace(t, status="failed", message=f"smuggled: {hidden_line}") if t.visibility == "public" else t
        for t in challenge.tests
    )
    forged = replace(sample, challenges=(replace(challenge, tests=tests),))
    view = for_audience(forged, "candidate", [pack["model-basics"]])
    text = json.dumps(view.as_json())
    assert hidden_line not in text and WITHHELD in text


@pytest.mark.slow
def test_reviewers_see_everything(candidate_reports, pack):
    _, reviewer = candidate_reports
    names = {t["name"] for c in reviewer["challenges"] for t in c["tests"]}
    assert {t.name for cid in GRADED for t in pack[cid].tests} <= names
    assert any(
        t["details"] for c in reviewer["challenges"] for t in c["tests"] if t["visibility"] == "hidden"
    )


@pytest.mark.slow
def test_candidate_view_keeps_scores_and_public_tests(candidate_reports):
    reports, reviewer = candidate_reports
    data = json.loads(reports["json"])
    assert (data["score"], data["max_score"]) == (reviewer["score"], reviewer["max_score"])
    for mine, theirs in zip(data["challenges"], reviewer["challenges"], strict=True):
        assert [t["status"] for t in mine["tests"]] == [t["status"] for t in theirs["tests"]]
        for a, b in zip(mine["tests"], theirs["tests"], strict=True):
            if b["visibility"] == "public" and WITHHELD not in a["message"] + a["output"]:
                assert {**a, "duration": 0} == {**b, "duration": 0}  # two gradings: only times differ
            if b["visibility"] == "hidden":
                assert (a["details"], a["output"], a["line"]) == ("", "", None)
                assert a["message"] == "" or not b["ran"], a["message"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "reviewer"),
        ({"CI": "true"}, "candidate"),
        ({"CI": "1"}, "candidate"),
        ({"CI": "false"}, "reviewer"),
    ],
    ids=["no-ci", "ci-true", "ci-1", "ci-false"],
)
def test_default_audience_follows_ci(env, expected):
    assert default_audience(env) == expected


@pytest.mark.slow
def test_ci_makes_grade_write_for_the_candidate(runner, make_submission):
    sub = make_submission({"model-basics": HOSTILE_MODEL_BASICS})
    result = runner.invoke(
        cli, ["grade", str(sub), "-c", "model-basics", "--format", "json"], env={"CI": "true"}
    )
    data = json.loads(result.stdout)
    assert data["audience"] == "candidate"
    assert all(
        t["name"].startswith("hidden-")
        for c in data["challenges"]
        for t in c["tests"]
        if t["visibility"] == "hidden"
    )


def test_for_audience_is_idempotent():
    result = GradeResult("s", "passed", 0, 0, "local", "rlimits", 0, (), audience="candidate")  # type: ignore[arg-type]
    assert for_audience(result, "candidate", []) is result
