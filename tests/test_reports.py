"""Report formats over one real grading of the example submission: every format, well formed."""

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

NASTY = "<img src=https://example.invalid/x.png> ]]> ```code``` | pipe \x00\x1b[31m %0A ::error::x"


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


def test_every_format_renders_the_example(example):
    for fmt in FORMATS:
        text = render(fmt, example)
        assert "raw-sql" in text and "one-to-many" in text, fmt


def test_junit_validates_against_the_published_schema(example):
    document = render("junit", example)
    assert_valid_junit(document)
    root = ET.fromstring(document)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == [c.id for c in example.challenges]
    for challenge in example.challenges:
        suite = suites[challenge.id]
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [t.name for t in challenge.tests]
        failed = [t for t in challenge.tests if t.status == "failed"]
        assert int(suite.get("failures")) == len(failed)
        for case, test in zip(cases, challenge.tests, strict=True):
            problem = case.find("failure") if test.status == "failed" else case.find("error")
            if test.status == "passed":
                assert not list(case)
            else:
                assert problem is not None and problem.get("message"), test.name
    assert int(root.get("tests")) == sum(len(c.tests) for c in example.challenges)


def test_junit_of_hostile_text_still_validates():
    document = render("junit", nasty_result())
    assert_valid_junit(document)
    assert "\x00" not in document and "\x1b" not in document


def test_html_is_self_contained_and_escapes_everything():
    page = render("html", nasty_result())
    assert "<img" not in page and "&lt;img src=https://example.invalid" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert 'name="viewport"' in page
    for fetch in ("<link", "<script", "src=", "url(", "@import"):
        assert fetch not in page.replace("&lt;img src=", ""), fetch


def test_html_lists_every_test_with_status_and_a_bar_per_challenge(example):
    page = render("html", example)
    for challenge in example.challenges:
        assert f'id="c-{challenge.id}"' in page
        for test in challenge.tests:
            assert f"<code>{test.name}</code>" in page
    assert page.count('class="bar"') == 2 * len(example.challenges)  # summary table and section
    assert "AttributeError" in page and "the domain appears inside the SQL string" in page


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


def test_gradescope_results_follow_its_format(example):
    data = json.loads(render("gradescope", example))
    assert data["score"] == example.score
    tests = data["tests"]
    assert len(tests) == sum(len(c.tests) for c in example.challenges)
    assert sum(t["score"] for t in tests) == example.score
    assert {t["status"] for t in tests} == {"passed", "failed"}
    assert {t["visibility"] for t in tests} == {
        "visible",
        "hidden",
    }  # reviewer: hidden tests instructors-only
    candidate = json.loads(render("gradescope", for_audience(example, "candidate", [])))
    assert {t["visibility"] for t in candidate["tests"]} == {"visible"}


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        ([], [("text", None)]),
        ([("output", "r.json"), ("format", "json")], [("json", Path("r.json"))]),
        (
            [
                ("format", "junit"),
                ("output", "j.xml"),
                ("format", "text"),
                ("format", "html"),
                ("output", "r.html"),
            ],
            [("junit", Path("j.xml")), ("text", None), ("html", Path("r.html"))],
        ),
        (
            [("format", "json"), ("output", "-"), ("format", "junit"), ("output", "j.xml")],
            [("json", None), ("junit", Path("j.xml"))],
        ),
    ],
    ids=["default", "one-format-output-first", "each-output-after-its-format", "dash-is-stdout"],
)
def test_each_output_belongs_to_the_format_before_it(tokens, expected):
    formats = [v for k, v in tokens if k == "format"]
    outputs = [Path(v) for k, v in tokens if k == "output"]
    assert pair_reports(tokens, formats, outputs) == expected


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        ([("format", "json"), ("format", "text")], "only one format can go to standard output"),
        ([("output", "a"), ("format", "json"), ("format", "text")], "must follow the --format"),
        ([("format", "json"), ("output", "a"), ("output", "b"), ("format", "text")], "two --output"),
        ([("format", "json"), ("output", "a"), ("output", "b")], "one --output per --format"),
    ],
    ids=["two-on-stdout", "output-first", "two-outputs", "two-outputs-one-format"],
)
def test_ambiguous_report_targets_are_usage_errors(tokens, message):
    formats = [v for k, v in tokens if k == "format"]
    outputs = [Path(v) for k, v in tokens if k == "output"]
    with pytest.raises(UsageError, match=message):
        pair_reports(tokens, formats, outputs)


def test_the_order_of_formats_and_outputs_is_read_from_the_command_line():
    from grader.outputs import report_tokens

    args = ["sub", "--format=junit", "-oj.xml", "-c", "crud", "--format", "text", "--output", "-", "--", "-o"]
    assert report_tokens(args) == [
        ("format", "junit"),
        ("output", "j.xml"),
        ("format", "text"),
        ("output", "-"),
    ]


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
