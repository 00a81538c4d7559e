"""Report formats over a grading of the example submission with every kind of outcome (on the
fake backend, through the real session path): every format, well formed."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.audience import for_audience
from grader.errors import UsageError
from grader.outputs import pair_reports
from grader.reports import FORMATS, render
from grader.results import ChallengeResult, ChallengeStatus, GradeResult, RunStatus, TestResult, TestStatus
from tests.helpers import assert_valid_junit

NASTY = "<img src=https://sample.invalid/x.png> ]]> ```code``` | pipe \x00\x1b[31m %0A ::error::x"


def nasty_result() -> GradeResult:
    """A result whose every text is what a hostile candidate would write."""
    test = TestResult(
        "test_x",
        "public",
        TestStatus.FAILED,
        0.0,
        1.0,
        "test " + NASTY,
        0.1,
        "checks " + NASTY,
        3,
        NASTY,
        NASTY,
    )
    passed = TestResult("test_y", "hidden", TestStatus.PASSED, 1.0, 1.0, rubric="r")
    challenge = ChallengeResult(
        "crud", NASTY, ChallengeStatus.FAILED, 1.0, 2.0, NASTY, (test, passed), 0.2, (NASTY,)
    )
    return GradeResult(NASTY, RunStatus.FAILED, 1.0, 2.0, "local", "rlimits", 0.3, (challenge,), (NASTY,))


def test_every_format_renders_the_example(sample):
    for fmt in FORMATS:
        text = render(fmt, sample)
        assert "raw-sql" in text and "one-to-many" in text, fmt


def test_junit_validates_against_the_published_schema(sample):
    document = render("junit", sample)
    assert_valid_junit(document)
    root = ET.fromstring(document)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == [c.id for c in sample.challenges]
    for challenge in sample.challenges:
        suite = suites[challenge.id]
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [t.name for t in challenge.tests]
        failed = [t for t in challenge.tests if t.status == "failed"]
        assert int(suite.get("failures")) == len(failed)
        for case, test in zip(cases, challenge.tests, strict=True):
            kind = {"failed": "failure", "skipped": "skipped"}.get(str(test.status), "error")
            problem = case.find(kind)
            if test.status == "passed":
                assert not list(case)
            else:
                assert problem is not None and (problem.get("message") or kind == "skipped"), test.name
    assert int(root.get("tests")) == sum(len(c.tests) for c in sample.challenges)


def test_junit_of_hostile_text_still_validates():
    document = render("junit", nasty_result())
    assert_valid_junit(document)
    assert "\x00" not in document and "\x1b" not in document


def test_html_is_self_contained_and_escapes_everything():
    page = render("html", nasty_result())
    assert "<img" not in page and "&lt;img src=https://sample.invalid" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert 'name="viewport"' in page
    for fetch in ("<link", "<script", "src=", "url(", "@import"):
        assert fetch not in page.replace("&lt;img src=", ""), fetch


def test_html_lists_every_test_with_status_and_a_bar_per_challenge(sample):
    page = render("html", sample)
    for challenge in sample.challenges:
        assert f'id="c-{challenge.id}"' in page
        for test in challenge.tests:
            assert f"<code>{test.name}</code>" in page
    assert page.count('class="bar"') == 2 * len(sample.challenges)  # summary table and section
    assert "AttributeError" in page and "expected 3, got 2" in page


def test_markdown_escapes_html_and_fences_messages():
    text = render("markdown", nasty_result())
    outside, fence = [], ""
    for line in text.splitlines():
        mark = line.strip()
        if mark.startswith("```"):
            fence = "" if fence and mark == fence else (fence or mark.removesuffix("text"))
        elif not fence:
            outside.append(line)
    assert "<img" not in "\n".join(outside) and "&lt;img" in text  # literal only inside code fences
    assert "````text" in text  # a fence longer than the backtick run inside
    assert "\x00" not in text and "\x1b" not in text
    assert len(render("markdown", nasty_result())) < 65_536


def test_markdown_stays_under_a_comment_limit():
    big = TestResult("t", "public", TestStatus.FAILED, 0, 1, "x" * 20_000, 0, "", None, "", "")
    many = tuple(dataclasses.replace(big, name=f"t{i}") for i in range(10))
    challenge = ChallengeResult("crud", "c", ChallengeStatus.FAILED, 0, 10, "m", many)
    result = GradeResult("s", RunStatus.FAILED, 0, 10, "local", "rlimits", 1, (challenge,) * 20)
    text = render("markdown", result)
    assert len(text) < 65_536 and "cut to fit" in text


def test_gradescope_results_follow_its_format(sample):
    data = json.loads(render("gradescope", sample))
    assert data["score"] == sample.score
    tests = data["tests"]
    assert len(tests) == sum(len(c.tests) for c in sample.challenges)
    assert sum(t["score"] for t in tests) == sample.score
    assert {t["status"] for t in tests} == {"passed", "failed"}
    assert {t["visibility"] for t in tests} == {
        "visible",
        "hidden",
    }  # reviewer: hidden tests instructors-only
    candidate = json.loads(render("gradescope", for_audience(sample, "candidate", [])))
    assert {t["visibility"] for t in candidate["tests"]} == {"visible"}


@pytest.mark.parametrize(
    ("reports", "formats", "outputs", "expected"),
    [
        ([], [], [], [("text", None)]),
        ([], ["json"], ["r.out"], [("json", Path("r.out"))]),
        ([], [], ["r.json"], [("json", Path("r.json"))]),
        (
            [],
            ["junit", "text", "html"],
            ["r.html", "j.xml"],
            [("html", Path("r.html")), ("junit", Path("j.xml")), ("text", None)],
        ),
        ([], ["json", "junit"], ["-", "j.xml"], [("junit", Path("j.xml")), ("json", None)]),
        ([], ["gradescope", "html"], ["r.json"], [("gradescope", Path("r.json")), ("html", None)]),
        (
            [],
            ["text", "junit"],
            ["a.text", "b.junit"],
            [("text", Path("a.text")), ("junit", Path("b.junit"))],
        ),
        (
            [("text", None), ("junit", Path("j.xml"))],
            ["html"],
            ["r.html"],
            [("text", None), ("junit", Path("j.xml")), ("html", Path("r.html"))],
        ),
    ],
    ids=[
        "default",
        "one-format-one-output",
        "format-from-extension",
        "several-by-extension",
        "dash-is-stdout",
        "gradescope-json",
        "format-name-as-extension",
        "report-options",
    ],
)
def test_each_output_goes_with_the_format_it_names(reports, formats, outputs, expected):
    assert pair_reports(reports, formats, [Path(o) for o in outputs]) == expected


@pytest.mark.parametrize(
    ("formats", "outputs", "message"),
    [
        (["json", "text"], [], "only one report can go to standard output"),
        ([], ["results.dat"], "cannot tell the format of results.dat"),
        (["json", "text"], ["a.json", "b.json"], "no --format left for b.json"),
        (["json", "html"], ["a.txt"], "no --format left for a.txt"),
    ],
    ids=["two-on-stdout", "unknown-extension", "two-outputs-one-format", "no-such-format"],
)
def test_ambiguous_report_targets_are_usage_errors(formats, outputs, message):
    with pytest.raises(UsageError, match=message):
        pair_reports([], formats, [Path(o) for o in outputs])


@pytest.mark.slow
def test_report_option_is_parsed_by_click(runner, tmp_path, make_submission):
    from grader.cli import cli
    from tests.helpers import MODEL_BASICS_OK

    sub = make_submission({"model-basics": MODEL_BASICS_OK})
    out = tmp_path / "r.xml"
    result = runner.invoke(
        cli,
        [
            "grade",
            str(sub),
            "-c",
            "model-basics",
            "--backend",
            "local",
            "--report",
            f"junit={out}",
            "--report",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["score"] == 9 and out.read_text().startswith("<?xml")
    bad = runner.invoke(cli, ["grade", str(sub), "--report", "yaml=x"])
    assert bad.exit_code == 2 and "'yaml' is not a format" in bad.output


@pytest.mark.slow
def test_grade_writes_several_formats_in_one_grading(runner, tmp_path, make_submission):
    from grader.cli import cli
    from tests.helpers import MODEL_BASICS_OK

    sub = make_submission({"model-basics": MODEL_BASICS_OK})
    args = ["grade", str(sub), "-c", "model-basics", "--format", "junit", "-o", str(tmp_path / "r" / "j.xml")]
    args += ["--format", "text", "--format", "html", "--output", str(tmp_path / "r.html")]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Score 9/9" in result.stdout and "<testsuites" not in result.stdout
    assert_valid_junit((tmp_path / "r" / "j.xml").read_text())
    assert (tmp_path / "r.html").read_text().startswith("<!doctype html>")
    assert "wrote " in result.stderr and "j.xml" in result.stderr
