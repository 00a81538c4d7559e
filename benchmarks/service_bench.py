"""How fast the review service's two heaviest pages render, with a realistic cohort.

    python benchmarks/service_bench.py [--submissions 1000] [--runs 20] [--similarity 200]
                                       [--cold-runs 3] [--database URL]

Loads one assessment of all 15 challenges of the built-in pack with ``--submissions``
graded submissions into a fresh database (SQLite in a temporary folder by default):
each with a ``solution.py`` per challenge (a known-good, known-bad or starter file of
that challenge), a full results document (every test of every challenge, messages and
tracebacks for the failures, some flags), an override or two and a comment now and
then. The results are made from the pack's own tests, with each candidate's skill
drawn at random (seeded), rather than by grading 1,000 times. Then, with Flask's test
client and a signed-in reviewer, it renders the cohort page and one submission page
``--runs`` times each (after one warm-up) and prints the median, 90th percentile and
worst time of each against the 200 ms target, and the median CPU time the process spent
(which other load on the machine changes less than the wall clock).

With similarity: a second assessment of ``--similarity`` submissions whose answers are made
as ``benchmarks/similarity_bench.py`` makes them (the pack's files drawn at random would be
identical by the hundred, each pair a copy). Its cohort page is rendered ``--cold-runs``
times cold (its cached similarity dropped before each render, so the page compares every
challenge while it waits) and ``--runs`` times cached, and a copy's submission page cached;
then the ratio of cold to cached, and how many pairs were compared and flagged. A cohort of
``--submissions`` over ``grader.service.similarity.PAGE_COMPUTES_UP_TO`` shows its
similarity as pending (no queue runs here to compute it), as the output says.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 0.200  # seconds, per page


def make_result(rng: random.Random, pack: dict, weights: dict, skill: float, label: str):
    from grader import __version__
    from grader.results import ChallengeResult, ChallengeStatus, GradeResult, RunStatus, TestResult

    challenges = []
    for cid in weights:
        c = pack[cid]
        missing = rng.random() < 0.03
        tests = []
        for spec in c.tests:
            if missing:
                status, message = "skipped", f"no {cid}/ folder in the submission"
            else:
                status = (
                    "passed" if rng.random() < skill else rng.choice(["failed", "failed", "failed", "error"])
                )
                message = (
                    "" if status == "passed" else f"AssertionError: {spec.rubric or spec.name} was not met"
                )
            tests.append(
                TestResult(
                    name=spec.name,
                    visibility=spec.visibility,
                    status=status,
                    score=spec.points if status == "passed" else 0.0,
                    max_score=spec.points,
                    message=message,
                    duration=rng.uniform(0.002, 0.05),
                    rubric=spec.rubric,
                    line=rng.randint(5, 60) if status == "failed" else None,
                    details=(
                        "Traceback (most recent call last):\n"
                        f'  File "tests/{spec.visibility}/{spec.file}", line 42, in {spec.name}\n'
                        "    assert result == expected\n"
                        + "".join(f"  frame {n}: solution.py line {n * 3}\n" for n in range(8))
                        if status == "failed"
                        else ""
                    ),
                    output="debug print\n" * rng.randint(0, 3) if status != "passed" else "",
                )
            )
        score = sum(t.score for t in tests)
        most = sum(t.max_score for t in tests)
        status = (
            ChallengeStatus.MISSING
            if missing
            else ChallengeStatus.PASSED
            if score == most
            else ChallengeStatus.FAILED
        )
        flags = ("line 3: gc.get_objects walks the garbage collector",) if rng.random() < 0.02 else ()
        challenges.append(
            ChallengeResult(
                id=cid,
                title=c.title,
                status=status,
                score=score,
                max_score=most,
                message=""
                if status is ChallengeStatus.PASSED
                else f"{sum(t.status != 'passed' for t in tests)} of {len(tests)} tests did not pass",
                tests=tuple(tests),
                duration=rng.uniform(0.2, 1.5),
                flags=flags,
            )
        )
    return GradeResult(
        submission=label,
        status=RunStatus.PASSED
        if all(c.status is ChallengeStatus.PASSED for c in challenges)
        else RunStatus.FAILED,
        score=sum(c.score for c in challenges),
        max_score=sum(c.max_score for c in challenges),
        backend="docker",
        isolation="docker",
        duration=rng.uniform(4.0, 9.0),
        challenges=tuple(challenges),
        grader_version=__version__,
        started_at="2026-12-01T10:00:00+00:00",
    )


def load(
    app, count: int, seed: int = 7, answers: list[dict[str, str]] | None = None, title: str = "Everything"
) -> tuple[int, int]:
    """The assessment's id and one submission's id, after loading ``count`` submissions: their
    ``solution.py`` files are ``answers`` when given, else the pack's own files drawn at random
    (many identical, which similarity would flag by the thousand: ``--similarity`` uses answers
    of a more likely cohort)."""
    from grader import __version__
    from grader.service import accounts, security, store
    from grader.service.models import Assessment, Comment, Grading, Invitation, Override, Submission, User, db

    rng = random.Random(seed)
    with app.app_context():
        ctx = store.context()
        pack = ctx.pack
        reviewer = db.session.query(User).filter_by(email="reviewer@example.com").one_or_none()
        if reviewer is None:
            accounts.add_user("reviewer@example.com", "correct horse battery", "reviewer", "Rita Reviewer")
            reviewer = db.session.query(User).one()
        weights = {cid: 1.0 for cid in pack}
        assessment = Assessment(
            title=title,
            summary="",
            name="all",
            time_limit=480,
            weights=weights,
            candidate_view="rubric",
        )
        db.session.add(assessment)
        db.session.flush()
        files = {
            cid: [
                p.read_text()
                for p in (c.reference_path, *c.good_solutions(), *c.bad_solutions(), c.starter_path)
            ]
            for cid, c in pack.items()
        }
        started = time.perf_counter()
        for n in range(count):
            name = f"Candidate {n:04d} {rng.choice(['Lovelace', 'Hopper', 'Turing', 'Knuth', 'Liskov'])}"
            inv = Invitation(
                assessment_id=assessment.id,
                candidate_name=name,
                token_hash=security.digest(f"token-{title}-{n}"),
                max_uploads=1,
                uploads=1,
            )
            db.session.add(inv)
            db.session.flush()
            result = make_result(rng, pack, weights, rng.betavariate(4, 2), name)
            archive = f"archive {title} {n}".encode()
            sub = Submission(
                assessment_id=assessment.id,
                invitation_id=inv.id,
                source="candidate",
                label=name,
                filename="answer.zip",
                archive=archive,
                archive_digest=security.digest(archive.decode()),
                solutions=answers[n] if answers else {cid: rng.choice(files[cid]) for cid in pack},
                weights=weights,
                job_id=f"{title[:8]}{n:056d}",
                status="graded",
                attempts=1,
                decision=rng.choice(["undecided", "undecided", "advance", "reject"]),
            )
            db.session.add(sub)
            db.session.flush()
            grading = Grading(
                submission_id=sub.id,
                job_id=sub.job_id,
                status=str(result.status),
                score=result.score,
                max_score=result.max_score,
                percent=round(result.percent, 2),
                duration=result.duration,
                grader_version=__version__,
                pack_digest=ctx.pack_digest,
                backend="docker",
                isolation="docker",
                worker="grader-worker-1",
                flags=len(result.flags),
                result=result.as_json(),
                outcomes=store.outcomes_of(result),
            )
            db.session.add(grading)
            db.session.flush()
            sub.grading_id = grading.id
            sub.grading = grading
            if rng.random() < 0.1:
                c = rng.choice(result.challenges)
                t = c.tests[0]
                db.session.add(
                    Override(
                        submission_id=sub.id,
                        challenge_id=c.id,
                        test=t.name,
                        original_score=t.score,
                        score=t.max_score,
                        reason="an equivalent approach",
                        user_id=reviewer.id,
                    )
                )
                db.session.add(Comment(submission_id=sub.id, user_id=reviewer.id, body="Worth a call."))
                db.session.flush()
            store.refresh_score(sub, grading)
            if n % 100 == 99:
                db.session.commit()
        db.session.commit()
        took = time.perf_counter() - started
        print(f"loaded {count} graded submissions of {len(pack)} challenges ({title}) in {took:.1f} s")
        middle = db.session.query(Submission.id).order_by(Submission.id).offset(count // 2).limit(1).scalar()
        return assessment.id, middle


def measure(client, url: str, runs: int, before=None) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each of ``runs`` renders of ``url`` (after a warm-up), with
    ``before()`` called before each (not timed)."""
    response = client.get(url)  # warm-up: templates compiled, caches filled
    assert response.status_code == 200, (url, response.status_code)
    times, cpu = [], []
    for _ in range(runs):
        if before is not None:
            before()
        started, used = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        assert response.status_code == 200
    return times, cpu


