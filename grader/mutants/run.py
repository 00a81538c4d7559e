"""Run every mutant of each challenge's reference against its hidden tests, and score them.

All runs go to the backend at once, so they share one sandbox session (one
supervisor, a forked child per mutant). Each run has the hidden tests only, no
canaries (a mutant is our own code, not a candidate's, and a failing canary
would stop the run) and asks pytest to stop at the first test that does not
pass (``ChallengeRun.stop_first``): one failing test is all a verdict needs.
The reference itself runs first in the same way, as the baseline: a mutant
score means nothing when the reference does not pass.

A mutant is *killed* when a hidden test failed, erred or timed out, when it did
not import, or when its run timed out or crashed; it *survived* when every
hidden test passed. A run whose transcript broke the protocol, or that never
started, is an *error*: no verdict, and it counts against the score.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from grader.challenges import Challenge
from grader.mutants.generate import Mutant, generate
from sandbox.backend import Backend, ChallengeOutcome, ChallengeRun, PhaseRun
from sandbox.wire import Ended, Expected, TestStatus

DEFAULT_BAR = 0.90  # the README's "Test strength" section says why


class Status(StrEnum):
    """What the hidden tests did with one mutant."""

    KILLED = "killed"
    SURVIVED = "survived"
    EQUIVALENT = "equivalent"  # listed in challenge.toml; not counted
    ERROR = "error"


@dataclass(frozen=True)
class MutantResult:
    """One mutant and its verdict; ``detail`` names the killing test, or the problem."""

    mutant: Mutant
    status: Status
    detail: str = ""


@dataclass(frozen=True)
class ChallengeMutation:
    """A challenge's mutants and their verdicts, its score, and what is wrong with its
    equivalent-mutant list or its baseline (``problems``)."""

    challenge: str
    results: tuple[MutantResult, ...]
    problems: tuple[str, ...]
    bar: float

    def count(self, status: Status) -> int:
        return sum(r.status is status for r in self.results)

    @property
    def counted(self) -> int:
        """The mutants the score is over: all but the equivalent ones."""
        return len(self.results) - self.count(Status.EQUIVALENT)

    @property
    def score(self) -> float:
        """Killed mutants over counted ones (1.0 when there is nothing to kill)."""
        return self.count(Status.KILLED) / self.counted if self.counted else 1.0

    @property
    def ok(self) -> bool:
        return not self.problems and self.score >= self.bar

    def survivors(self) -> list[MutantResult]:
        return [r for r in self.results if r.status in (Status.SURVIVED, Status.ERROR)]


Progress = Callable[[str, int, int], None]  # challenge id, runs done, runs in all


def mutant_run(challenge: Challenge, source: bytes) -> ChallengeRun:
    """The backend request for one mutant (or the baseline): hidden tests only, no canaries,
    stopping at the first test that does not pass."""
    files = tuple((p.name, p.read_bytes()) for p in challenge.test_files("hidden"))
    expected = tuple(Expected(t.name, t.file) for t in challenge.tests_of(("hidden",)))
    return ChallengeRun(
        challenge_id=challenge.id,
        solution=source,
        phases=(PhaseRun("hidden", files, expected),),
        requires=challenge.requires,
        time_limit=challenge.time_limit,
        test_timeout=challenge.test_timeout,
        binds=challenge.binds,
        stop_first=True,
    )


def verdict(outcome: ChallengeOutcome) -> tuple[Status, str]:
    """Whether the hidden tests killed the mutant whose run this is, read from the transcript."""
    phase = outcome.phase("hidden")
    if phase is None:
        return Status.ERROR, "no result came back"
    transcript = phase.transcript
    if transcript.violations:
        return Status.ERROR, f"the run broke the protocol: {transcript.violations[0]}"
    if transcript.ended is Ended.FAILED_TO_START:
        return Status.ERROR, "the sandbox did not start"
    if transcript.collect_errors:
        return Status.ERROR, f"a test file did not load: {transcript.collect_errors[0].file}"
    if transcript.imported is not None and not transcript.imported.ok:
        return Status.KILLED, f"does not import: {transcript.imported.message.splitlines()[0]}"
    failed = next((t for t in transcript.tests if t.status is not TestStatus.PASSED), None)
    if failed is not None:
        return Status.KILLED, f"{failed.name} ({failed.status})"
    if transcript.ended is not Ended.COMPLETED:
        return Status.KILLED, f"the run ended: {transcript.ended}"
    return Status.SURVIVED, ""


def run_mutants(
    challenges: Sequence[Challenge],
    backend: Backend,
    *,
    bar: float = DEFAULT_BAR,
    progress: Progress | None = None,
) -> list[ChallengeMutation]:
    """Generate, run and score the mutants of each challenge's reference, in one backend run."""
    plan: list[tuple[Challenge, Mutant | None]] = []
    for challenge in challenges:
        plan.append((challenge, None))  # the baseline
        plan += [(challenge, m) for m in generate(challenge.reference_path.read_text(encoding="utf-8"))]
    runs = [mutant_run(c, m.source.encode() if m else c.reference_path.read_bytes()) for c, m in plan]
    done = {c.id: 0 for c in challenges}
    total = {c.id: sum(1 for p in plan if p[0].id == c.id) for c in challenges}

    def on_done(outcome: ChallengeOutcome) -> None:
        done[outcome.challenge_id] += 1
        if progress:
            progress(outcome.challenge_id, done[outcome.challenge_id], total[outcome.challenge_id])

    outcomes = backend.run(runs, on_done=on_done)
    by_challenge: dict[str, list[tuple[Mutant | None, ChallengeOutcome]]] = {c.id: [] for c in challenges}
    for (challenge, mutant), outcome in zip(plan, outcomes, strict=True):
        by_challenge[challenge.id].append((mutant, outcome))
    return [_score(c, by_challenge[c.id], bar) for c in challenges]


def _score(
    challenge: Challenge, ran: list[tuple[Mutant | None, ChallengeOutcome]], bar: float
) -> ChallengeMutation:
    problems: list[str] = []
    equivalent = {e.id: e.reason for e in challenge.equivalent_mutants}
    results: list[MutantResult] = []
    for mutant, outcome in ran:
        status, detail = verdict(outcome)
        if mutant is None:
            if status is not Status.SURVIVED:
                problems.append(f"the reference does not pass its hidden tests: {detail}")
            continue
        if mutant.id in equivalent:
            if status is Status.KILLED:
                problems.append(f"{mutant.id} is listed as equivalent, but the tests kill it ({detail})")
            else:
                status, detail = Status.EQUIVALENT, equivalent[mutant.id]
        results.append(MutantResult(mutant, status, detail))
    made = {r.mutant.id for r in results}
    for mid in equivalent:
        if mid not in made:
            problems.append(f"{mid} is listed as equivalent, but no such mutant is made any more")
    return ChallengeMutation(challenge.id, tuple(results), tuple(problems), bar)
