"""What the service does with submissions: take them in, queue them, keep their results,
and show them to each reader as that reader may see them.

A submission keeps the archive as uploaded (bytes), the ``solution.py`` of each challenge
(for the code view), and the job id of its grading (``grader.queue.job_id``). Its status
moves ``queued`` -> ``running`` -> ``graded`` (or ``error`` when grading itself failed);
reruns move it back to ``queued``. Each finished grading is a row of its own; the
submission points at the latest and carries the score reviewers see: that grading's,
with the reviewers' overrides applied (the original is kept in the grading).
"""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update

from grader import __version__
from grader.archive import ARCHIVE_SUFFIXES, is_archive
from grader.audience import for_audience
from grader.challenges import Challenge
from grader.errors import SubmissionError
from grader.queue.base import Job, JobResult, job_id
from grader.results import ChallengeResult, ChallengeStatus, GradeResult, RunStatus, TestResult
from grader.service.code import highlight_lines
from grader.service.models import (
    Assessment,
    AuditEntry,
    Grading,
    Invitation,
    Override,
    SimilarityCache,
    Submission,
    User,
    db,
    now,
)
from grader.submission import opened_submission

STATUS_LETTERS = {"passed": "p", "failed": "f", "error": "e", "timeout": "t", "skipped": "s"}


@dataclass(frozen=True)
class Context:
    """What the app was started with: the pack, its digest, and how grading is done."""

    pack: dict[str, Challenge]
    pack_digest: str
    backend: str


def context() -> Context:
    ctx: Context = current_app.extensions["grader.context"]
    return ctx


