"""Grading one submission: intake, runs on a backend, verdicts.

``grade`` is what ``grader grade`` and ``grader check`` call; tests call it
directly with a fake or local backend.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from grader import __version__
from grader.assessment import Assessment
from grader.challenges import Challenge, Visibility
from grader.results import ChallengeResult, ChallengeStatus, GradeResult, RunStatus
from grader.scoring import score_outcome, unrun_result
from grader.submission import opened_submission
from sandbox.backend import Backend, ChallengeRun, RunOutcome

Progress = Callable[[ChallengeResult], None]


CANARY_SOURCE = """\
def {name}_pass():
    assert sorted([3, 1, 2]) == [1, 2, 3]


def {name}_fail():
    assert sum([1, 1]) == 3, "this check must fail"
"""


def challenge_run(challenge: Challenge, solution: bytes, visibilities: Iterable[Visibility]) -> ChallengeRun:
    """The backend request for one challenge: its solution and the test files of ``visibilities``.

    Each phase also gets a test file of two canaries with names made for this run: one
    must pass and one must fail. Code that rewrites pytest's verdicts (a patched
    reporter, a forged record) turns them too, and ``score_outcome`` sees it.
    """
    visibilities = tuple(visibilities)
    files = tuple((f"{v}/{p.name}", p.read_bytes()) for v in visibilities for p in challenge.test_files(v))
    name = f"test_{secrets.token_hex(8)}"
    source = CANARY_SOURCE.format(name=name).encode()
    files += tuple((f"{v}/{name}.py", source) for v in visibilities)
    return ChallengeRun(
        challenge_id=challenge.id,
        solution=solution,
        test_files=files,
        requires=challenge.requires,
        time_limit=challenge.time_limit,
        test_timeout=challenge.test_timeout,
        binds=challenge.binds,
        canary=name,
    )


def grade(
    submission: str,
    challenges: Sequence[Challenge],
    backend: Backend,
    *,
    visibilities: tuple[Visibility, ...] = ("public", "hidden"),
    progress: Progress | None = None,
    assessment: Assessment | None = None,
) -> GradeResult:
    """Grade ``submission`` (a folder of ``<challenge-id>/solution.py``, or an archive of one)
    on ``challenges``."""
    started = time.monotonic()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    with opened_submission(submission) as sub:
        entries = {challenge.id: sub.entry(challenge.id) for challenge in challenges}
        notes = sub.notes()
    results: dict[str, ChallengeResult] = {}
    runs: list[ChallengeRun] = []
    for challenge in challenges:
        entry = entries[challenge.id]
        if not entry.present:
            results[challenge.id] = unrun_result(
                challenge,
                visibilities,
                ChallengeStatus.MISSING,
                f"no {challenge.id}/ folder in the submission",
            )
        elif entry.solution is None:
            results[challenge.id] = unrun_result(
                challenge, visibilities, ChallengeStatus.ERROR, entry.problem, entry.notes
            )
        else:
            runs.append(challenge_run(challenge, entry.solution, visibilities))
        if progress and challenge.id in results:
            progress(results[challenge.id])

    by_id = {c.id: c for c in challenges}
    canaries = {run.challenge_id: run.canary for run in runs}
    outcomes: list[RunOutcome] = []

    def on_done(outcome: RunOutcome) -> None:
        outcomes.append(outcome)
        challenge = by_id[outcome.challenge_id]
        result = score_outcome(
            challenge, outcome, visibilities, entries[challenge.id].notes, canary=canaries[challenge.id]
        )
        results[challenge.id] = result
        if progress:
            progress(result)

    backend.run(runs, on_done=on_done)

    weights = assessment.weights if assessment else {}
    ordered = tuple(_weighted(results[c.id], weights.get(c.id, 1.0)) for c in challenges)
    if outcomes and not all(o.network_isolated for o in outcomes) and backend.name == "local":
        notes.append("the network was not cut off: this host does not allow a new network namespace")
    infra_failed = any(o.ended == "failed_to_start" for o in outcomes)
    if infra_failed:
        status = RunStatus.ERROR
    elif ordered and all(r.status is ChallengeStatus.PASSED for r in ordered):
        status = RunStatus.PASSED
    else:
        status = RunStatus.FAILED
    return GradeResult(
        submission=str(submission),
        status=status,
        score=sum(r.score for r in ordered),
        max_score=sum(r.max_score for r in ordered),
        backend=backend.name,
        isolation=backend.isolation,
        duration=time.monotonic() - started,
        challenges=ordered,
        notes=tuple(notes),
        grader_version=__version__,
        started_at=started_at,
        sandbox=backend.details,
        assessment=assessment.as_json() if assessment else {},
    )


def _weighted(result: ChallengeResult, weight: float) -> ChallengeResult:
    if weight == 1.0:
        return result
    return replace(
        result,
        score=result.score * weight,
        max_score=result.max_score * weight,
        weight=weight,
        tests=tuple(replace(t, score=t.score * weight, max_score=t.max_score * weight) for t in result.tests),
    )
