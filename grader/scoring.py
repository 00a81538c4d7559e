"""Turning what a backend observed into verdicts and scores.

The set of expected tests comes from the challenge (read on the host), never
from the sandbox: a test the sandbox did not report is failed. A run whose
records the host did not expect (an unknown test, a second record for one
test, a record out of order or after the end, a wrong canary), or in which the
harness refused something only tampering needs or found the test machinery
changed, is void: the challenge is an ``error`` that scores 0, with the reason.

Every message says where its text came from (``TextSource``): the grader's own
words, or text produced while the public or the hidden phase ran. The candidate
view never shows hidden-phase text (``grader.audience``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from grader.challenges import Challenge, TestSpec
from grader.results import ChallengeResult, ChallengeStatus, TestResult, TestStatus, TextSource
from sandbox.backend import ChallengeOutcome, PhaseOutcome
from sandbox.wire import Ended, Test, Visibility

_WORST_FIRST = (TestStatus.TIMEOUT, TestStatus.ERROR, TestStatus.FAILED, TestStatus.SKIPPED)


def unrun_result(
    challenge: Challenge,
    visibilities: Iterable[Visibility],
    status: ChallengeStatus,
    message: str,
    notes: tuple[str, ...] = (),
    *,
    message_from: TextSource = TextSource.GRADER,
) -> ChallengeResult:
    """A challenge none of whose tests gave a verdict (missing, unreadable, void): every
    test scores 0 and says why."""
    specs = challenge.tests_of(visibilities)
    test_status = TestStatus.FAILED if status is ChallengeStatus.MISSING else TestStatus.ERROR
    return ChallengeResult(
        id=challenge.id,
        title=challenge.title,
        status=status,
        score=0.0,
        max_score=challenge.max_score(visibilities),
        message=message,
        message_from=message_from,
        tests=tuple(
            TestResult(
                s.name,
                s.visibility,
                test_status,
                0.0,
                _points(challenge, s, specs),
                message=message,
                rubric=s.rubric,
                ran=False,
                message_from=message_from,
            )
            for s in specs
        ),
        notes=notes,
    )


def _points(challenge: Challenge, spec: TestSpec, specs: tuple[TestSpec, ...]) -> float:
    if challenge.scoring == "challenge":
        return challenge.points / len(specs) if specs else 0.0
    return spec.points


def _fold(spec: TestSpec, records: list[Test], points: float) -> TestResult:
    """One test function's result from its (possibly parametrized) records."""
    output = "\n".join(r.output for r in records if r.output)
    duration = sum(r.duration for r in records)
    source = TextSource(spec.visibility)
    bad = [r for r in records if r.status is not TestStatus.PASSED]
    if not bad:
        return TestResult(
            spec.name,
            spec.visibility,
            TestStatus.PASSED,
            points,
            points,
            duration=duration,
            rubric=spec.rubric,
            output=output,
            message_from=source,
        )
    worst = min(bad, key=lambda r: _WORST_FIRST.index(r.status))
    message = without_pytest_advice(worst.message) or f"the test {worst.status}"
    if worst.case:
        message = f"[{worst.case}] {message}"
    return TestResult(
        spec.name,
        spec.visibility,
        worst.status,
        0.0,
        points,
        message=message,
        duration=duration,
        rubric=spec.rubric,
        line=worst.line,
        details=worst.details,
        output=output,
        message_from=source,
    )


# pytest's hints name its own options (-v, -vv), which no grader command has.
_PYTEST_HINT = re.compile(r"^\s*Use -v+ to get (?:more|the full) diff\.?\s*$", re.IGNORECASE)
_PYTEST_HINT_TAIL = re.compile(r",? use '?-v+'? to show\.?", re.IGNORECASE)


def without_pytest_advice(message: str) -> str:
    """``message`` without pytest's advice to run it with ``-v``: a reader of the grader's
    reports cannot, and ``grader check -v`` does not exist."""
    lines = [_PYTEST_HINT_TAIL.sub("", line) for line in message.splitlines() if not _PYTEST_HINT.match(line)]
    return "\n".join(lines).strip("\n")


