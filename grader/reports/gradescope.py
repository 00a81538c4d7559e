"""Gradescope's autograder ``results.json``, for teams who grade there.

One Gradescope test per test, named ``<challenge>: <test>`` and numbered
``<challenge>.<test>``, with its score, ``passed``/``failed`` status and output
text. Public tests are ``visible``. Hidden tests are ``hidden`` (instructors
only) in the reviewer view, which carries their messages; in the candidate
view they carry only their rubric line and status and are ``visible``.
"""

from __future__ import annotations

import json
from typing import Any

from grader.reports.common import CANDIDATE_NOTE, FLAGS_NOTE, flags_of, from_clean_text, points
from grader.results import ChallengeResult, GradeResult, TestResult


def _output(challenge: ChallengeResult, test: TestResult) -> str:
    parts = []
    if test.rubric:
        parts.append(f"Checks: {test.rubric}")
    if test.status != "passed":
        parts.append(f"Status: {test.status}")
    if test.message.strip():
        parts.append(test.message.rstrip())
    if test.line is not None:
        parts.append(f"At {challenge.id}/solution.py, line {test.line}")
    if test.output.strip():
        parts.append("Your code printed:\n" + test.output.rstrip())
    return "\n\n".join(parts)


def _visibility(test: TestResult, audience: str) -> str:
    return "hidden" if test.visibility == "hidden" and audience != "candidate" else "visible"


@from_clean_text
def render_gradescope(result: GradeResult) -> str:
    """The grading as Gradescope's ``results.json``."""
    tests: list[dict[str, Any]] = []
    for ci, challenge in enumerate(result.challenges, start=1):
        for ti, test in enumerate(challenge.tests, start=1):
            tests.append(
                {
                    "name": f"{challenge.id}: {test.name}",
                    "number": f"{ci}.{ti}",
                    "score": test.score,
                    "max_score": test.max_score,
                    "status": "passed" if test.status == "passed" else "failed",
                    "output": _output(challenge, test),
                    "output_format": "text",
                    "tags": [challenge.id, test.visibility],
                    "visibility": _visibility(test, result.audience),
                }
            )
    flags = [f"{c.id}: {f}" for c in result.challenges for f in flags_of(c, result.audience)]
    if flags:  # a test of no points that only instructors see: students never read the flags
        tests.append(
            {
                "name": "static scan: flags",
                "number": "0",
                "score": 0.0,
                "max_score": 0.0,
                "status": "failed",
                "output": "\n".join([f"Flags: {FLAGS_NOTE}.", "", *flags]),
                "output_format": "text",
                "tags": ["flags"],
                "visibility": "hidden",
            }
        )
    lines = [
        f"{c.id}: {c.status} {points(c.score, c.max_score)}" + (f" ({c.message})" if c.message else "")
        for c in result.challenges
    ]
    if result.error:
        lines.insert(0, f"Could not be graded: {result.error}")
    if result.audience == "candidate":
        lines.append(CANDIDATE_NOTE)
    lines.extend(f"Note: {n}" for n in result.notes)
    data = {
        "score": result.score,
        "execution_time": round(result.duration),
        "output": "\n".join(lines),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "stdout_visibility": "hidden",
        "extra_data": {
            "grader_version": result.grader_version,
            "backend": result.backend,
            "percent": round(result.percent, 2),
            "status": str(result.status),
            "audience": result.audience,
            "flags": flags,
        },
        "tests": tests,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
