"""The result model: a small frozen tree with one ``as_json()``, schema version 1.

Report writers read this model; none of them lives here. The JSON shape is
documented in the README ("Results") and checked by ``tests/test_results.py``.
``from_json`` reads it back (``grader batch --resume`` reuses saved results).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, TypeVar

from sandbox.wire import VISIBILITIES, TestStatus, Visibility

SCHEMA_VERSION = 1
__all__ = [
    "SCHEMA_VERSION",
    "VISIBILITIES",
    "ChallengeResult",
    "ChallengeStatus",
    "GradeResult",
    "Outcome",
    "RunStatus",
    "TestResult",
    "TestStatus",
    "TextSource",
    "Visibility",
]


class TextSource(StrEnum):
    """Where a message's text came from: the grader's own words, or text produced while a
    phase ran (which may be the candidate's, or quote a test of that phase)."""

    GRADER = "grader"
    PUBLIC = "public"
    HIDDEN = "hidden"


class ChallengeStatus(StrEnum):
    """The outcome of one challenge: ``passed`` iff every one of its tests passed."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    MISSING = "missing"


class RunStatus(StrEnum):
    """The verdict on a whole grading."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"


class Outcome(StrEnum):
    """What happened to a submission: graded, or why it has no verdict."""

    GRADED = "graded"  # a verdict on the candidate (whatever its status)
    UNREADABLE = "unreadable"  # the submission could not be read (``error`` says why)
    FAILED = "failed"  # grading itself failed: the sandbox could not run; try again


@dataclass(frozen=True)
class TestResult:
    """One test function's verdict (parametrized cases folded into one)."""

    __test__ = False

    name: str
    visibility: str
    status: TestStatus
    score: float
    max_score: float
    message: str = ""
    duration: float = 0.0
    rubric: str = ""
    line: int | None = None  # where in the candidate's solution.py it failed, when known
    details: str = ""  # the short traceback (shows test code: reviewers only)
    output: str = ""  # what the candidate's code printed during the test
    ran: bool = True  # it gave a verdict of its own (else ``message`` says why it did not run)
    message_from: TextSource = TextSource.GRADER

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "visibility": self.visibility,
            "status": str(self.status),
            "score": self.score,
            "max_score": self.max_score,
            "message": self.message,
            "duration": round(self.duration, 4),
            "rubric": self.rubric,
            "line": self.line,
            "details": self.details,
            "output": self.output,
            "ran": self.ran,
            "message_from": str(self.message_from),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TestResult:
        """The test read back from ``as_json()``; ``ValueError`` when anything is malformed."""
        line = data.get("line")
        if line is not None and (not isinstance(line, int) or isinstance(line, bool)):
            raise ValueError("test line must be an integer or null")
        return _build(
            cls,
            data,
            status=TestStatus(_text(data, "status")),
            line=line,
            message_from=TextSource(_text(data, "message_from") or "grader"),
        )


@dataclass(frozen=True)
class ChallengeResult:
    """One challenge's verdict."""

    id: str
    title: str
    status: ChallengeStatus
    score: float
    max_score: float
    message: str = ""
    tests: tuple[TestResult, ...] = ()
    duration: float = 0.0
    notes: tuple[str, ...] = ()
    weight: float = 1.0  # the assessment's weight, already applied to the scores
    # What the host's static scan of solution.py found that only tampering needs (reviewers
    # only; a flag never changes the score by itself): "line 3: gc.get_objects (...)".
    flags: tuple[str, ...] = ()
    message_from: TextSource = TextSource.GRADER

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": str(self.status),
            "score": self.score,
            "max_score": self.max_score,
            "message": self.message,
            "message_from": str(self.message_from),
            "duration": round(self.duration, 3),
            "notes": list(self.notes),
            "weight": self.weight,
            "flags": list(self.flags),
            "tests": [t.as_json() for t in self.tests],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ChallengeResult:
        """The challenge read back from ``as_json()``; ``ValueError`` when anything is malformed."""
        return _build(
            cls,
            data,
            status=ChallengeStatus(_text(data, "status")),
            tests=tuple(TestResult.from_json(t) for t in _objects(data, "tests")),
            message_from=TextSource(_text(data, "message_from") or "grader"),
        )


@dataclass(frozen=True)
class GradeResult:
    """A whole grading of one submission."""

    submission: str
    status: RunStatus
    score: float
    max_score: float
    backend: str
    isolation: str
    duration: float
    challenges: tuple[ChallengeResult, ...]
    notes: tuple[str, ...] = field(default=())
    grader_version: str = ""
    started_at: str = ""
    sandbox: dict[str, Any] = field(default_factory=dict)  # backend facts: image, image_id, runtime
    assessment: dict[str, Any] = field(default_factory=dict)  # name, title, time_limit, weights
    audience: str = "reviewer"  # who the result was written for: see grader.audience
    error: str = ""  # why the submission could not be graded at all (batch rows only)
    outcome: Outcome = Outcome.GRADED

    @property
    def percent(self) -> float:
        """The score as a percentage of the maximum (0 when nothing could be scored)."""
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @property
    def flags(self) -> tuple[str, ...]:
        """Every challenge's flags, each as ``"<challenge id>: <flag>"``."""
        return tuple(f"{c.id}: {flag}" for c in self.challenges for flag in c.flags)

    def as_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "percent": round(self.percent, 2),
            "status": str(self.status),
            "backend": self.backend,
            "isolation": self.isolation,
            "sandbox": dict(self.sandbox),
            "assessment": dict(self.assessment),
            "duration": round(self.duration, 3),
            "grader_version": self.grader_version,
            "started_at": self.started_at,
            "audience": self.audience,
            "outcome": str(self.outcome),
            "error": self.error,
            "notes": list(self.notes),
            "flags": list(self.flags),
            "challenges": [c.as_json() for c in self.challenges],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GradeResult:
        """The grading read back from ``as_json()``; ``ValueError`` when anything is malformed
        or the schema version is not this one."""
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"schema_version is not {SCHEMA_VERSION}")
        return _build(
            cls,
            data,
            status=RunStatus(_text(data, "status")),
            challenges=tuple(ChallengeResult.from_json(c) for c in _objects(data, "challenges")),
            audience=_text(data, "audience") or "reviewer",
            outcome=Outcome(_text(data, "outcome") or "graded"),
        )


_T = TypeVar("_T")


def _build(cls: type[_T], data: Mapping[str, Any], **given: Any) -> _T:
    """``cls`` from ``data``: the fields in ``given`` as they are, the others read by their type."""
    readers = {
        "str": _text,
        "float": _number,
        "bool": _flag,
        "tuple[str, ...]": _texts,
        "dict[str, Any]": _mapping,
    }
    values = dict(given)
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name not in values:
            values[f.name] = readers[str(f.type)](data, f.name)
    return cls(**values)


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value


def _flag(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, True)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false")
    return value


def _number(data: Mapping[str, Any], key: str) -> float:
    value = data.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"{key} must be a number")
    number = float(value) if abs(value) < 1e300 else math.inf  # float() of a huge int overflows
    if not math.isfinite(number):  # JSON readers accept NaN and Infinity; no score is either
        raise ValueError(f"{key} must be a finite number")
    return number


def _texts(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key} must be a list of strings")
    return tuple(value)


def _mapping(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ValueError(f"{key} must be an object")
    return dict(value)


def _objects(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError(f"{key} must be a list of objects")
    return value