def report_row(label: str, wall: list[float], cpu: list[float]) -> float:
    """Print one page's figures; its median wall time."""
    times = sorted(wall)
    median = statistics.median(times)
    p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
    verdict = "met" if median < TARGET else "NOT MET"
    print(
        f"{label:<34} {median * 1000:7.1f}ms {p90 * 1000:7.1f}ms {times[-1] * 1000:7.1f}ms "
        f"{statistics.median(cpu) * 1000:7.1f}ms  {verdict}"
    )
    return median


def measure_cold(app, client, url: str, assessment_id: int, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of ``runs`` renders of ``url``, each after the assessment's cached
    similarity was dropped (as a new submission drops it): the page computes it while it waits."""
    from sqlalchemy import delete

    from grader.service.models import SimilarityCache, db

    def drop() -> None:
        with app.app_context():
            db.session.execute(delete(SimilarityCache).where(SimilarityCache.assessment_id == assessment_id))
            db.session.commit()

    return measure(client, url, runs, before=drop)


def similarity_figures(app, assessment_id: int) -> str:
    from grader.service import similarity
    from grader.service.models import Assessment, db

    with app.app_context():
        found = similarity.for_assessment(db.session.get(Assessment, assessment_id), compute=False)
        report = found.report
        return (
            f"{len(found.members)} submissions, {len(report.challenges)} challenges, "
            f"{sum(c.pairs for c in report.challenges)} pairs compared, "
            f"{sum(c.flagged_pairs for c in report.challenges)} flagged, "
            f"{sum(c.flagged_references for c in report.challenges)} too close to a known solution; "
            f"the comparison took {found.seconds:.2f} s of CPU in the helper process (not in the cpu column)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--similarity",
        type=int,
        default=200,
        metavar="N",
        help="the cohort (of every challenge) whose page is timed with similarity, cold and cached "
        "(default 200; 0: not timed)",
    )
    parser.add_argument("--cold-runs", type=int, default=3, help="cold renders of that page (default 3)")
    parser.add_argument(
        "--database", help="SQLAlchemy URL of an empty database (default: SQLite in a temp folder)"
    )
    args = parser.parse_args()

    from grader.service import create_app, similarity
    from grader.service.config import Settings

    with tempfile.TemporaryDirectory(prefix="grader-service-bench-") as tmp:
        settings = Settings.make(Path(tmp) / "instance", args.database, environ={}, start_queue=False)
        app = create_app(settings)
        assessment_id, submission_id = load(app, args.submissions)
        similar_id = similar_sub = 0
        if args.similarity:
            from benchmarks.similarity_bench import cohort_answers
            from grader.service import store

            with app.app_context():
                pack = store.context().pack
            answers = list(cohort_answers(args.similarity, pack).values())
            similar_id, _ = load(app, args.similarity, seed=8, answers=answers, title="Similarity")
            similar_sub = similar_id and submission_of(app, similar_id, 19)  # a copy of an earlier one
        client = app.test_client()
        page = client.get("/signin").get_data(as_text=True)
        import re

        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post(
            "/signin",
            data={"email": "reviewer@example.com", "password": "correct horse battery", "csrf_token": token},
        )
        rows = [
            ("cohort page", f"/assessments/{assessment_id}"),
            (
                "cohort, sorted by name, filtered",
                f"/assessments/{assessment_id}?sort=candidate&dir=asc&min=50",
            ),
            ("submission page", f"/submissions/{submission_id}"),
        ]
        print(
            f"\n{settings.database_url.split(':')[0]}, {args.runs} runs each, target {TARGET * 1000:.0f} ms"
        )
        if args.submissions > similarity.PAGE_COMPUTES_UP_TO:
            print(
                f"(a cohort of {args.submissions} is over {similarity.PAGE_COMPUTES_UP_TO}: its pages leave "
                "similarity to the queue's owner, not running here, and show it as pending)"
            )
        print(f"{'page':<34} {'median':>8} {'p90':>8} {'worst':>8} {'cpu':>8}  target")
        for label, url in rows:
            report_row(label, *measure(client, url, args.runs))
        if args.similarity:
            url = f"/assessments/{similar_id}"
            print(f"\nwith similarity: a cohort of {args.similarity} (cold: {args.cold_runs} runs)")
            cold = report_row(
                f"cohort {args.similarity}, cold", *measure_cold(app, client, url, similar_id, args.cold_runs)
            )
            cached = report_row(f"cohort {args.similarity}, cached", *measure(client, url, args.runs))
            copy = f"/submissions/{similar_sub}"
            report_row("a copy's submission page, cached", *measure(client, copy, args.runs))
            print(f"cold / cached: {cold / cached:.0f}x; {similarity_figures(app, similar_id)}")
        print(
            "(wall clock: median, 90th percentile, worst; cpu: the median CPU time of this process, "
            "which does not count the helper process that compares)"
        )
        size = len(client.get(f"/assessments/{assessment_id}").data) / 1024
        print(
            f"\ncohort page {size:.0f} KiB; submission page {len(client.get(rows[2][1]).data) / 1024:.0f} KiB"
        )


def submission_of(app, assessment_id: int, index: int) -> int:
    """The id of the assessment's ``index``-th submission."""
    from grader.service.models import Submission, db

    with app.app_context():
        return int(
            db.session.query(Submission.id)
            .filter(Submission.assessment_id == assessment_id)
            .order_by(Submission.id)
            .offset(index)
            .limit(1)
            .scalar()
        )


if __name__ == "__main__":
    main()
