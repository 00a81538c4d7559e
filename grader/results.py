"""The result model: a small frozen tree with one ``as_json()``, schema version 1.

Report writers read this model; none of them lives here. The JSON shape is
documented in the README ("Results") and checked by ``tests/test_results.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SCHEMA_VERSION = 1


class TestStatus(StrEnum):
    """The outcome of one test."""

    __test__ = False

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"


class ChallengeStatus(StrEnum):
    """The outcome of one challenge: ``passed`` iff every one of its tests passed."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    MISSING = "missing"


class RunStatus(StrEnum):
    """The outcome of a whole grading."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"


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
        }


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

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": str(self.status),
            "score": self.score,
            "max_score": self.max_score,
            "message": self.message,
            "duration": round(self.duration, 3),
            "notes": list(self.notes),
            "weight": self.weight,
            "tests": [t.as_json() for t in self.tests],
        }


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

    @property
    def percent(self) -> float:
        """The score as a percentage of the maximum (0 when nothing could be scored)."""
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

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
            "notes": list(self.notes),
            "challenges": [c.as_json() for c in self.challenges],
        }
