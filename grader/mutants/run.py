"""Run every mutant of each challenge's reference against its hidden tests, and score them.

The runs go to the backend in two batches, each one sandbox session (one
supervisor, a forked child per mutant): see ``run_mutants``. Each run has the
hidden tests only, no canaries (a mutant is our own code, not a candidate's,
and a failing canary would stop the run) and asks pytest to stop at the first
test that does not pass (``ChallengeRun.stop_first``): one failing test is all
a verdict needs.
The reference itself runs first in the same way, as the baseline: a mutant
score means nothing when the reference does not pass.

A mutant is *killed* when a hidden test failed, erred or timed out, when it did
not import, or when its run timed out or crashed; it *survived* when every
hidden test passed. A run whose transcript broke the protocol, or that never
started, is an *error*: no verdict, and it counts against the score.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from grader.challenges import Challenge
from grader.grading import challenge_run, shared_files, test_files
from grader.mutants.generate import Mutant, generate
from sandbox.backend import Backend, ChallengeOutcome, ChallengeRun, PhaseRun
from sandbox.wire import Ended, Expected, TestStatus, run_order

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


def mutant_run(challenge: Challenge, source: bytes, first: Sequence[str] = ()) -> ChallengeRun:
    """The backend request for one mutant (or the baseline): hidden tests only, no canaries,
    the tests named in ``first`` first, stopping at the first test that does not pass."""
    files = test_files(challenge, "hidden") + shared_files(challenge)
    tests = challenge.tests_of(("hidden",))
    order = run_order([t.name for t in tests], first)
    expected = tuple(Expected(tests[at].name, tests[at].file) for at in order)
    # A grading's request with no phase of its own carries the challenge's settings (limits,
    # binds, DDL): a mutant is run as the challenge's gradings are, whatever they come to need.
    graded = challenge_run(challenge, source, ())
    return replace(graded, phases=(PhaseRun("hidden", files, expected),), stop_first=True, first=tuple(first))


@dataclass(frozen=True)
class Verdict:
    """What one run says of its mutant; ``test``: the test that killed it, if one did."""

    status: Status
    detail: str = ""
    test: str = ""


def verdict(outcome: ChallengeOutcome) -> Verdict:
    """Whether the hidden tests killed the mutant whose run this is, read from the transcript."""
    phase = outcome.phase("hidden")
    if phase is None:
        return Verdict(Status.ERROR, "no result came back")
    transcript = phase.transcript
    if transcript.violations:
        return Verdict(Status.ERROR, f"the run broke the protocol: {transcript.violations[0]}")
    if transcript.ended is Ended.FAILED_TO_START:
        return Verdict(Status.ERROR, "the sandbox did not start")
    if transcript.collect_errors:
        return Verdict(Status.ERROR, f"a test file did not load: {transcript.collect_errors[0].file}")
    if transcript.imported is not None and not transcript.imported.ok:
        why = (transcript.imported.message.splitlines() or ["no reason given"])[0]
        return Verdict(Status.KILLED, f"does not import: {why}")
    failed = next((t for t in transcript.tests if t.status is not TestStatus.PASSED), None)
    if failed is not None:
        return Verdict(Status.KILLED, f"{failed.name} ({failed.status})", failed.name)
    if transcript.ended is not Ended.COMPLETED:
        return Verdict(Status.KILLED, f"the run ended: {transcript.ended}")
    return Verdict(Status.SURVIVED, "")


def run_mutants(
    challenges: Sequence[Challenge],
    backend: Backend,
    *,
    bar: float = DEFAULT_BAR,
    progress: Progress | None = None,
) -> list[ChallengeMutation]:
    """Generate, run and score the mutants of each challenge's reference.

    Two backend runs (two sandbox sessions): the baselines and the first mutant of each
    function or class attribute (the tests that name it first), then every other mutant
    with the tests that killed mutants before it first (those of its own scope, then
    those that name it, then the challenge's most killing ones). A mutant is mostly
    killed by the test that killed its neighbour, and the run stops there instead of
    going through the tests before it in the file."""
    mutants = {c.id: generate(c.reference_path.read_text(encoding="utf-8")) for c in challenges}
    total = {c.id: len(mutants[c.id]) + 1 for c in challenges}
    done = dict.fromkeys(total, 0)

    def on_done(outcome: ChallengeOutcome) -> None:
        done[outcome.challenge_id] += 1
        if progress:
            progress(outcome.challenge_id, done[outcome.challenge_id], total[outcome.challenge_id])

    scouts: list[tuple[Challenge, Mutant | None]] = []
    rest: list[tuple[Challenge, Mutant]] = []
    for challenge in challenges:
        scouts.append((challenge, None))  # the baseline
        seen: set[str] = set()
        for mutant in mutants[challenge.id]:
            if mutant.scope in seen:
                rest.append((challenge, mutant))
            else:
                seen.add(mutant.scope)
                scouts.append((challenge, mutant))
    words = {c.id: _words_of_tests(c) for c in challenges}
    routes = {c.id: _route_words(c.reference_path.read_bytes()) for c in challenges}

    def related(challenge: Challenge, mutant: Mutant) -> list[str]:
        leaf = mutant.scope.rsplit(".", 1)[-1]
        keys = {leaf, *routes[challenge.id].get(mutant.scope.split(".", 1)[0], ())}
        return [name for name, found in words[challenge.id].items() if keys & found]

    runs = [
        mutant_run(c, m.source.encode(), related(c, m)) if m else mutant_run(c, c.reference_path.read_bytes())
        for c, m in scouts
    ]
    verdicts: dict[tuple[str, str | None], Verdict] = {}
    for (challenge, scout), outcome in zip(scouts, backend.run(runs, on_done=on_done), strict=True):
        verdicts[challenge.id, scout.id if scout else None] = verdict(outcome)
    killers = _killers(scouts, verdicts)

    def first(challenge: Challenge, mutant: Mutant) -> list[str]:
        own, ranked = killers(challenge.id, mutant.scope)
        return list(dict.fromkeys([*own, *related(challenge, mutant), *ranked]))

    runs = [mutant_run(c, m.source.encode(), first(c, m)) for c, m in rest]
    for (challenge, mutant), outcome in zip(rest, backend.run(runs, on_done=on_done), strict=True):
        verdicts[challenge.id, mutant.id] = verdict(outcome)
    return [_score(c, mutants[c.id], verdicts, bar) for c in challenges]


def _killers(
    scouts: Sequence[tuple[Challenge, Mutant | None]],
    verdicts: dict[tuple[str, str | None], Verdict],
) -> Callable[[str, str], tuple[list[str], list[str]]]:
    """For a challenge and a scope: the tests that killed the scouts of that scope, and those
    that killed the challenge's scouts, most kills first."""
    by_scope: dict[tuple[str, str], list[str]] = {}
    counts: dict[str, Counter[str]] = {}
    for challenge, mutant in scouts:
        test = verdicts[challenge.id, mutant.id if mutant else None].test
        if mutant is None or not test:
            continue
        by_scope.setdefault((challenge.id, mutant.scope), []).append(test)
        counts.setdefault(challenge.id, Counter())[test] += 1

    def killers(challenge: str, scope: str) -> tuple[list[str], list[str]]:
        ranked = [t for t, _n in counts.get(challenge, Counter()).most_common()]
        return by_scope.get((challenge, scope), []), ranked

    return killers


def _words_of_tests(challenge: Challenge) -> dict[str, frozenset[str]]:
    """Each hidden test's words: the names it uses (and those of the module's helpers it
    calls), the words of its strings, and its own name's words. A mutant of ``transfer``
    is first run against the tests that say ``transfer``."""
    found: dict[str, frozenset[str]] = {}
    for path in challenge.test_files("hidden"):
        tree = ast.parse(path.read_bytes())
        helpers = {n.name: _words(n) for n in tree.body if isinstance(n, ast.FunctionDef)}
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                tests = [(node.name, node)]
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                tests = [(f"{node.name}::{m.name}", m) for m in node.body if isinstance(m, ast.FunctionDef)]
            else:
                continue
            for name, function in tests:
                own = _words(function) | set(name.split("_"))
                found[name] = frozenset(own.union(*(helpers[w] for w in own if w in helpers and w != name)))
    return found


def _route_words(source: bytes) -> dict[str, set[str]]:
    """The method names of each top-level function's decorators (``@bp.delete(...)`` gives
    ``delete``): a view is reached through them (``client.delete``), not by its name."""
    found: dict[str, set[str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            calls = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
            found[node.name] = {c.attr for c in calls if isinstance(c, ast.Attribute)}
    return found


def _words(node: ast.AST) -> set[str]:
    words: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            words.add(child.id)
        elif isinstance(child, ast.Attribute):
            words.add(child.attr)
        elif isinstance(child, ast.Constant) and isinstance(child.value, str):
            words.update(re.findall(r"\w+", child.value))
    return words


def _score(
    challenge: Challenge,
    mutants: Sequence[Mutant],
    verdicts: dict[tuple[str, str | None], Verdict],
    bar: float,
) -> ChallengeMutation:
    problems: list[str] = []
    baseline = verdicts[challenge.id, None]
    if baseline.status is not Status.SURVIVED:
        problems.append(f"the reference does not pass its hidden tests: {baseline.detail}")
    equivalent = {e.id: e.reason for e in challenge.equivalent_mutants}
    results: list[MutantResult] = []
    for mutant in mutants:
        found = verdicts[challenge.id, mutant.id]
        status, detail = found.status, found.detail
        if mutant.id in equivalent:
            if status is Status.KILLED:
                problems.append(f"{mutant.id} is listed as equivalent, but the tests kill it ({detail})")
            else:
                status, detail = Status.EQUIVALENT, equivalent[mutant.id]
        results.append(MutantResult(mutant, status, detail))
    made = {m.id for m in mutants}
    for mid in equivalent:
        if mid not in made:
            problems.append(f"{mid} is listed as equivalent, but no such mutant is made any more")
    return ChallengeMutation(challenge.id, tuple(results), tuple(problems), bar)
