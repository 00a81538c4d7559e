"""JUnit XML, the test-report format CI systems read (Jenkins, GitLab, GitHub test reporters).

One ``<testsuite>`` per challenge, one ``<testcase>`` per test; a failed test
carries ``<failure>``, a test that errored or ran out of time ``<error>``, a
skipped one ``<skipped>``, each with a one-line ``message`` and the full text
inside. The output validates against the widely used ``junit-10.xsd`` (the
schema Jenkins' xUnit plugin publishes; the tests check it).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from grader.reports.common import flags_of, from_clean_text, points, verdict, xml_safe
from grader.results import ChallengeResult, GradeResult, TestResult

_ELEMENT = {"failed": "failure", "error": "error", "timeout": "error", "skipped": "skipped"}


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def _testcase(suite_name: str, test: TestResult, shown_file: str) -> ET.Element:
    case = ET.Element(
        "testcase",
        name=xml_safe(test.name),
        classname=xml_safe(f"{suite_name}.{test.visibility}"),
        time=_seconds(test.duration),
    )
    kind = _ELEMENT.get(str(test.status))
    if kind is not None:
        body = [test.message.strip() or verdict(test)]
        if test.rubric:
            body.append(f"checks: {test.rubric}")
        if test.line is not None:
            body.append(f"at {shown_file}, line {test.line}")
        if test.details.strip():
            body.extend(["", test.details.rstrip()])
        element = ET.SubElement(case, kind, message=xml_safe(verdict(test)), type=str(test.status))
        element.text = xml_safe("\n".join(body))
    if test.output.strip():
        ET.SubElement(case, "system-out").text = xml_safe(test.output)
    return case


def testsuite(
    challenge: ChallengeResult, name: str, timestamp: str = "", audience: str = "reviewer"
) -> ET.Element:
    """One challenge as a ``<testsuite>`` called ``name``; for reviewers, a ``flag`` property per
    static-scan flag."""
    tests = challenge.tests
    suite = ET.Element(
        "testsuite",
        name=xml_safe(name),
        tests=str(len(tests)),
        failures=str(sum(1 for t in tests if t.status == "failed")),
        errors=str(sum(1 for t in tests if t.status in ("error", "timeout"))),
        skipped=str(sum(1 for t in tests if t.status == "skipped")),
        time=_seconds(challenge.duration),
    )
    if timestamp:
        suite.set("timestamp", timestamp)
    props = ET.SubElement(suite, "properties")
    for key, value in (
        ("title", challenge.title),
        ("status", str(challenge.status)),
        ("score", points(challenge.score, challenge.max_score)),
        ("message", challenge.message),
    ):
        ET.SubElement(props, "property", name=key, value=xml_safe(value))
    for flag in flags_of(challenge, audience):
        ET.SubElement(props, "property", name="flag", value=xml_safe(flag))
    for test in tests:
        suite.append(_testcase(name, test, f"{challenge.id}/solution.py"))
    if not tests and challenge.message:
        ET.SubElement(suite, "system-err").text = xml_safe(challenge.message)
    return suite


def testsuites(suites: Iterable[ET.Element], name: str, duration: float) -> str:
    """The ``<testsuites>`` document around ``suites``, with totals, as text."""
    root = ET.Element("testsuites", name=xml_safe(name), time=_seconds(duration))
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in suites:
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


@from_clean_text
def render_junit(result: GradeResult) -> str:
    """The grading as a JUnit XML document: a test suite per challenge."""
    stamp = result.started_at.removesuffix("+00:00")
    suites = [testsuite(c, c.id, stamp, result.audience) for c in result.challenges]
    return testsuites(suites, f"grader: {result.submission}", result.duration)
