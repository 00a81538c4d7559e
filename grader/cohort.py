"""A batch's results as one cohort: its rows, their ranking, and pass rates across it.

Pass rates answer the question an assessment's authors ask after a hiring
round: which checks do most candidates miss? They count only submissions that
were graded (not the unreadable ones, nor those whose grading itself failed),
and, per challenge and per test, only candidates who attempted the challenge
(handed in its folder).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from grader.results import SCHEMA_VERSION, ChallengeResult, ChallengeStatus, GradeResult, RunStatus

MOST_MISSED = 10


@dataclass(frozen=True)
class Row:
    """One submission of a batch: its unique name (a file stem), where it came from, its result."""

    name: str
    path: str
    result: GradeResult
    reused: bool = False  # read back from an earlier run (--resume), not graded now
    saved: bool = True  # its JSON is in the batch folder (not so when grading itself failed)

    @property
    def graded(self) -> bool:
        """Whether the result is a verdict on the candidate (not an unreadable or failed grading)."""
        return self.result.status is not RunStatus.ERROR

    @property
    def report(self) -> str:
        """The row's HTML report, relative to the batch folder."""
        return f"submissions/{self.name}.html"

    @property
    def reason(self) -> str:
        """Why the row has no verdict, in one line (empty when graded)."""
        if self.graded:
            return ""
        if self.result.error:
            return self.result.error
        failed = [c for c in self.result.challenges if c.status is ChallengeStatus.ERROR]
        return f"grading failed: {failed[0].message}" if failed else "grading failed"

    @property
    def remark(self) -> str:
        """What a leaderboard's reason column says: why the row has no verdict, or, for a graded
        row, why any of its challenges could not run (a syntax error, an endless loop)."""
        if not self.graded:
            return self.reason
        stuck = (ChallengeStatus.ERROR, ChallengeStatus.TIMEOUT)
        return "; ".join(f"{c.id}: {c.message}" for c in self.result.challenges if c.status in stuck)


@dataclass(frozen=True)
class ChallengeInfo:
    """A challenge as a batch column: id, title, points."""

    id: str
    title: str
    max_score: float


@dataclass(frozen=True)
class Cohort:
    """Every row of a batch and the challenges it graded."""

    rows: tuple[Row, ...]
    challenges: tuple[ChallengeInfo, ...]
    audience: str = "reviewer"
    # What each submission is too alike to (grader.similarity); None when not compared (candidate view).
    similar_to: Mapping[str, tuple[str, ...]] | None = None

    def ranked(self) -> list[Row]:
        """Graded rows by score (best first, then by name), then the rows without a verdict."""
        graded = sorted((r for r in self.rows if r.graded), key=lambda r: (-r.result.percent, r.name))
        return graded + sorted((r for r in self.rows if not r.graded), key=lambda r: r.name)

    def challenge_of(self, row: Row, challenge_id: str) -> ChallengeResult | None:
        for c in row.result.challenges:
            if c.id == challenge_id:
                return c
        return None

    def stats(self) -> dict[str, Any]:
        """Per-challenge and per-test pass rates across the graded rows (``cohort.json``)."""
        graded = [r for r in self.rows if r.graded]
        challenges = [self._challenge_stats(info, graded) for info in self.challenges]
        hidden = [
            {"challenge": c["id"], **t}
            for c in challenges
            for t in c["tests"]
            if t["visibility"] == "hidden" and t["pass_rate"] is not None
        ]
        hidden.sort(key=lambda t: (t["pass_rate"], t["challenge"], t["name"]))
        return {
            "schema_version": SCHEMA_VERSION,
            "audience": self.audience,
            "submissions": len(self.rows),
            "graded": len(graded),
            "errors": len(self.rows) - len(graded),
            "mean_percent": _mean([r.result.percent for r in graded]),
            **({"flagged": sum(1 for r in graded if r.result.flags)} if self.audience != "candidate" else {}),
            "challenges": challenges,
            "most_missed_hidden": hidden[:MOST_MISSED],
        }

    def _challenge_stats(self, info: ChallengeInfo, graded: Sequence[Row]) -> dict[str, Any]:
        results = [c for r in graded if (c := self.challenge_of(r, info.id)) is not None]
        attempted = [c for c in results if c.status is not ChallengeStatus.MISSING]
        tests: dict[tuple[str, str], dict[str, Any]] = {}
        for c in attempted:
            for t in c.tests:
                entry = tests.setdefault(
                    (t.visibility, t.name),
                    {
                        "name": t.name,
                        "visibility": t.visibility,
                        "rubric": t.rubric,
                        "passed": 0,
                        "attempted": 0,
                    },
                )
                entry["attempted"] += 1
                entry["passed"] += t.status == "passed"
        for entry in tests.values():
            entry["pass_rate"] = _rate(entry["passed"], entry["attempted"])
        passed = sum(1 for c in attempted if c.status is ChallengeStatus.PASSED)
        return {
            "id": info.id,
            "title": info.title,
            "max_score": info.max_score,
            "attempted": len(attempted),
            "passed": passed,
            "pass_rate": _rate(passed, len(attempted)),
            **({"flagged": sum(1 for c in attempted if c.flags)} if self.audience != "candidate" else {}),
            "mean_percent": _mean([100.0 * c.score / c.max_score for c in attempted if c.max_score]),
            "tests": list(tests.values()),
        }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None