def _import_problem(phase: PhaseOutcome) -> tuple[str, TextSource]:
    imported = phase.transcript.imported
    if imported is None or imported.ok:
        return "", TextSource.GRADER
    return imported.message or "the solution could not be loaded", TextSource(phase.phase)


def _no_result(spec: TestSpec, phase: PhaseOutcome | None, limit: float, points: float) -> TestResult:
    """A test with no record of its own, and why."""

    def unrun(status: TestStatus, message: str, source: TextSource = TextSource.GRADER) -> TestResult:
        return TestResult(
            spec.name, spec.visibility, status, 0.0, points, message=message, rubric=spec.rubric, ran=False,
            message_from=source,
        )  # fmt: skip

    if phase is None:
        return unrun(TestStatus.FAILED, "not run: the sandbox ran no tests of this kind")
    transcript = phase.transcript
    running = transcript.last_started == spec.name
    imported = transcript.imported
    if transcript.ended is Ended.TIMEOUT and running:
        return replace(
            unrun(TestStatus.TIMEOUT, f"still running when the challenge's {limit:g} s ran out"), ran=True
        )
    if transcript.ended is Ended.TIMEOUT and transcript.started and imported is None:
        return unrun(TestStatus.TIMEOUT, f"not run: importing solution.py did not finish within {limit:g} s")
    if transcript.ended is Ended.TIMEOUT:
        return unrun(
            TestStatus.FAILED, f"no result: the challenge's {limit:g} s ran out before this test ran"
        )
    if imported is not None and not imported.ok:
        message, source = _import_problem(phase)
        return unrun(TestStatus.ERROR, f"not run: {message}", source)
    if running:
        return replace(unrun(TestStatus.ERROR, "the test process ended during this test"), ran=True)
    if imported is None:
        return unrun(TestStatus.ERROR, "not run: the test process ended while importing solution.py")
    return unrun(TestStatus.FAILED, "no result: the test process ended before this test ran")


def void_reason(outcome: ChallengeOutcome) -> tuple[str, TextSource]:
    """Why none of the run's verdicts can be trusted, or "": a record the host did not expect,
    an operation the harness refused, the test machinery changed, a test file that did not
    load. The reason is the grader's words, but for a load error's text."""
    for phase in outcome.phases:
        transcript = phase.transcript
        if transcript.refused:
            refused = transcript.refused[0]
            return (
                f"solution.py tried something only tampering needs ({refused.event}: {refused.detail}); "
                "the grader refuses it, so this challenge scores 0",
                TextSource.GRADER,
            )
        if transcript.tampered:
            return f"the test run was tampered with: {transcript.tampered[0].reason}", TextSource.GRADER
        if transcript.violations:
            return (
                f"the test run was tampered with: {transcript.violations[0]} "
                "(does solution.py patch pytest, its reports or the harness, "
                "or write to the sandbox's streams?)",
                TextSource.GRADER,
            )
    for phase in outcome.phases:
        if phase.transcript.collect_errors:
            error = phase.transcript.collect_errors[0]
            last = error.message.strip().splitlines()[-1:] or [""]
            return f"a test file ({error.file}) could not be loaded: {last[0][:300]}", TextSource(phase.phase)
    return "", TextSource.GRADER


