"""Small pieces every report writer shares: clean input, points, first lines, what to say of a test."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from grader.results import ChallengeResult, GradeResult, TestResult
from grader.sanitize import cleaned, one_line

_In = TypeVar("_In")
_P = ParamSpec("_P")

# Characters XML 1.0 cannot hold at all; candidate output may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FLAGS_NOTE = "the static scan's findings, for reviewers: a flag never changes a score by itself"
CANDIDATE_NOTE = (
    "Candidate view: hidden tests show their rubric line and status only; "
    'the statement\'s "What is checked" list is the full specification.'
)


def from_clean_text(render: Callable[Concatenate[_In, _P], str]) -> Callable[Concatenate[_In, _P], str]:
    """``render`` fed its first argument (a result, a cohort) with every text in it cleaned
    (``grader.sanitize.clean``): whatever a submission wrote, the report can be written."""

    @functools.wraps(render)
    def render_clean(value: _In, /, *args: _P.args, **kwargs: _P.kwargs) -> str:
        return render(cleaned(value), *args, **kwargs)

    return render_clean


def points(score: float, max_score: float) -> str:
    """``3/5`` (no trailing ``.0``)."""
    return f"{score:g}/{max_score:g}"


def percent(score: float, max_score: float) -> float:
    """``score`` as a percentage of ``max_score`` (0 when nothing can be scored)."""
    return 100.0 * score / max_score if max_score else 0.0


def first_line(text: str, limit: int = 160) -> str:
    """The first non-blank line of ``text``, cut to ``limit`` characters."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def xml_safe(text: str) -> str:
    """``text`` without the control characters XML (and so HTML) cannot carry."""
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", text)


def verdict(test: TestResult) -> str:
    """One line saying why ``test`` did not pass: its message, else what it checks."""
    if test.message.strip():
        return first_line(test.message, 300)
    if test.rubric:
        return f"{test.status}: {test.rubric}"
    return f"the test {test.status}"


def shown_failures(challenge: ChallengeResult) -> list[TestResult]:
    """The tests worth listing under a challenge: not passed, and with a verdict of their own.

    Tests that never ran all say what the challenge's message says once.
    """
    return [
        t
        for t in challenge.tests
        if t.status != "passed" and t.ran and (t.message != challenge.message or not t.message)
    ]


def flags_of(challenge: ChallengeResult, audience: str) -> tuple[str, ...]:
    """The challenge's static-scan flags when ``audience`` may see them (reviewers), else none;
    each on one line of at most 300 characters (a flag may quote the submission's own text)."""
    return () if audience == "candidate" else tuple(one_line(f) for f in challenge.flags)


def status_counts(result: GradeResult) -> dict[str, int]:
    """How many challenges ended with each status."""
    counts: dict[str, int] = {}
    for c in result.challenges:
        counts[str(c.status)] = counts.get(str(c.status), 0) + 1
    return counts
