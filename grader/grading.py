"""Grading one submission: intake, runs on a backend, verdicts.

``grade`` is what ``grader grade`` and ``grader check`` call; tests call it
directly with a fake or local backend.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from grader import __version__, canaries
from grader.assessment import Assessment
from grader.challenges import Challenge
from grader.results import ChallengeResult, ChallengeStatus, GradeResult, Outcome, RunStatus
from grader.scan import scan
from grader.scoring import score_outcome, unrun_result
from grader.submission import opened_submission
from sandbox.backend import Backend, ChallengeOutcome, ChallengeRun, PhaseRun
from sandbox.wire import Ended, Visibility

Progress = Callable[[ChallengeResult], None]


def test_files(challenge: Challenge, visibility: Visibility) -> tuple[tuple[str, bytes], ...]:
    """The test files of one phase of ``challenge``, as (name, bytes)."""
    return tuple((p.name, p.read_bytes()) for p in challenge.test_files(visibility))


def shared_files(challenge: Challenge) -> tuple[tuple[str, bytes], ...]:
    """What every phase of ``challenge`` gets beside its tests: its ``helpers.py``, if any."""
    helpers = challenge.helpers_path
    return ((helpers.name, helpers.read_bytes()),) if helpers else ()


def challenge_run(challenge: Challenge, solution: bytes, visibilities: Iterable[Visibility]) -> ChallengeRun:
    """The backend request for one challenge: its solution and, per phase, the test files
    (with the challenge's ``helpers.py``, if any), the canaries made for this run
    (``grader.canaries``) and every test it must report."""
    names = [t.name for t in challenge.tests]
    phases = []
    for visibility in visibilities:
        files = test_files(challenge, visibility)
        if not files:
            continue
        planted, expected = canaries.plan(files, names)
        phases.append(PhaseRun(visibility, files + shared_files(challenge), expected, planted))
    return ChallengeRun(
        challenge_id=challenge.id,
        solution=solution,
        phases=tuple(phases),
        requires=challenge.requires,
        time_limit=challenge.time_limit,
        test_timeout=challenge.test_timeout,
        import_timeout=challenge.import_timeout,
        binds=challenge.binds,
        real_ddl=challenge.real_ddl,
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
    ids = [c.id for c in challenges]
    with opened_submission(submission, ids) as sub:
        if ids and not sub.present(ids):  # nothing at all to grade: bad input, not a 0%
            raise sub.missing_all(ids)
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
    outcomes: list[ChallengeOutcome] = []

    def on_done(outcome: ChallengeOutcome) -> None:
        outcomes.append(outcome)
        challenge = by_id[outcome.challenge_id]
        result = score_outcome(challenge, outcome, visibilities, entries[challenge.id].notes)
        if "hidden" in visibilities:  # never for `grader check`: the scan is no oracle for evasions
            result = replace(result, flags=scan(entries[challenge.id].solution or b""))
        results[challenge.id] = result
        if progress:
            progress(result)

    backend.run(runs, on_done=on_done)

    weights = assessment.weights if assessment else {}
    ordered = tuple(_weighted(results[c.id], weights.get(c.id, 1.0)) for c in challenges)
    if outcomes and not backend.network_cut_off and not all(o.network_isolated for o in outcomes):
        notes.append("the network was not cut off: this host does not allow a new network namespace")
    failed = any(o.ended is Ended.FAILED_TO_START for o in outcomes)
    if failed:
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
        sandbox={**backend.details, "cpus": backend.limits.cpus, "parallel": backend.jobs},
        assessment=assessment.as_json() if assessment else {},
        outcome=Outcome.FAILED if failed else Outcome.GRADED,
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
