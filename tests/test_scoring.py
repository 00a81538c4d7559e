"""Verdicts and scores from what the sandbox sent, through the real session path.

The fake backend runs no process, but everything else is real: the session is
built and encoded, read back as a supervisor reads it, answered with real
frames of real records, and those are read against the tests the host expects.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from grader.grading import grade
from grader.results import ChallengeStatus, Outcome, RunStatus, TestStatus, TextSource
from sandbox.fake import FakeAnswer, FakeBackend, FakeJob, honest
from sandbox.wire import Done, Ended, Import, Ready, Start, Test


@pytest.fixture
def model_basics(pack):
    return pack["model-basics"]


def grade_with(make_submission, challenge, respond=honest):
    sub = make_submission({challenge.id: "db = None\n"})
    backend = FakeBackend(respond)
    return grade(str(sub), [challenge], backend), backend


def real(job: FakeJob) -> list[str]:
    return [e.name for e in job.expected if e.canary is None]


def test_all_tests_reported_passing_is_full_marks(make_submission, model_basics):
    result, backend = grade_with(make_submission, model_basics)
    (challenge,) = result.challenges
    assert challenge.status is ChallengeStatus.PASSED
    assert challenge.score == challenge.max_score == len(model_basics.tests)
    assert result.status is RunStatus.PASSED and result.percent == 100 and result.outcome is Outcome.GRADED
    assert [job.phase for job in backend.jobs_seen] == ["public", "hidden"]
    assert all(job.solution == b"db = None\n" for job in backend.jobs_seen)


def test_a_test_the_sandbox_does_not_report_counts_as_failed(make_submission, model_basics):
    def respond(job):
        answer = honest(job)
        if job.phase == "public":
            return answer
        # The process dies just before its last real test: nothing from there is reported.
        last = real(job)[-1]
        cut = next(i for i, r in enumerate(answer.records) if isinstance(r, Start) and r.name == last)
        return FakeAnswer(answer.records[:cut], ended=Ended.CRASHED, exit_code=-9)

    result, _ = grade_with(make_submission, model_basics, respond)
    (challenge,) = result.challenges
    assert challenge.status is ChallengeStatus.ERROR
    missing = challenge.tests[-1]
    assert missing.status is not TestStatus.PASSED and missing.score == 0 and not missing.ran


@pytest.mark.parametrize(
    ("forge", "reason"),
    [
        (lambda r: [*r[:4], Start("test_new"), Test("test_new", "", "passed"), *r[4:]], "an unknown test"),
        (lambda records: records[:4] + records[2:4] + records[4:], "a second result"),
        (lambda records: [*records, Ready(True)], "after the end"),
        (lambda records: records[:2] + records[4:6] + records[2:4] + records[6:], "order"),
    ],
    ids=["unknown-test", "second-record", "after-the-end", "out-of-order"],
)  # fmt: skip
def test_records_the_host_did_not_expect_void_the_challenge(make_submission, model_basics, forge, reason):
    def respond(job):
        answer = honest(job)
        return FakeAnswer(forge(list(answer.records))) if job.phase == "hidden" else answer

    result, _ = grade_with(make_submission, model_basics, respond)
    (challenge,) = result.challenges
    assert challenge.status is ChallengeStatus.ERROR and challenge.score == 0
    assert "tampered" in challenge.message and reason in challenge.message


def test_bytes_that_are_not_records_void_the_challenge(make_submission, model_basics):
    def respond(job):
        answer = honest(job)
        if job.phase == "public":
            return answer
        from sandbox.wire import encode_record

        stream = b"".join(encode_record(r, job.job.nonce) for r in answer.records)
        return replace(answer, stream=b"@@grader:guessed-nonce {}\n" + stream)

    result, _ = grade_with(make_submission, model_basics, respond)
    assert result.challenges[0].status is ChallengeStatus.ERROR and result.challenges[0].score == 0


def test_a_load_error_voids_the_challenge_even_when_forged(make_submission, model_basics):
    """A collect error used to switch the canary check off while the forged tests still scored."""

    def respond(job):
        from sandbox.wire import CollectError

        answer = honest(job)
        if job.phase == "public":
            return answer
        forged = [answer.records[0], CollectError("test_elsewhere.py", "boom"), *answer.records[1:]]
        return FakeAnswer(forged)

    result, _ = grade_with(make_submission, model_basics, respond)
    (challenge,) = result.challenges
    assert challenge.status is ChallengeStatus.ERROR and challenge.score == 0
    assert "test_elsewhere.py" in challenge.message


def test_a_real_load_error_scores_nothing_and_says_which_file(make_submission, model_basics):
    def respond(job):
        from sandbox.wire import CollectError

        if job.phase == "public":
            return honest(job)
        file = next(name for name in job.files if name.startswith("tests/hidden/test_")).rsplit("/", 1)[1]
        return FakeAnswer([Ready(True), CollectError(file, "ImportError: nope"), Import(ok=True), Done()])

    result, _ = grade_with(make_submission, model_basics, respond)
    (challenge,) = result.challenges
    assert challenge.status is ChallengeStatus.ERROR and challenge.score == 0
    assert "could not be loaded" in challenge.message and challenge.message_from is TextSource.HIDDEN


def test_parametrized_cases_fold_into_one_test(make_submission, model_basics):
    def respond(job):
        answer = honest(job)
        if job.phase == "public":
            return answer
        name = real(job)[-1]
        records = [r for r in answer.records if getattr(r, "name", None) != name]
        cases = [Start(name, "a"), Test(name, "a", "passed")]
        cases += [Start(name, "b"), Test(name, "b", "failed", "no")]
        at = next(i for i, r in enumerate(answer.records) if getattr(r, "name", None) == name)
        return FakeAnswer(records[:at] + cases + records[at:])

    result, _ = grade_with(make_submission, model_basics, respond)
    folded = result.challenges[0].tests[-1]
    assert folded.status is TestStatus.FAILED and folded.message == "[b] no"


def test_skipped_is_not_passed(make_submission, model_basics):
    result, _ = grade_with(
        make_submission, model_basics, lambda job: honest(job, dict.fromkeys(real(job), "skipped"))
    )
    assert result.challenges[0].score == 0
    assert result.challenges[0].status is ChallengeStatus.FAILED


def test_timeout_marks_the_running_test(make_submission, model_basics):
    def respond(job):
        if job.phase == "hidden":
            return FakeAnswer([], ended=Ended.TIMEOUT)  # never run: its public phase ran out
        second = real(job)[1]
        records = honest(job).records
        upto = next(i for i, r in enumerate(records) if isinstance(r, Start) and r.name == second)
        return FakeAnswer(records[: upto + 1], ended=Ended.TIMEOUT, duration=60.0)

    result, _ = grade_with(make_submission, model_basics, respond)
    challenge = result.challenges[0]
    assert challenge.status is ChallengeStatus.TIMEOUT
    assert challenge.tests[0].status is TestStatus.PASSED
    assert challenge.tests[1].status is TestStatus.TIMEOUT
    assert challenge.tests[2].status is TestStatus.FAILED


def test_sandbox_that_cannot_start_makes_the_run_an_error(make_submission, model_basics):
    result, _ = grade_with(
        make_submission, model_basics, lambda job: FakeAnswer([], ended=Ended.FAILED_TO_START, exit_code=None)
    )
    assert result.status is RunStatus.ERROR and result.outcome is Outcome.FAILED
    assert result.challenges[0].status is ChallengeStatus.ERROR


def test_per_challenge_scoring_is_all_or_nothing(make_submission, model_basics):
    whole = replace(model_basics, scoring="challenge", points=10.0)

    def one_failing(job):
        return honest(job, {real(job)[-1]: "failed"} if job.phase == "hidden" else {})

    result, _ = grade_with(make_submission, whole, one_failing)
    assert (result.challenges[0].score, result.challenges[0].max_score) == (0, 10)
    result, _ = grade_with(make_submission, whole)
    assert result.challenges[0].score == 10


@pytest.mark.parametrize(
    ("canary", "status", "why"),
    [("fail", "passed", "must fail did not fail"), ("pass", "failed", "must pass did not pass")],
)
def test_a_wrong_canary_means_tampering(make_submission, model_basics, canary, status, why):
    def respond(job):
        answer = honest(job)
        records = [
            replace(r, status=status)
            if isinstance(r, Test) and any(e.name == r.name and e.canary == canary for e in job.expected)
            else r
            for r in answer.records
        ]
        return FakeAnswer(records)

    result, _ = grade_with(make_submission, model_basics, respond)
    (challenge,) = result.challenges
    assert challenge.status is ChallengeStatus.ERROR and "tampered" in challenge.message
    assert why in challenge.message and challenge.score == 0


def test_canaries_that_never_ran_are_tampering_too(make_submission, model_basics):
    def respond(job):
        canaries = {e.name for e in job.expected if e.canary}
        records = [r for r in honest(job).records if getattr(r, "name", None) not in canaries]
        return FakeAnswer(records)

    result, _ = grade_with(make_submission, model_basics, respond)
    assert result.challenges[0].status is ChallengeStatus.ERROR and result.challenges[0].score == 0


def test_canaries_are_several_per_phase_named_like_the_tests_and_placed_at_random(model_basics):
    from grader.grading import challenge_run

    runs = [challenge_run(model_basics, b"", ("public", "hidden")) for _ in range(20)]
    words = {w for t in model_basics.tests for w in t.name.split("_")}
    counts, places = set(), set()
    for run in runs:
        for phase in run.phases:
            kinds = [c.expect for c in phase.canaries]
            assert "pass" in kinds and "fail" in kinds and 2 <= len(kinds) <= 4
            counts.add(len(kinds))
            for canary in phase.canaries:
                assert set(canary.name.split("_")) <= words | {"test"}
                assert canary.name not in {t.name for t in model_basics.tests}
            places.add(tuple(i for i, e in enumerate(phase.expected) if e.canary))
    assert len(counts) > 1 and len(places) > 5


def test_a_refusal_or_a_changed_machine_voids_the_challenge(make_submission, model_basics):
    from sandbox.wire import Refused, Tampered

    refused = Refused("gc.get_objects", "it reaches into the test process")
    for extra in (refused, Tampered("builtins.len was replaced")):

        def respond(job, extra=extra):
            records = list(honest(job).records)
            return FakeAnswer([*records[:2], extra, *records[2:]])

        result, _ = grade_with(make_submission, model_basics, respond)
        (challenge,) = result.challenges
        assert challenge.status is ChallengeStatus.ERROR and challenge.score == 0
        assert (getattr(extra, "event", "") or extra.reason) in challenge.message  # type: ignore[union-attr]


def test_hidden_phase_text_is_tagged_hidden(make_submission, model_basics):
    secret = "zlib+base85 of the hidden tests"

    def respond(job):
        if job.phase == "public":
            return honest(job)
        return honest(job, imported=Import(ok=False, message=secret))

    result, _ = grade_with(make_submission, model_basics, respond)
    (challenge,) = result.challenges
    assert challenge.message == secret and challenge.message_from is TextSource.HIDDEN
    hidden = [t for t in challenge.tests if t.visibility == "hidden"]
    assert all(secret in t.message and t.message_from is TextSource.HIDDEN and not t.ran for t in hidden)
