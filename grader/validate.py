"""``grader validate``: prove each challenge's tests tell right answers from wrong ones.

For every challenge, the reference and every known-good variant must score
full marks, and the starter and every known-bad solution must not. A challenge
with fewer than two good variants or three bad solutions breaks the format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from grader.challenges import Challenge
from grader.grading import challenge_run
from grader.results import ChallengeResult, ChallengeStatus
from grader.sanitize import counted
from grader.scoring import score_outcome
from sandbox.backend import Backend, ChallengeRun

Kind = Literal["reference", "good", "starter", "bad"]
MIN_GOOD = 2
MIN_BAD = 3


@dataclass(frozen=True)
class Check:
    """One solution graded during validation, and whether it came out as it should."""

    challenge: str
    kind: Kind
    file: str
    result: ChallengeResult | None
    ok: bool
    problem: str = ""

    @property
    def expected(self) -> str:
        return "full marks" if self.kind in ("reference", "good") else "not full marks"


def _solutions(challenge: Challenge) -> list[tuple[Kind, Path]]:
    found: list[tuple[Kind, Path]] = [("reference", challenge.reference_path)]
    found += [("good", p) for p in challenge.good_solutions()]
    found += [("starter", challenge.starter_path)]
    found += [("bad", p) for p in challenge.bad_solutions()]
    return found


def validate(
    challenges: Sequence[Challenge],
    backend: Backend,
    progress: Callable[[Check], None] | None = None,
) -> list[Check]:
    """Grade every known solution of every challenge; one ``Check`` per solution, plus format problems."""
    checks: list[Check] = []
    for challenge in challenges:
        counts: tuple[tuple[Kind, int, int], ...] = (
            ("good", len(challenge.good_solutions()), MIN_GOOD),
            ("bad", len(challenge.bad_solutions()), MIN_BAD),
        )
        for kind, count, minimum in counts:
            if count < minimum:
                have = counted(count, f"known-{kind} solution")
                problem = f"has {have}; the format asks for at least {minimum}"
                checks.append(Check(challenge.id, kind, f"solutions/{kind}/", None, False, problem))
    plan: list[tuple[Challenge, Kind, Path, ChallengeRun]] = [
        (c, kind, path, challenge_run(c, path.read_bytes(), ("public", "hidden")))
        for c in challenges
        for kind, path in _solutions(c)
    ]
    # Runs are keyed by position: the backend hands outcomes back in order.
    outcomes = backend.run([p[3] for p in plan])
    for (challenge, kind, path, _run), outcome in zip(plan, outcomes, strict=True):
        result = score_outcome(challenge, outcome, ("public", "hidden"))
        full = result.status is ChallengeStatus.PASSED and result.score == result.max_score
        ok = full if kind in ("reference", "good") else not full
        check = Check(
            challenge.id,
            kind,
            str(path.relative_to(challenge.path)),
            result,
            ok,
            "" if ok else _why(kind, result),
        )
        checks.append(check)
        if progress:
            progress(check)
    return checks


def _why(kind: Kind, result: ChallengeResult) -> str:
    if kind in ("reference", "good"):
        failing = [t for t in result.tests if t.status != "passed"]
        first = failing[0] if failing else None
        detail = (
            f"{first.name}: {first.message.splitlines()[0] if first.message else first.status}"
            if first
            else result.message
        )
        return f"a correct solution was graded {result.status}: {detail}"
    return "a wrong solution scored full marks: the tests do not catch its mistake"
