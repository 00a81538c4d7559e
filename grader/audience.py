"""Who a report is for, and what a candidate may see of a grading.

A **reviewer** (the hiring team; the default) sees everything. A **candidate**
(the default when ``CI`` is set, since CI logs are the candidate's to read)
sees public tests in full and, of each hidden test, only its rubric line, its
status and its points: never its name when it has a rubric line (names tell
how a check works), its message, its traceback, the line of ``solution.py``
it failed on, what the candidate's code printed while it ran, or how long it
took (code in a hidden phase chooses that: a sleep per test carried a byte of
what it read there). A challenge's time is its shown tests' time, and the
grading's is in whole seconds, as a CI log shows it anyway.

Nothing produced while a hidden phase ran reaches a candidate: every message
says where its text came from (``TextSource``), and text from a hidden phase
(an import error raised only there, a load error, a hidden test's own words) is
replaced by a fixed phrase, whatever its encoding. Static-scan flags are for
reviewers only.

Hidden test code could also leak through text the candidate controls: a
public test's message or printed output. The sandbox already keeps hidden
tests out of every process that runs public tests (they run first, before any
hidden file exists, with no hidden bytes left in memory). As defence in depth,
every text a candidate sees is also checked against the hidden tests' source
lines and names (compared on letters and digits only, so re-quoting or
re-indenting does not hide them) and withheld when it quotes one.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from grader.challenges import Challenge
from grader.results import ChallengeResult, ChallengeStatus, GradeResult, TestResult, TextSource

Audience = Literal["reviewer", "candidate"]
AUDIENCES: tuple[Audience, ...] = ("reviewer", "candidate")
WITHHELD = "[withheld: this text quotes a hidden test]"
HIDDEN_NOT_RUN = "not run: the hidden tests could not run (the challenge's status says why)"
# A hidden source line shorter than this (letters and digits) is too common to count as a quote.
MIN_SECRET = 16


def default_audience(environ: Mapping[str, str] = os.environ) -> Audience:
    """``candidate`` when ``CI`` is set to anything but an empty or false value, else ``reviewer``."""
    ci = environ.get("CI", "").strip().lower()
    return "reviewer" if ci in ("", "0", "false", "no") else "candidate"


def for_audience(result: GradeResult, audience: Audience, challenges: Iterable[Challenge]) -> GradeResult:
    """``result`` as ``audience`` may see it (``challenges`` are those graded, for their hidden tests)."""
    if audience == "reviewer" or result.audience == "candidate":
        return result
    by_id = {c.id: c for c in challenges}
    views = [_candidate_challenge(c, _secrets(by_id.get(c.id))) for c in result.challenges]
    everything = _Secrets.union(_secrets(c) for c in by_id.values())
    return dataclasses.replace(
        result,
        challenges=tuple(views),
        notes=tuple(everything.scrub(n) for n in result.notes),
        error=everything.scrub(result.error),
        duration=float(round(result.duration)),
        audience="candidate",
    )


def _flatten(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


@dataclass(frozen=True)
class _Secrets:
    """What of a challenge's hidden tests must never reach a candidate, ready to search for."""

    fragments: frozenset[str] = frozenset()
    hidden_files: frozenset[str] = frozenset()

    @classmethod
    def of(cls, challenge: Challenge | None) -> _Secrets:
        if challenge is None:
            return cls()
        public_paths = [*challenge.test_files("public"), challenge.statement_path, challenge.starter_path]
        public_paths += [challenge.helpers_path] if challenge.helpers_path else []
        public = {_flatten(line) for p in public_paths for line in _lines(p)}
        public |= {_flatten(t.rubric) for t in challenge.tests}
        hidden_paths = challenge.test_files("hidden")
        found = {_flatten(line) for p in hidden_paths for line in _lines(p)}
        found |= {_flatten(t.name) for t in challenge.tests_of(["hidden"]) if t.rubric}
        return cls(
            frozenset(f for f in found - public if len(f) >= MIN_SECRET),
            frozenset(p.name for p in hidden_paths),
        )

    @classmethod
    def union(cls, many: Iterable[_Secrets]) -> _Secrets:
        fragments: set[str] = set()
        files: set[str] = set()
        for s in many:
            fragments |= s.fragments
            files |= s.hidden_files
        return cls(frozenset(fragments), frozenset(files))

    def quoted_in(self, text: str) -> bool:
        flat = _flatten(text)
        return any(f in flat for f in self.fragments)

    def scrub(self, text: str) -> str:
        """``text``, or ``WITHHELD`` when it quotes a hidden test."""
        return WITHHELD if text and self.quoted_in(text) else text


@functools.lru_cache(maxsize=64)
def _secrets(challenge: Challenge | None) -> _Secrets:
    # A batch grades the same challenges many times: read their test files once.
    return _Secrets.of(challenge)


def _lines(path: os.PathLike[str]) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return []


def _candidate_challenge(challenge: ChallengeResult, secrets: _Secrets) -> ChallengeResult:
    hidden_messages = [
        t.message.strip().splitlines()[0]
        for t in challenge.tests
        if t.visibility == "hidden" and t.message.strip() and t.ran
    ]
    message = secrets.scrub(challenge.message)
    if (
        challenge.message_from is TextSource.HIDDEN
        or any(m in message for m in hidden_messages)
        or any(f"({f})" in message for f in secrets.hidden_files)
    ):
        message = _plain_message(challenge)
    tests: list[TestResult] = []
    hidden_count = 0
    for test in challenge.tests:
        if test.visibility == "hidden":
            hidden_count += 1
            tests.append(_candidate_hidden(test, hidden_count, secrets))
        else:
            tests.append(
                dataclasses.replace(
                    test,
                    message=secrets.scrub(test.message),
                    details=secrets.scrub(test.details),
                    output=secrets.scrub(test.output),
                )
            )
    return dataclasses.replace(
        challenge,
        message=message,
        message_from=TextSource.GRADER if message != challenge.message else challenge.message_from,
        tests=tuple(tests),
        # The time of the tests shown: the hidden phase's time is code's to choose (a sleep).
        duration=sum(t.duration for t in tests),
        notes=tuple(secrets.scrub(n) for n in challenge.notes),
        flags=(),
    )


def _plain_message(challenge: ChallengeResult) -> str:
    """A challenge message that says what happened without quoting any test."""
    failed = sum(1 for t in challenge.tests if t.status != "passed")
    if challenge.status is ChallengeStatus.ERROR:
        return f"the tests could not run as written ({failed} of {len(challenge.tests)} did not pass)"
    return f"{failed} of {len(challenge.tests)} tests did not pass"


def _candidate_hidden(test: TestResult, number: int, secrets: _Secrets) -> TestResult:
    """A hidden test as a candidate sees it: rubric line, status and points.

    A test that never ran keeps the grader's own words for why (they say what the
    challenge line says), unless they carry text from the hidden phase; every other
    message is the test's and is dropped.
    """
    message = ""
    if not test.ran:
        message = HIDDEN_NOT_RUN if test.message_from is TextSource.HIDDEN else secrets.scrub(test.message)
    return TestResult(
        name=f"hidden-{number}" if test.rubric else test.name,
        visibility=test.visibility,
        status=test.status,
        score=test.score,
        max_score=test.max_score,
        message=message,
        rubric=test.rubric,
        ran=test.ran,
    )
