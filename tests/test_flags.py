"""Static-scan flags in the results: in every reviewer format and the leaderboard, never for candidates.

The flags here are what ``grader.scan.scan`` says of a real tampering solution (and of a
fair one: none), set on results the way grading sets them; one slow test grades for real.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import xml.etree.ElementTree as ET

import pytest

from grader.audience import for_audience
from grader.cohort import ChallengeInfo, Cohort, Row
from grader.reports import FORMATS, render
from grader.reports.leaderboard import (
    batch_json,
    render_batch_junit,
    render_cohort_json,
    render_csv,
    render_leaderboard_html,
    render_leaderboard_markdown,
    render_leaderboard_text,
)
from grader.results import ChallengeResult, ChallengeStatus, GradeResult, RunStatus, TestResult, TestStatus
from grader.scan import scan
from tests.helpers import MODEL_BASICS_OK, assert_valid_junit, readable

TAMPERER = MODEL_BASICS_OK + (
    "\nimport gc\n\n\ndef __getattr__(name):\n"
    "    return [o for o in gc.get_objects() if type(o).__name__ == name]\n"
)
FLAGS = scan(TAMPERER)


def graded(flags: tuple[str, ...], *, submission: str = "sub", audience: str = "reviewer") -> GradeResult:
    """A grading of model-basics (one test passed, one failed) with ``flags`` set on the challenge."""
    tests = (
        TestResult("test_table", "public", TestStatus.PASSED, 1.0, 1.0),
        TestResult(
            "test_lengths", "hidden", TestStatus.FAILED, 0.0, 1.0, "assert 20 == 80", rubric="lengths"
        ),
    )
    message = "1 of 2 tests did not pass"
    challenge = ChallengeResult(
        "model-basics",
        "Map a class to a table",
        ChallengeStatus.FAILED,
        1.0,
        2.0,
        message,
        tests,
        flags=flags,
    )
    return GradeResult(
        submission, RunStatus.FAILED, 1.0, 2.0, "local", "bwrap", 0.5, (challenge,), audience=audience
    )


def test_the_tampering_solution_is_flagged_and_the_fair_one_is_not():
    assert any("imports gc" in f for f in FLAGS)
    assert any("gc.get_objects walks the garbage collector" in f for f in FLAGS)
    assert any("module-level __getattr__" in f for f in FLAGS)
    assert scan(MODEL_BASICS_OK) == ()


def test_results_carry_the_flags_with_the_challenge_id():
    result = graded(FLAGS)
    data = result.as_json()
    assert data["challenges"][0]["flags"] == list(FLAGS)
    assert data["flags"] == [f"model-basics: {f}" for f in FLAGS]
    assert GradeResult.from_json(data).challenges[0].flags == FLAGS


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_reviewer_format_shows_every_flag(fmt):
    content = render(fmt, graded(FLAGS))
    seen = readable(fmt, content) if fmt != "text" else content
    for flag in FLAGS:
        assert flag in seen, f"{fmt} lacks {flag!r}"
    assert "changes a score" in seen or fmt in ("json", "junit")


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_mentions_flags_when_there_are_none(fmt):
    content = render(fmt, graded(()))
    assert "static scan" not in content and "flag:" not in content


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "json"])
def test_no_candidate_format_shows_a_flag(fmt):
    """Writers leave flags out of a candidate's report, whatever the result carries."""
    content = render(fmt, graded(FLAGS, audience="candidate"))
    seen = readable(fmt, content) if fmt != "text" else content
    for flag in FLAGS:
        assert flag.partition(": ")[2] not in seen, f"{fmt} shows {flag!r} to a candidate"
    assert "static scan" not in seen


def test_the_candidate_view_of_a_result_has_no_flags(pack):
    view = for_audience(graded(FLAGS), "candidate", [pack["model-basics"]])
    assert view.flags == () and all(c.flags == () for c in view.challenges)
    content = render("json", view)
    assert all(flag.partition(": ")[2] not in content for flag in FLAGS)


def test_junit_flags_are_suite_properties_and_still_valid():
    document = render("junit", graded(FLAGS))
    assert_valid_junit(document)
    (suite,) = ET.fromstring(document).iter("testsuite")
    properties = [p.get("value") for p in suite.iter("property") if p.get("name") == "flag"]
    assert properties == list(FLAGS)


