"""Verdicts and scores from backend outcomes (with a fake backend: no process runs)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from grader.grading import grade
from grader.results import ChallengeStatus, RunStatus, TestStatus
from sandbox.backend import RunOutcome
from sandbox.fake import FakeBackend
from tests.helpers import all_passing, record


@pytest.fixture
def model_basics(pack):
    return pack["model-basics"]


def grade_with(make_submission, challenge, respond):
    sub = make_submission({challenge.id: "db = None\n"})
    backend = FakeBackend(respond)
    return grade(str(sub), [challenge], backend), backend


def test_all_tests_reported_passing_is_full_marks(make_submission, model_basics, pack):
    result, backend = grade_with(make_submission, model_basics, lambda run: all_passing(run, pack))
    (challenge,) = result.challenges
    assert challenge.status is ChallengeStatus.PASSED
    assert challenge.score == challenge.max_score == len(model_basics.tests)
    assert result.status is RunStatus.PASSED and result.percent == 100
    assert backend.runs[0].solution == b"db = None\n"


def test_a_test_the_sandbox_does_not_report_counts_as_failed(make_submission, model_basics, pack):
    def respond(run):
        full = all_passing(run, pack)
        return replace(full, tests=full.tests[:-1])

    result, _ = grade_with(make_submission, model_basics, respond)
    (challenge,) = result.challenges
    assert challenge.status is ChallengeStatus.FAILED
    missing = challenge.tests[-1]
    assert missing.status is TestStatus.FAILED and missing.score == 0
    assert "no result" in missing.message


def test_records_for_unknown_tests_are_ignored(make_submission, model_basics, pack):
    def respond(run):
        full = all_passing(run, pack)
        extra = (record("test_invented"), record("test_invented2"))
        return replace(full, tests=full.tests[:1] + extra)

    result, _ = grade_with(make_submission, model_basics, respond)
    assert result.challenges[0].score == 1
    assert {t.name for t in result.challenges[0].tests} == {t.name for t in model_basics.tests}


def test_parametrized_cases_fold_into_one_test(make_submission, model_basics, pack):
    name = model_basics.tests[-1].name

    def respond(run):
        full = all_passing(run, pack)
        cases = (record(name, "passed", "a"), record(name, "failed", "b"))
        return replace(full, tests=full.tests[:-1] + cases)

    result, _ = grade_with(make_submission, model_basics, respond)
    folded = result.challenges[0].tests[-1]
    assert folded.status is TestStatus.FAILED and folded.message.startswith("[b] ")


def test_skipped_is_not_passed(make_submission, model_basics, pack):
    def respond(run):
        full = all_passing(run, pack)
        skipped = tuple(record(t.name, "skipped", visibility=t.visibility) for t in full.tests)
        return replace(full, tests=skipped)

    result, _ = grade_with(make_submission, model_basics, respond)
    assert result.challenges[0].score == 0
    assert result.challenges[0].status is ChallengeStatus.FAILED


def test_timeout_marks_the_running_test(make_submission, model_basics, pack):
    first, second = model_basics.tests[0], model_basics.tests[1]

    def respond(run):
        return RunOutcome(
            run.challenge_id,
            "timeout",
            60.0,
            imported=True,
            import_ok=True,
            tests=(record(first.name, visibility=first.visibility),),
            last_started=(second.visibility, second.name),
        )

    result, _ = grade_with(make_submission, model_basics, respond)
    challenge = result.challenges[0]
    assert challenge.status is ChallengeStatus.TIMEOUT
    assert challenge.tests[0].status is TestStatus.PASSED
    assert challenge.tests[1].status is TestStatus.TIMEOUT
    assert challenge.tests[2].status is TestStatus.FAILED


def test_sandbox_that_cannot_start_makes_the_run_an_error(make_submission, model_basics):
    result, _ = grade_with(
        make_submission,
        model_basics,
        lambda run: RunOutcome(run.challenge_id, "failed_to_start", 0.0, stderr="no python"),
    )
    assert result.status is RunStatus.ERROR
    assert result.challenges[0].status is ChallengeStatus.ERROR


def test_per_challenge_scoring_is_all_or_nothing(make_submission, model_basics, pack):
    whole = replace(model_basics, scoring="challenge", points=10.0)

    def one_failing(run):
        full = all_passing(run, pack)
        return replace(
            full,
            tests=(
                *full.tests[:-1],
                record(full.tests[-1].name, "failed", visibility=full.tests[-1].visibility),
            ),
        )

    result, _ = grade_with(make_submission, whole, one_failing)
    assert (result.challenges[0].score, result.challenges[0].max_score) == (0, 10)
    result, _ = grade_with(make_submission, whole, lambda run: all_passing(run, pack))
    assert result.challenges[0].score == 10


@pytest.mark.parametrize(
    ("forged", "why"),
    [({"fail": "passed"}, "must fail did not fail"), ({"pass": "failed"}, "must pass did not pass")],
)
def test_a_wrong_canary_means_tampering(make_submission, model_basics, pack, forged, why):
    def respond(run):
        full = all_passing(run, pack)
        canaries = tuple(
            record(f"{run.canary}_{kind}", forged.get(kind, default), visibility=phase)
            for phase in ("public", "hidden")
            for kind, default in (("pass", "passed"), ("fail", "failed"))
        )
        return replace(full, tests=full.tests + canaries)

    sub = make_submission({model_basics.id: "db = None\n"})
    result = grade(str(sub), [model_basics], FakeBackend(respond, canaries=False))
    (challenge,) = result.challenges
    assert (
        challenge.status is ChallengeStatus.ERROR
        and "tampered" in challenge.message
        and why in challenge.message
    )
    assert challenge.score == 0


def test_canaries_that_never_ran_are_tampering_too(make_submission, model_basics, pack):
    sub = make_submission({model_basics.id: "db = None\n"})
    result = grade(str(sub), [model_basics], FakeBackend(lambda run: all_passing(run, pack), canaries=False))
    assert result.challenges[0].status is ChallengeStatus.ERROR and result.challenges[0].score == 0