def score_outcome(
    challenge: Challenge,
    outcome: ChallengeOutcome,
    visibilities: Iterable[Visibility],
    notes: tuple[str, ...] = (),
) -> ChallengeResult:
    """The verdict on one challenge from what the backend observed."""
    visibilities = tuple(visibilities)
    specs = challenge.tests_of(visibilities)
    void, source = void_reason(outcome)
    if void:
        return replace(
            unrun_result(challenge, visibilities, ChallengeStatus.ERROR, void, notes, message_from=source),
            duration=outcome.duration,
        )
    by_test: dict[tuple[str, str], list[Test]] = {}
    for phase, record in outcome.tests():
        by_test.setdefault((phase, record.name), []).append(record)
    tests = tuple(
        _fold(s, by_test[(s.visibility, s.name)], _points(challenge, s, specs))
        if (s.visibility, s.name) in by_test
        else _no_result(s, outcome.phase(s.visibility), challenge.time_limit, _points(challenge, s, specs))
        for s in specs
    )
    all_passed = bool(tests) and all(t.status is TestStatus.PASSED for t in tests)
    if challenge.scoring == "challenge":
        score = challenge.points if all_passed else 0.0
    else:
        score = sum(t.score for t in tests)
    status, message, message_from = _challenge_verdict(challenge, outcome, tests, all_passed)
    extra = list(notes)
    if any((p.transcript.imported and p.transcript.imported.output.strip()) for p in outcome.phases):
        extra.append("solution.py printed output while being imported")
    return ChallengeResult(
        id=challenge.id,
        title=challenge.title,
        status=status,
        score=score,
        max_score=challenge.max_score(visibilities),
        message=message,
        message_from=message_from,
        tests=tests,
        duration=outcome.duration,
        notes=tuple(extra),
    )


def _challenge_verdict(
    challenge: Challenge, outcome: ChallengeOutcome, tests: tuple[TestResult, ...], all_passed: bool
) -> tuple[ChallengeStatus, str, TextSource]:
    grader = TextSource.GRADER
    failed = [t for t in tests if t.status is not TestStatus.PASSED]
    summary = f"{len(failed)} of {len(tests)} tests did not pass"
    ended = outcome.ended
    if ended is Ended.TIMEOUT:
        return (
            ChallengeStatus.TIMEOUT,
            f"the challenge's time limit ({challenge.time_limit:g} s) ran out",
            grader,
        )
    if outcome.leftover and ended is Ended.COMPLETED:
        return (
            ChallengeStatus.ERROR,
            (
                f"solution.py left {outcome.leftover} process(es) running after its tests; "
                "the sandbox killed them (do not start background processes)"
            ),
            grader,
        )
    if ended is Ended.OOM:
        return ChallengeStatus.ERROR, "the test process ran out of memory and was killed", grader
    if ended is Ended.FAILED_TO_START:
        detail = outcome.stderr.strip().splitlines()[-1:] or ["no output"]
        return ChallengeStatus.ERROR, f"the sandbox could not start the tests ({detail[0][:300]})", grader
    if ended is Ended.OUTPUT_LIMIT:
        return (
            ChallengeStatus.ERROR,
            "the test process wrote more than the sandbox accepts and was stopped",
            grader,
        )
    first_import = next((p for p in outcome.phases if p.transcript.imported is not None), None)
    if ended is Ended.CRASHED:
        code = outcome.exit_code
        how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited ({code})"
        if first_import is None:
            return (
                ChallengeStatus.ERROR,
                (
                    f"the test process {how} while importing solution.py "
                    "(does it call os._exit(), or exhaust memory?)"
                ),
                grader,
            )
        imported = first_import.transcript.imported
        if imported is not None and imported.ok:
            return (
                ChallengeStatus.ERROR,
                (
                    f"the test process {how} before reporting every test "
                    "(does solution.py call exit() or os._exit(), or exhaust memory?)"
                ),
                grader,
            )
    broken = next((p for p in outcome.phases if p.transcript.imported and not p.transcript.imported.ok), None)
    if broken is not None:
        message, source = _import_problem(broken)
        return ChallengeStatus.ERROR, message, source
    if all_passed:
        return ChallengeStatus.PASSED, "", grader
    missing = next((p.transcript.imported.missing for p in outcome.phases if p.transcript.imported), ())
    missing = tuple(name for name in missing if name in challenge.requires)  # only names it asks for
    if missing:
        return ChallengeStatus.ERROR, f"solution.py does not define {', '.join(missing)}; {summary}", grader
    if failed and len(failed) == len(tests) and all(t.status is TestStatus.ERROR for t in failed):
        first = failed[0]
        return (
            ChallengeStatus.ERROR,
            f"every test failed to set up: {first.message.splitlines()[0][:300] if first.message else ''}",
            first.message_from,
        )
    return ChallengeStatus.FAILED, summary, grader