def test_gradescope_keeps_flags_for_instructors_only():
    data = json.loads(render("gradescope", graded(FLAGS)))
    (scan_test,) = [t for t in data["tests"] if t["name"] == "static scan: flags"]
    assert scan_test["visibility"] == "hidden" and scan_test["max_score"] == 0
    assert data["score"] == 1.0 and data["extra_data"]["flags"] == [f"model-basics: {f}" for f in FLAGS]
    assert all(f.partition(": ")[2] not in data["output"] for f in FLAGS)  # students read "output"


def test_markdown_flags_are_code_spans_and_capped():
    many = tuple(
        f"line {i}: a module-level __getattr__ answers for any name the tests look up" for i in range(30)
    )
    text = render("markdown", graded(many))
    assert "`line 0: a module-level __getattr__ answers for any name the tests look up`" in text
    assert "and 20 more: the JSON report lists them all" in text
    assert text.count("__getattr__") == 10


def _cohort(audience: str = "reviewer") -> Cohort:
    rows = (
        Row("tampered", "subs/tampered", graded(FLAGS, submission="subs/tampered", audience=audience)),
        Row("fair", "subs/fair", graded((), submission="subs/fair", audience=audience)),
        Row("unreadable", "subs/unreadable.zip", dataclasses.replace(
            graded(()), status=RunStatus.ERROR, challenges=(), error="not an archive"), saved=False),
    )  # fmt: skip
    return Cohort(rows, (ChallengeInfo("model-basics", "Map a class to a table", 2.0),), audience)


def test_the_leaderboard_has_a_flags_column_in_every_format():
    cohort = _cohort()
    rows = {r["candidate"]: r for r in csv.DictReader(io.StringIO(render_csv(cohort)))}
    assert rows["tampered"]["flags"] == str(len(FLAGS)) and rows["fair"]["flags"] == "0"
    text = render_leaderboard_text(cohort).splitlines()
    assert text[0].split()[3] == "flags"  # rank, candidate, score (or status when none), flags
    assert next(line for line in text if "tampered" in line).split()[3] == str(len(FLAGS))
    markdown = render_leaderboard_markdown(cohort).splitlines()
    header = [c.strip() for c in markdown[2].strip("|").split("|")]
    row = [c.strip() for c in next(line for line in markdown if "tampered" in line).strip("|").split("|")]
    assert header[4] == "Flags" and row[4] == str(len(FLAGS))
    assert len(header) == len(row) == markdown[3].count("|") - 1
    page = render_leaderboard_html(cohort)
    assert '<button type="button">flags</button>' in page
    assert f'data-value="{len(FLAGS)}" title="model-basics: {FLAGS[0]}' in page.replace("&#x27;", "'")
    listed = {r["name"]: r for r in batch_json(cohort)["leaderboard"]}
    assert listed["tampered"]["flags"] == len(FLAGS) and listed["fair"]["flags"] == 0


def test_cohort_json_counts_flagged_submissions():
    stats = json.loads(render_cohort_json(_cohort()))
    assert stats["flagged"] == 1
    assert stats["challenges"][0]["flagged"] == 1


def test_batch_junit_carries_flags_and_validates():
    document = render_batch_junit(_cohort())
    assert_valid_junit(document)
    flags = [p.get("value") for p in ET.fromstring(document).iter("property") if p.get("name") == "flag"]
    assert flags == list(FLAGS)


def test_a_candidate_leaderboard_has_no_flags():
    cohort = _cohort("candidate")
    assert "flags" not in render_csv(cohort).splitlines()[0].split(",")
    assert "flags" not in render_leaderboard_text(cohort).splitlines()[0].split()
    assert "Flags" not in render_leaderboard_markdown(cohort)
    assert ">flags<" not in render_leaderboard_html(cohort)
    assert "flags" not in batch_json(cohort)["leaderboard"][0]
    assert "flagged" not in render_cohort_json(cohort)
    assert all(p.get("name") != "flag" for p in ET.fromstring(render_batch_junit(cohort)).iter("property"))


@pytest.mark.slow
def test_grading_flags_a_tampering_solution_without_changing_its_score(pack, make_submission):
    from grader.grading import grade
    from sandbox.local import LocalBackend

    sub = make_submission({"model-basics": MODEL_BASICS_OK + "\nimport gc\n"})
    backend = LocalBackend(jobs=1)
    try:
        result = grade(str(sub), [pack["model-basics"]], backend)
    finally:
        backend.close()
    (challenge,) = result.challenges
    assert challenge.status is ChallengeStatus.PASSED and challenge.score == challenge.max_score
    assert challenge.flags == scan(MODEL_BASICS_OK + "\nimport gc\n") != ()
    assert result.flags == tuple(f"model-basics: {f}" for f in challenge.flags)
