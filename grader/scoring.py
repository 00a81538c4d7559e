"""Turning what a backend observed into verdicts and scores.

The set of expected tests comes from the challenge (read on the host), never
from the sandbox: a test the sandbox did not report is failed, and records for
tests that do not exist are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from grader.challenges import Challenge, TestSpec, Visibility
from grader.results import ChallengeResult, ChallengeStatus, TestResult, TestStatus
from sandbox.backend import RunOutcome, TestRecord

# Every message of a test that produced no verdict of its own starts with one of these.
NOT_RUN = "not run: "
NO_RESULT = "no result: "

_WORST_FIRST = (TestStatus.TIMEOUT, TestStatus.ERROR, TestStatus.FAILED, TestStatus.SKIPPED)


def unrun_result(
    challenge: Challenge,
    visibilities: Iterable[Visibility],
    status: ChallengeStatus,
    message: str,
    notes: tuple[str, ...] = (),
) -> ChallengeResult:
    """A challenge that could not run at all (missing, or unreadable): every test scores 0."""
    specs = challenge.tests_of(visibilities)
    test_status = TestStatus.FAILED if status is ChallengeStatus.MISSING else TestStatus.ERROR
    return ChallengeResult(
        id=challenge.id,
        title=challenge.title,
        status=status,
        score=0.0,
        max_score=challenge.max_score(visibilities),
        message=message,
        tests=tuple(
            TestResult(
                s.name,
                s.visibility,
                test_status,
                0.0,
                _points(challenge, s, specs),
                message=message,
                rubric=s.rubric,
            )
            for s in specs
        ),
        notes=notes,
    )


def never_ran(test: TestResult) -> bool:
    """Whether ``test`` has no verdict of its own (the challenge's message says why)."""
    return test.message.startswith((NOT_RUN, NO_RESULT))


def _points(challenge: Challenge, spec: TestSpec, specs: tuple[TestSpec, ...]) -> float:
    if challenge.scoring == "challenge":
        return challenge.points / len(specs) if specs else 0.0
    return spec.points


def _fold(spec: TestSpec, records: list[TestRecord], points: float) -> TestResult:
    """One test function's result from its (possibly parametrized) records."""
    bad = [r for r in records if r.status != "passed"]
    if not bad:
        return TestResult(
            spec.name,
            spec.visibility,
            TestStatus.PASSED,
            points,
            points,
            duration=sum(r.duration for r in records),
            rubric=spec.rubric,
            output="\n".join(r.output for r in records if r.output),
        )
    worst = min(bad, key=lambda r: _WORST_FIRST.index(TestStatus(r.status)))
    message = worst.message or f"the test {worst.status}"
    if worst.case:
        message = f"[{worst.case}] {message}"
    return TestResult(
        spec.name,
        spec.visibility,
        TestStatus(worst.status),
        0.0,
        points,
        message=message,
        duration=sum(r.duration for r in records),
        rubric=spec.rubric,
        line=worst.line,
        details=worst.details,
        output="\n".join(r.output for r in records if r.output),
    )


def _no_result(spec: TestSpec, outcome: RunOutcome, limit: float, points: float) -> TestResult:
    running = outcome.last_started == (spec.visibility, spec.name)
    status, message = TestStatus.FAILED, NO_RESULT + "the test process ended before this test ran"
    if outcome.ended == "timeout" and (running or not outcome.imported):
        status = TestStatus.TIMEOUT
        message = (
            f"still running when the challenge's {limit:g} s ran out"
            if running
            else f"{NOT_RUN}importing solution.py did not finish within {limit:g} s"
        )
    elif outcome.ended == "timeout":
        message = f"{NO_RESULT}the challenge's {limit:g} s ran out before this test ran"
    elif outcome.imported and not outcome.import_ok:
        status = TestStatus.ERROR
        message = NOT_RUN + (outcome.import_message or "the solution could not be loaded")
    elif running:
        status, message = TestStatus.ERROR, "the test process ended during this test"
    elif not outcome.imported:
        status, message = TestStatus.ERROR, NOT_RUN + "the test process ended while importing solution.py"
    return TestResult(spec.name, spec.visibility, status, 0.0, points, message=message, rubric=spec.rubric)


def score_outcome(
    challenge: Challenge,
    outcome: RunOutcome,
    visibilities: Iterable[Visibility],
    notes: tuple[str, ...] = (),
    *,
    canary: str = "",
) -> ChallengeResult:
    """The verdict on one challenge from what the backend observed.

    ``canary`` names the run's canary tests (see ``grading.challenge_run``): when the
    tests ran to the end but a canary's verdict is not the one it must have, the
    results cannot be trusted and the challenge is an error that scores nothing."""
    visibilities = tuple(visibilities)
    specs = challenge.tests_of(visibilities)
    tampering = _tampering(outcome, visibilities, canary) if canary else ""
    if tampering:
        return replace(
            unrun_result(challenge, visibilities, ChallengeStatus.ERROR, tampering, notes),
            duration=outcome.duration,
        )
    by_test: dict[tuple[str, str], list[TestRecord]] = {}
    for record in outcome.tests:
        by_test.setdefault((record.visibility, record.name), []).append(record)
    tests = tuple(
        _fold(s, by_test[(s.visibility, s.name)], _points(challenge, s, specs))
        if (s.visibility, s.name) in by_test
        else _no_result(s, outcome, challenge.time_limit, _points(challenge, s, specs))
        for s in specs
    )
    all_passed = bool(tests) and all(t.status is TestStatus.PASSED for t in tests)
    if challenge.scoring == "challenge":
        score = challenge.points if all_passed else 0.0
    else:
        score = sum(t.score for t in tests)
    status, message = _challenge_verdict(challenge, outcome, tests, all_passed)
    extra = list(notes)
    if outcome.rejected_records:
        extra.append(f"{outcome.rejected_records} malformed result record(s) from the sandbox were ignored")
    if outcome.import_output.strip():
        extra.append("solution.py printed output while being imported")
    return ChallengeResult(
        id=challenge.id,
        title=challenge.title,
        status=status,
        score=score,
        max_score=challenge.max_score(visibilities),
        message=message,
        tests=tests,
        duration=outcome.duration,
        notes=tuple(extra),
    )


def _tampering(outcome: RunOutcome, visibilities: tuple[Visibility, ...], canary: str) -> str:
    """Why the canaries say the verdicts were tampered with, or "" when they do not."""
    if outcome.ended != "completed" or not outcome.import_ok or outcome.collect_errors:
        return ""  # the run did not get to the end; its verdicts are already not passes
    got = {(t.visibility, t.name): t.status for t in outcome.tests}
    for visibility in visibilities:
        passing = got.get((visibility, f"{canary}_pass"))
        failing = got.get((visibility, f"{canary}_fail"))
        if passing != "passed" or failing != "failed":
            return (
                "the test run was tampered with: a control check that must "
                + ("fail did not fail" if failing != "failed" else "pass did not pass")
                + " (does solution.py patch pytest, its reports or the harness?)"
            )
    return ""


def _challenge_verdict(
    challenge: Challenge, outcome: RunOutcome, tests: tuple[TestResult, ...], all_passed: bool
) -> tuple[ChallengeStatus, str]:
    failed = [t for t in tests if t.status is not TestStatus.PASSED]
    summary = f"{len(failed)} of {len(tests)} tests did not pass"
    if outcome.ended == "timeout":
        return (
            ChallengeStatus.TIMEOUT,
            f"the challenge's time limit ({challenge.time_limit:g} s) ran out",
        )
    if outcome.leftover_processes and outcome.ended == "completed":
        return ChallengeStatus.ERROR, (
            f"solution.py left {outcome.leftover_processes} process(es) running after its tests; "
            "the sandbox killed them (do not start background processes)"
        )
    if outcome.ended == "oom":
        return ChallengeStatus.ERROR, "the test process ran out of memory and was killed"
    if outcome.ended == "failed_to_start":
        detail = outcome.stderr.strip().splitlines()[-1:] or ["no output"]
        return ChallengeStatus.ERROR, f"the sandbox could not start the tests ({detail[0][:300]})"
    if outcome.ended == "output_limit":
        return (
            ChallengeStatus.ERROR,
            "the test process wrote more than the sandbox accepts and was stopped",
        )
    if outcome.ended == "crashed":
        code = outcome.exit_code
        how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited ({code})"
        if not outcome.imported:
            return ChallengeStatus.ERROR, (
                f"the test process {how} while importing solution.py "
                "(does it call os._exit(), or exhaust memory?)"
            )
        if outcome.import_ok:
            return ChallengeStatus.ERROR, (
                f"the test process {how} before reporting every test "
                "(does solution.py call exit() or os._exit(), or exhaust memory?)"
            )
    if not outcome.import_ok:
        return ChallengeStatus.ERROR, outcome.import_message or "solution.py could not be loaded"
    if outcome.collect_errors:
        name, text = outcome.collect_errors[0]
        last = text.strip().splitlines()[-1:] or [""]
        return ChallengeStatus.ERROR, f"a test file ({name}) could not be loaded: {last[0][:300]}"
    if all_passed:
        return ChallengeStatus.PASSED, ""
    if outcome.missing_names:
        return (
            ChallengeStatus.ERROR,
            f"solution.py does not define {', '.join(outcome.missing_names)}; {summary}",
        )
    if failed and all(t.status is TestStatus.ERROR for t in failed) and len(failed) == len(tests):
        return (
            ChallengeStatus.ERROR,
            f"every test failed to set up: {failed[0].message.splitlines()[0][:300]}",
        )
    return ChallengeStatus.FAILED, summary