def safe_filename(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip() or "submission.zip"
    return "".join(ch for ch in base if ch.isprintable())[:200] or "submission.zip"


def read_solutions(filename: str, data: bytes, challenge_ids: Sequence[str]) -> dict[str, str]:
    """Each challenge's ``solution.py`` from an uploaded archive, through the grader's own
    archive and submission checks; ``SubmissionError`` says why an upload is refused."""
    if not is_archive(Path(filename)):
        raise SubmissionError(f"{filename} is not an archive: upload a {', '.join(ARCHIVE_SUFFIXES)} file")
    suffix = next(s for s in ARCHIVE_SUFFIXES if filename.lower().endswith(s))
    with tempfile.TemporaryDirectory(prefix="grader-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        with opened_submission(path) as sub:
            entries = [sub.entry(cid) for cid in challenge_ids]
    if not any(e.present for e in entries):
        raise SubmissionError(
            f"{filename} holds no folder for any of this assessment's challenges; lay it out as "
            f"<challenge-id>/solution.py ({', '.join(challenge_ids)})"
        )
    return {e.challenge_id: e.solution.decode("utf-8") for e in entries if e.solution is not None}


def audit(
    action: str,
    target: str,
    detail: Mapping[str, Any] | None = None,
    *,
    user: User | None = None,
    actor: str = "",
    submission_id: int | None = None,
) -> None:
    db.session.add(
        AuditEntry(
            user_id=user.id if user else None,
            actor=actor or (user.email if user else "system"),
            action=action,
            target=target,
            detail=dict(detail or {}),
            submission_id=submission_id,
        )
    )


def create_submission(
    *,
    weights: Mapping[str, float],
    label: str,
    filename: str,
    data: bytes,
    source: str,
    assessment: Assessment | None = None,
    invitation: Invitation | None = None,
    token_id: int | None = None,
) -> Submission:
    """Check and keep an upload, and queue its grading (or reuse an identical job's grading).

    ``SubmissionError`` when the archive is refused; nothing is stored then."""
    ctx = context()
    filename = safe_filename(filename)
    solutions = read_solutions(filename, data, list(weights))
    sub = Submission(
        assessment_id=assessment.id if assessment else None,
        invitation_id=invitation.id if invitation else None,
        token_id=token_id,
        source=source,
        label=label[:200],
        filename=filename,
        archive=data,
        archive_digest=hashlib.sha256(data).hexdigest(),
        solutions=solutions,
        highlighted={cid: highlight_lines(source) for cid, source in solutions.items()},
        weights=dict(weights),
        job_id=job_id(data, ctx.pack_digest, __version__, weights),
        status="queued",
        dispatched_by="",
        attempts=0,
        error="",
        decision="undecided",
    )
    db.session.add(sub)
    db.session.flush()
    if assessment is not None:
        forget_similarity(assessment.id)
    earlier = db.session.scalars(
        select(Grading)
        .where(Grading.job_id == sub.job_id, Grading.status != "error")
        .order_by(Grading.id.desc())
        .limit(1)
    ).first()
    if earlier is not None:  # the same work was graded already: graded once, kept twice
        copy = Grading(
            submission_id=sub.id,
            **{
                k: getattr(earlier, k)
                for k in (
                    "job_id",
                    "status",
                    "score",
                    "max_score",
                    "percent",
                    "duration",
                    "grader_version",
                    "pack_digest",
                    "backend",
                    "isolation",
                    "worker",
                    "flags",
                    "result",
                    "outcomes",
                )
            },
            reused_from_id=earlier.id,
        )
        db.session.add(copy)
        db.session.flush()
        _point_at(sub, copy)
        sub.status = "graded"
        sub.finished_at = now()
    return sub


def forget_similarity(assessment_id: int) -> None:
    """Drop the assessment's cached similarity (``grader.service.similarity``): a submission
    was added to it or graded again."""
    db.session.execute(delete(SimilarityCache).where(SimilarityCache.assessment_id == assessment_id))


def job_of(sub: Submission) -> Job:
    ctx = context()
    info = sub.assessment.info() if sub.assessment else {}
    return Job(
        submission=sub.archive,
        filename=sub.filename,
        weights=dict(sub.weights),
        pack_digest=ctx.pack_digest,
        grader_version=__version__,
        label=f"submission {sub.id}: {sub.filename}",
        assessment=info,
    )


def outcomes_of(result: GradeResult) -> dict[str, str]:
    return {c.id: "".join(STATUS_LETTERS.get(str(t.status), "f") for t in c.tests) for c in result.challenges}


def record_result(outcome: JobResult, holder: str) -> int:
    """Keep ``outcome`` for every submission waiting on its job (and handed out by
    ``holder``); how many were updated."""
    waiting = db.session.scalars(
        select(Submission).where(
            Submission.job_id == outcome.job_id,
            Submission.status.in_(("queued", "running")),
            Submission.dispatched_by == holder,
        )
    ).all()
    for sub in waiting:
        sub.finished_at = now()
        result = outcome.result
        if result is None:
            sub.status = "error"
            sub.error = outcome.error or "grading failed"
            continue
        grading = Grading(
            submission_id=sub.id,
            job_id=outcome.job_id,
            status=str(result.status),
            score=result.score,
            max_score=result.max_score,
            percent=round(result.percent, 2),
            duration=result.duration,
            grader_version=result.grader_version,
            pack_digest=context().pack_digest,
            backend=result.backend,
            isolation=result.isolation,
            worker=outcome.worker,
            flags=len(result.flags),
            result=result.as_json(),
            outcomes=outcomes_of(result),
        )
        db.session.add(grading)
        db.session.flush()
        if sub.grading_id is not None and sub.assessment_id is not None:
            forget_similarity(sub.assessment_id)  # graded again: the pack may have changed since
        _point_at(sub, grading)
        infra = result.status is RunStatus.ERROR
        sub.status = "error" if infra else "graded"
        sub.error = "the sandbox could not run every challenge; rerun it" if infra else ""
    db.session.commit()
    return len(waiting)


def _point_at(sub: Submission, grading: Grading) -> None:
    sub.grading_id = grading.id
    sub.grading = grading
    refresh_score(sub, grading)


def refresh_score(sub: Submission, grading: Grading | None = None) -> None:
    """Set the submission's reviewer score: its grading's, with its overrides applied."""
    grading = grading or sub.grading
    if grading is None:
        return
    overrides = overrides_of(sub.id)
    if not overrides:
        sub.score, sub.max_score, sub.percent, sub.overridden = (
            grading.score,
            grading.max_score,
            grading.percent,
            False,
        )
        return
    result = effective(GradeResult.from_json(grading.result), overrides)
    sub.score, sub.max_score = result.score, result.max_score
    sub.percent = round(result.percent, 2)
    sub.overridden = True


def overrides_of(submission_id: int) -> list[Override]:
    return list(
        db.session.scalars(
            select(Override).where(Override.submission_id == submission_id).order_by(Override.id)
        ).all()
    )


def effective(result: GradeResult, overrides: Iterable[Override]) -> GradeResult:
    """``result`` with the overrides applied (the latest per test or challenge wins; a
    challenge's own override replaces its tests' sum)."""
    by_test: dict[tuple[str, str], float] = {}
    by_challenge: dict[str, float] = {}
    for o in overrides:
        if o.test:
            by_test[(o.challenge_id, o.test)] = o.score
        else:
            by_challenge[o.challenge_id] = o.score
    challenges: list[ChallengeResult] = []
    for c in result.challenges:
        tests = tuple(
            dataclasses.replace(t, score=by_test[(c.id, t.name)]) if (c.id, t.name) in by_test else t
            for t in c.tests
        )
        score = by_challenge.get(c.id, sum(t.score for t in tests) if tests != c.tests else c.score)
        challenges.append(dataclasses.replace(c, tests=tests, score=score))
    return dataclasses.replace(result, challenges=tuple(challenges), score=sum(c.score for c in challenges))


def as_candidate(result: GradeResult) -> GradeResult:
    """``result`` as a candidate sees it: no hidden test's text (``grader.audience``)."""
    pack = context().pack
    return for_audience(result, "candidate", [pack[c.id] for c in result.challenges if c.id in pack])


def candidate_result(sub: Submission) -> GradeResult | None:
    """What the candidate may see of the latest grading, as the assessment allows:
    nothing, public tests only, or public tests plus the hidden tests' rubric lines."""
    view = sub.assessment.candidate_view if sub.assessment else "public"
    if sub.grading is None or view == "nothing":
        return None
    shown = as_candidate(GradeResult.from_json(sub.grading.result))
    if view == "rubric":
        return shown
    public: list[ChallengeResult] = []
    for c in shown.challenges:
        tests = tuple(t for t in c.tests if t.visibility == "public")
        public.append(
            dataclasses.replace(
                c,
                tests=tests,
                score=sum(t.score for t in tests),
                max_score=sum(t.max_score for t in tests),
                status=_public_status(c, tests),
                message=c.message if c.status in (ChallengeStatus.MISSING, ChallengeStatus.ERROR) else "",
            )
        )
    return dataclasses.replace(
        shown,
        challenges=tuple(public),
        score=sum(c.score for c in public),
        max_score=sum(c.max_score for c in public),
    )


def _public_status(challenge: ChallengeResult, tests: Sequence[TestResult]) -> ChallengeStatus:
    if challenge.status in (ChallengeStatus.MISSING, ChallengeStatus.ERROR, ChallengeStatus.TIMEOUT):
        return challenge.status
    return ChallengeStatus.PASSED if all(t.status == "passed" for t in tests) else ChallengeStatus.FAILED


def rerun(subs: Iterable[Submission], user: User) -> int:
    """Queue each submission's grading again (the earlier gradings are kept)."""
    count = 0
    for sub in subs:
        if sub.status in ("queued", "running"):
            continue
        sub.status, sub.dispatched_by, sub.error = "queued", "", ""
        audit("rerun", f"submission {sub.id}", user=user, submission_id=sub.id)
        count += 1
    return count


def reset_running(holder: str) -> int:
    """Gradings another queue owner had in hand go back to the queue (it stopped)."""
    result = db.session.execute(
        update(Submission)
        .where(Submission.status.in_(("queued", "running")), Submission.dispatched_by != holder)
        .values(status="queued", dispatched_by="")
    )
    db.session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def highlighted_solutions(sub: Submission) -> dict[str, list[str]]:
    """Each solution highlighted, made now (and kept) for rows stored without it."""
    done = dict(sub.highlighted or {})
    missing = {cid: src for cid, src in (sub.solutions or {}).items() if cid not in done}
    if missing:
        done.update({cid: highlight_lines(src) for cid, src in missing.items()})
        sub.highlighted = done
        db.session.commit()
    return done


def display_name(sub: Submission) -> str:
    """The candidate's name as reviewers may see it now (an alias while names are hidden)."""
    inv = sub.invitation
    if inv is not None:
        if sub.assessment is not None and sub.assessment.hides_names:
            return inv.alias()
        return inv.candidate_name
    return sub.label
