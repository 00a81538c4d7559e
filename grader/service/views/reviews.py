"""The hiring team's pages: assessments, invitations, the cohort, submissions, decisions,
workers and the audit log (behind sign-in; see ``views.guard``)."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from markupsafe import Markup
from sqlalchemy import func, select

from grader.assessment import builtin_assessments, load_assessment
from grader.errors import UsageError
from grader.results import GradeResult
from grader.sanitize import counted
from grader.service import charts, code, security, similarity, store
from grader.service.models import (
    CANDIDATE_VIEWS,
    DECISIONS,
    Assessment,
    AuditEntry,
    Comment,
    Grading,
    Invitation,
    Override,
    Submission,
    db,
    now,
)
from grader.service.views import admin_only
from grader.similarity import SIDE_BY_SIDE_CSS, side_by_side
from grader.similarity.render import lines_of

bp = Blueprint("reviews", __name__)

VIEW_LABELS = {
    "nothing": "nothing (only that it was received and graded)",
    "public": "public tests only",
    "rubric": "public tests and the hidden tests' rubric lines",
}
SORTS = ("candidate", "status", "score", "duration", "flags", "decision", "submitted")


def _assessment(assessment_id: int) -> Assessment:
    found = db.session.get(Assessment, assessment_id)
    if found is None:
        abort(404)
    return found


def _submission(submission_id: int) -> Submission:
    found = db.session.get(Submission, submission_id)
    if found is None:
        abort(404)
    return found


@bp.route("/")
def index() -> ResponseReturnValue:
    return redirect(url_for("reviews.assessments"))


@bp.route("/assessments")
def assessments() -> ResponseReturnValue:
    rows = db.session.scalars(select(Assessment).order_by(Assessment.id.desc())).all()
    counts: dict[int | None, int] = dict(
        db.session.execute(
            select(Submission.assessment_id, func.count()).group_by(Submission.assessment_id)
        ).tuples().all()
    )
    invites: dict[int, int] = dict(
        db.session.execute(
            select(Invitation.assessment_id, func.count()).group_by(Invitation.assessment_id)
        ).tuples().all()
    )
    return render_template("assessments.html", assessments=rows, counts=counts, invites=invites)


@bp.route("/assessments/new", methods=["GET", "POST"])
def new_assessment() -> ResponseReturnValue:
    ctx = store.context()
    if request.method != "POST":
        return render_template(
            "assessment_new.html", builtins=builtin_assessments(), pack=ctx.pack, views=VIEW_LABELS
        )
    form = request.form
    try:
        title, summary, name, limit, weights = _assessment_source(form, ctx.pack)
    except UsageError as exc:
        flash(exc.message, "error")
        return (
            render_template(
                "assessment_new.html", builtins=builtin_assessments(), pack=ctx.pack, views=VIEW_LABELS
            ),
            400,
        )
    view = form.get("candidate_view", "public")
    assessment = Assessment(
        title=(form.get("title") or "").strip()[:200] or title,
        summary=summary,
        name=name,
        time_limit=limit,
        weights=weights,
        candidate_view=view if view in CANDIDATE_VIEWS else "public",
        anonymous=form.get("anonymous") == "on",
        created_by_id=g.user.id,
    )
    db.session.add(assessment)
    db.session.flush()
    store.audit("assessment.create", f"assessment {assessment.id}", {"weights": weights}, user=g.user)
    db.session.commit()
    flash(f"Created “{assessment.title}”. Invite candidates below.", "info")
    return redirect(url_for("reviews.cohort", assessment_id=assessment.id))


def _assessment_source(form: Any, pack: dict[str, Any]) -> tuple[str, str, str, int, dict[str, float]]:
    source = form.get("source", "builtin")
    if source == "builtin":
        spec = form.get("builtin", "")
        if spec not in builtin_assessments():
            raise UsageError("choose one of the built-in assessments")
        a = load_assessment(spec)
        a.challenges(pack)
        return a.title, a.summary, a.name, a.time_limit, dict(a.weights)
    if source == "upload":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise UsageError("choose an assessment file (.toml) to upload")
        raw = upload.read(256 * 1024 + 1)
        if len(raw) > 256 * 1024:
            raise UsageError("an assessment file is at most 256 KiB")
        stem = (
            "".join(ch for ch in Path(upload.filename).stem if ch.isalnum() or ch in "-_")[:80] or "uploaded"
        )
        with tempfile.TemporaryDirectory(prefix="grader-assessment-") as tmp:
            path = Path(tmp) / f"{stem}.toml"
            path.write_bytes(raw)
            a = load_assessment(str(path))
        a.challenges(pack)
        return a.title, a.summary, a.name, a.time_limit, dict(a.weights)
    chosen = [cid for cid in form.getlist("challenge") if cid in pack]
    if not chosen:
        raise UsageError("pick at least one challenge")
    weights: dict[str, float] = {}
    for cid in chosen:
        try:
            weight = float(form.get(f"weight-{cid}") or 1)
        except ValueError:
            raise UsageError(f"the weight of {cid} must be a number") from None
        if not 0 < weight <= 100:
            raise UsageError(f"the weight of {cid} must be above 0 and at most 100")
        weights[cid] = weight
    try:
        limit = int(form.get("time_limit") or 120)
    except ValueError:
        raise UsageError("the time limit is a whole number of minutes") from None
    title = (form.get("title") or "").strip() or "Take-home"
    return title, "", "", max(1, limit), weights


# -- the cohort ----------------------------------------------------------------------


@dataclass
class CohortRow:
    """What the cohort page and the export show of one submission (read as plain columns)."""

    id: int
    name: str
    status: str
    percent: float | None
    score: float | None
    max_score: float | None
    overridden: bool
    decision: str
    created_at: datetime
    duration: float | None
    flags: int
    machine_score: float | None
    grader_version: str | None
    pack_digest: str | None
    backend: str | None


def cohort_rows(assessment: Assessment) -> list[CohortRow]:
    query = (
        select(
            Submission.id,
            Submission.label,
            Submission.status,
            Submission.percent,
            Submission.score,
            Submission.max_score,
            Submission.overridden,
            Submission.decision,
            Submission.created_at,
            Invitation.id,
            Invitation.candidate_name,
            Grading.duration,
            Grading.flags,
            Grading.score,
            Grading.grader_version,
            Grading.pack_digest,
            Grading.backend,
        )
        .outerjoin(Invitation, Invitation.id == Submission.invitation_id)
        .outerjoin(Grading, Grading.id == Submission.grading_id)
        .where(Submission.assessment_id == assessment.id)
        .order_by(Submission.id)
    )
    hide = assessment.hides_names
    rows = []
    for (
        sid,
        label,
        status,
        percent,
        score,
        most,
        overridden,
        decision,
        created,
        inv_id,
        inv_name,
        duration,
        flags,
        machine,
        version,
        digest,
        backend,
    ) in db.session.execute(query):
        if inv_id is None:
            name = label
        else:
            name = f"Candidate {inv_id:03d}" if hide else inv_name
        rows.append(
            CohortRow(
                sid,
                name,
                status,
                percent,
                score,
                most,
                overridden,
                decision,
                created,
                duration,
                flags or 0,
                machine,
                version,
                digest,
                backend,
            )
        )
    return rows


def _filtered(rows: list[CohortRow], args: Any) -> list[CohortRow]:
    status, decision, q = args.get("status", ""), args.get("decision", ""), args.get("q", "").strip().lower()
    flagged = args.get("flagged") == "1"
    try:
        min_score = float(args.get("min", "") or -1)
    except ValueError:
        min_score = -1
    out = []
    for r in rows:
        if status and r.status != status:
            continue
        if decision and r.decision != decision:
            continue
        if q and q not in r.name.lower():
            continue
        if flagged and not r.flags:
            continue
        if min_score >= 0 and (r.percent is None or r.percent < min_score):
            continue
        out.append(r)
    return out


def _sorted(rows: list[CohortRow], key: str, descending: bool) -> list[CohortRow]:
    keys: dict[str, Any] = {
        "candidate": lambda r: r.name.lower(),
        "status": lambda r: r.status,
        "score": lambda r: -1 if r.percent is None else r.percent,
        "duration": lambda r: -1 if r.duration is None else r.duration,
        "flags": lambda r: r.flags,
        "decision": lambda r: r.decision,
        "submitted": lambda r: r.id,
    }
    return sorted(rows, key=lambda r: (keys[key](r), r.id), reverse=descending)


def item_analysis(assessment: Assessment, outcomes: Sequence[dict[str, str]]) -> list[dict[str, Any]]:
    """Per challenge, each test's pass rate among the candidates who attempted it."""
    ctx = store.context()
    columns: dict[str, list[str]] = {cid: [] for cid in assessment.weights}
    for o in outcomes:
        for cid, letters in o.items():
            if letters and cid in columns:
                columns[cid].append(letters)
    out = []
    for cid in assessment.weights:
        challenge = ctx.pack.get(cid)
        if challenge is None:
            continue
        specs = challenge.tests
        attempts = [letters for letters in columns[cid] if len(letters) == len(specs)]
        attempted = len(attempts)
        passed = (
            [column.count("p") for column in zip(*attempts, strict=True)] if attempts else [0] * len(specs)
        )
        items = [
            charts.Bar(
                label=spec.name,
                value=passed[i] / attempted if attempted else 0.0,
                note=f"{100 * passed[i] / attempted:.0f}%" if attempted else "-",
                title=f"{spec.name} ({spec.visibility}): {spec.rubric or 'no rubric line'}",
            )
            for i, spec in enumerate(specs)
        ]
        rate = sum(passed) / (attempted * len(specs)) if attempted and specs else None
        out.append(
            {
                "id": cid,
                "title": challenge.title,
                "attempted": attempted,
                "rate": rate,
                "chart": charts.bars(items) if attempted else None,
            }
        )
    return out


_STATS: dict[tuple[Any, ...], dict[str, Any]] = {}  # the cohort's plots, by what they are drawn from


def cohort_stats(assessment: Assessment) -> dict[str, Any]:
    """The score histogram, the mean and the item analysis of the graded submissions, drawn
    again only when a grading or an override changed them (kept per process)."""
    graded = (Submission.assessment_id == assessment.id, Submission.status == "graded")
    version = db.session.execute(
        select(
            func.count(),
            func.max(Submission.grading_id),
            func.sum(Submission.grading_id),
            func.sum(Submission.percent),
        ).where(*graded)
    ).one()
    key = (current_app.import_name, id(current_app), assessment.id, tuple(assessment.weights), *version)
    cached = _STATS.get(key)
    if cached is not None:
        return cached
    rows = db.session.execute(
        select(Submission.percent, Grading.outcomes)
        .join(Grading, Grading.id == Submission.grading_id)
        .where(*graded)
    ).all()
    percents = [p for p, _o in rows if p is not None]
    stats = {
        "histogram": charts.histogram(percents),
        "mean": sum(percents) / len(percents) if percents else None,
        "items": item_analysis(assessment, [o for _p, o in rows if o]),
    }
    if len(_STATS) > 64:
        _STATS.clear()
    _STATS[key] = stats
    return stats


PAGE = 100  # cohort rows (and invitations) per page
LATEST_INVITATIONS = 10  # on the cohort page; the rest on their own page
SIMILAR_SHOWN = 100  # flagged pairs (and leaked answers) listed on the cohort page, most alike first
SIDE_BY_SIDE_SHOWN = 3  # a submission's flagged pairs drawn side by side per challenge; the rest as links


@bp.route("/assessments/<int:assessment_id>")
def cohort(assessment_id: int) -> ResponseReturnValue:
    assessment = _assessment(assessment_id)
    everyone = cohort_rows(assessment)
    sort = request.args.get("sort", "score")
    sort = sort if sort in SORTS else "score"
    descending = request.args.get("dir", "desc" if sort in ("score", "submitted") else "asc") == "desc"
    matching = _sorted(_filtered(everyone, request.args), sort, descending)
    pages = max(1, -(-len(matching) // PAGE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    rows = matching[(page - 1) * PAGE : page * PAGE]
    stats = cohort_stats(assessment)
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.assessment_id == assessment.id)
        .order_by(Invitation.id.desc())
        .limit(LATEST_INVITATIONS)
    ).all()
    invitation_count = db.session.scalar(
        select(func.count()).select_from(Invitation).where(Invitation.assessment_id == assessment.id)
    )
    similar = _similarity_of(assessment)
    return render_template(
        "cohort.html",
        similar=similar,
        shown_pairs=sorted(similar.report.flagged_pairs, key=lambda p: -p.similarity)[:SIMILAR_SHOWN],
        shown_leaks=sorted(similar.report.flagged_references, key=lambda r: -r.similarity)[:SIMILAR_SHOWN],
        similar_to=similar.similar_to(),
        bars={c.id: c for c in similar.report.challenges},
        names={r.id: r.name for r in everyone},
        lines_of=lines_of,
        assessment=assessment,
        rows=rows,
        total=len(everyone),
        matching=len(matching),
        page=page,
        pages=pages,
        first=(page - 1) * PAGE,
        sort=sort,
        descending=descending,
        args=request.args,
        histogram=stats["histogram"],
        items=stats["items"],
        mean=stats["mean"],
        invitations=invitations,
        invitation_count=invitation_count,
        views=VIEW_LABELS,
        decisions=DECISIONS,
        now=now(),
        meter=charts.meter,
    )


@bp.route("/assessments/<int:assessment_id>/invitations")
def invitations(assessment_id: int) -> ResponseReturnValue:
    assessment = _assessment(assessment_id)
    count = db.session.scalar(
        select(func.count()).select_from(Invitation).where(Invitation.assessment_id == assessment.id)
    )
    pages = max(1, -(-(count or 0) // PAGE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    rows = db.session.scalars(
        select(Invitation)
        .where(Invitation.assessment_id == assessment.id)
        .order_by(Invitation.id.desc())
        .offset((page - 1) * PAGE)
        .limit(PAGE)
    ).all()
    return render_template(
        "invitations.html",
        assessment=assessment,
        invitations=rows,
        invitation_count=count,
        page=page,
        pages=pages,
        now=now(),
    )


def export_rows(assessment: Assessment) -> list[dict[str, Any]]:
    out = []
    for r in cohort_rows(assessment):
        out.append(
            {
                "submission": r.id,
                "candidate": r.name,
                "status": r.status,
                "score": r.score,
                "max_score": r.max_score,
                "percent": r.percent,
                "machine_score": r.machine_score,
                "overridden": r.overridden,
                "decision": r.decision,
                "duration": round(r.duration, 3) if r.duration is not None else None,
                "flags": r.flags,
                "grader_version": r.grader_version,
                "pack_digest": r.pack_digest,
                "backend": r.backend,
                "submitted_at": r.created_at.isoformat(timespec="seconds"),
                "url": url_for("reviews.submission", submission_id=r.id, _external=True),
            }
        )
    return out


@bp.route("/assessments/<int:assessment_id>/export.<fmt>")
def export(assessment_id: int, fmt: str) -> ResponseReturnValue:
    assessment = _assessment(assessment_id)
    rows = export_rows(assessment)
    name = f"assessment-{assessment.id}"
    if fmt == "json":
        body = json.dumps(
            {"assessment": {"id": assessment.id, "title": assessment.title}, "rows": rows}, indent=2
        )
        return Response(
            body,
            mimetype="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
        )
    if fmt != "csv":
        abort(404)
    buffer = io.StringIO()
    columns = list(rows[0]) if rows else ["submission", "candidate", "status", "score", "decision"]
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value  # a spreadsheet would run it as a formula: names come from candidates
    return value


@bp.route("/assessments/<int:assessment_id>/invitations", methods=["POST"])
def invite(assessment_id: int) -> ResponseReturnValue:
    assessment = _assessment(assessment_id)
    name = request.form.get("candidate_name", "").strip()[:200]
    if not name:
        flash("Give the candidate's name.", "error")
        return redirect(url_for("reviews.cohort", assessment_id=assessment.id))
    try:
        days = float(request.form.get("expires_days") or 0)
        uploads = int(request.form.get("max_uploads") or 1)
    except ValueError:
        flash("Expiry is a number of days and uploads a whole number.", "error")
        return redirect(url_for("reviews.cohort", assessment_id=assessment.id))
    secret = security.new_secret()
    invitation = Invitation(
        assessment_id=assessment.id,
        candidate_name=name,
        candidate_email=request.form.get("candidate_email", "").strip()[:254],
        token_hash=security.digest(secret),
        expires_at=now() + timedelta(days=days) if days > 0 else None,
        max_uploads=max(1, min(uploads, 100)),
        created_by_id=g.user.id,
    )
    db.session.add(invitation)
    db.session.flush()
    store.audit(
        "invitation.create", f"invitation {invitation.id}", {"assessment": assessment.id}, user=g.user
    )
    db.session.commit()
    link = url_for("candidate.home", token=secret, _external=True)
    flash_link(invitation, link)
    return redirect(url_for("reviews.cohort", assessment_id=assessment.id, _anchor="invitations"))


def flash_link(invitation: Invitation, link: str) -> None:
    flash(f"Link for {invitation.candidate_name} (shown once; only its hash is kept): {link}", "link")


@bp.route("/invitations/<int:invitation_id>/link", methods=["POST"])
def new_link(invitation_id: int) -> ResponseReturnValue:
    invitation = db.session.get(Invitation, invitation_id) or abort(404)
    secret = security.new_secret()
    invitation.token_hash = security.digest(secret)
    invitation.revoked = False
    store.audit("invitation.new_link", f"invitation {invitation.id}", user=g.user)
    db.session.commit()
    flash_link(invitation, url_for("candidate.home", token=secret, _external=True))
    return redirect(url_for("reviews.cohort", assessment_id=invitation.assessment_id, _anchor="invitations"))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
def revoke_link(invitation_id: int) -> ResponseReturnValue:
    invitation = db.session.get(Invitation, invitation_id) or abort(404)
    invitation.revoked = True
    store.audit("invitation.revoke", f"invitation {invitation.id}", user=g.user)
    db.session.commit()
    flash(f"The link for {invitation.candidate_name} no longer works.", "info")
    return redirect(url_for("reviews.cohort", assessment_id=invitation.assessment_id, _anchor="invitations"))


@bp.route("/assessments/<int:assessment_id>/rerun", methods=["POST"])
def rerun_assessment(assessment_id: int) -> ResponseReturnValue:
    assessment = _assessment(assessment_id)
    subs = db.session.scalars(select(Submission).where(Submission.assessment_id == assessment.id)).all()
    count = store.rerun(subs, g.user)
    db.session.commit()
    _wake()
    flash(f"{counted(count, 'submission')} queued to be graded again.", "info")
    return redirect(url_for("reviews.cohort", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/reveal", methods=["POST"])
@admin_only
def reveal(assessment_id: int) -> ResponseReturnValue:
    assessment = _assessment(assessment_id)
    if assessment.revealed_at is None:
        assessment.revealed_at = now()
        store.audit("assessment.reveal", f"assessment {assessment.id}", user=g.user)
        db.session.commit()
    flash("Candidate names are now shown.", "info")
    return redirect(url_for("reviews.cohort", assessment_id=assessment.id))


def _wake() -> None:
    from grader.service import dispatcher_of

    dispatcher = dispatcher_of(current_app)
    if dispatcher is not None:
        dispatcher.notify()


# -- one submission ----------------------------------------------------------------------


@bp.route("/submissions/<int:submission_id>")
def submission(submission_id: int) -> ResponseReturnValue:
    sub = _submission(submission_id)
    ctx = store.context()
    grading = sub.grading
    original = GradeResult.from_json(grading.result) if grading else None
    overrides = store.overrides_of(sub.id)
    result = store.effective(original, overrides) if original else None
    test_overrides = {(o.challenge_id, o.test): o for o in overrides if o.test}
    challenge_overrides = {o.challenge_id: o for o in overrides if not o.test}
    solutions = sub.solutions or {}
    lines = store.highlighted_solutions(sub)
    views = []
    for c in result.challenges if result else ():
        challenge = ctx.pack.get(c.id)
        source = solutions.get(c.id)
        starter = challenge.starter_path.read_text(encoding="utf-8") if challenge else ""
        marked = [t.line for t in c.tests if t.line is not None and t.status != "passed"]
        views.append(
            {
                "result": c,
                "original": next(x for x in original.challenges if x.id == c.id) if original else None,
                "code": code.highlighted(lines[c.id], marked) if c.id in lines else None,
                "diff": code.diff(starter, source) if source is not None else None,
            }
        )
    same: list[int] = []
    if sub.archive_digest:
        same = list(
            db.session.scalars(
                select(Submission.id).where(
                    Submission.archive_digest == sub.archive_digest, Submission.id != sub.id
                )
            ).all()
        )
    comments = db.session.scalars(
        select(Comment).where(Comment.submission_id == sub.id).order_by(Comment.id)
    ).all()
    history = db.session.scalars(
        select(AuditEntry).where(AuditEntry.submission_id == sub.id).order_by(AuditEntry.id.desc())
    ).all()
    gradings = db.session.scalars(
        select(Grading).where(Grading.submission_id == sub.id).order_by(Grading.id.desc())
    ).all()
    return render_template(
        "submission.html",
        similar=_similar_views(sub, solutions),
        sub=sub,
        name=store.display_name(sub),
        grading=grading,
        result=result,
        original=original,
        challenges=views,
        test_overrides=test_overrides,
        challenge_overrides=challenge_overrides,
        comments=comments,
        history=history,
        gradings=gradings,
        same=same,
        decisions=DECISIONS,
    )


def _similarity_of(assessment: Assessment) -> similarity.CohortSimilarity:
    """The assessment's similarity; what this page leaves uncomputed (a large cohort) is asked
    of the queue's owner."""
    from grader.service import dispatcher_of

    found = similarity.for_assessment(assessment)
    dispatcher = dispatcher_of(current_app)
    if found.pending and dispatcher is not None:
        dispatcher.want_similarity(assessment.id)
    return found


@dataclass(frozen=True)
class SimilarView:
    """One flagged match of a submission in one challenge, drawn side by side."""

    challenge: str
    anchor: str
    heading: str
    other_id: int | None  # the other submission; None for a known solution
    similarity: float
    bar: float
    html: Markup  # grader.similarity.side_by_side, which escapes every text in it


def _similar_views(sub: Submission, solutions: dict[str, str]) -> dict[str, Any]:
    """What the submission page shows of similarity: each flagged pair and each match with a
    known solution, side by side, by challenge; or why the submission was not compared."""
    if sub.assessment is None:
        return {"compared": False, "why": "it belongs to no assessment", "by_challenge": {}, "more": {}}
    cohort = _similarity_of(sub.assessment)
    if sub.id not in cohort.members:
        later = db.session.scalar(
            select(func.max(Submission.id)).where(Submission.invitation_id == sub.invitation_id)
        )
        return {"compared": False, "why": "a later upload of the same invitation is compared instead",
                "later": later, "by_challenge": {}, "more": {}}  # fmt: skip
    bars = {c.id: c for c in cohort.report.challenges}
    by_challenge: dict[str, list[SimilarView]] = {}
    more: dict[str, list[int]] = {}  # flagged pairs beyond those drawn side by side
    others: dict[int, Submission] = {}
    mine = f"#{sub.id} {store.display_name(sub)}"
    for cid in solutions:
        views = by_challenge.setdefault(cid, [])
        summary = bars.get(cid)
        alike = sorted(cohort.pairs_of(sub.id, cid), key=lambda found: -found[1].similarity)
        for other_id, pair in alike[:SIDE_BY_SIDE_SHOWN]:
            other = others.get(other_id) or db.session.get(Submission, other_id)
            if other is None:
                continue
            others[other_id] = other
            name = f"#{other.id} {store.display_name(other)}"
            theirs = (other.solutions or {}).get(cid, "")
            views.append(
                SimilarView(
                    challenge=cid,
                    anchor=f"similar-{cid}-{other.id}",
                    heading=name,
                    other_id=other.id,
                    similarity=pair.similarity,
                    bar=summary.bar if summary else 0.0,
                    html=Markup(side_by_side(mine, solutions[cid], name, theirs, pair.matches)),
                )
            )
        for match in cohort.references_of(sub.id, cid):
            known = _known_solution(cid, match.solution)
            title = f"{cid}/solutions/{match.solution}"
            views.append(
                SimilarView(
                    challenge=cid,
                    anchor=f"similar-{cid}-known",
                    heading=f"the known solution {match.solution}",
                    other_id=None,
                    similarity=match.similarity,
                    bar=(summary.reference_bar or 0.0) if summary else 0.0,
                    html=Markup(side_by_side(mine, solutions[cid], title, known, match.matches)),
                )
            )
        if not views:
            del by_challenge[cid]
        if len(alike) > SIDE_BY_SIDE_SHOWN:
            more[cid] = [other_id for other_id, _ in alike[SIDE_BY_SIDE_SHOWN:]]
    return {"compared": True, "by_challenge": by_challenge, "more": more, "computed_at": cohort.computed_at}


def _known_solution(challenge_id: str, path: str) -> str:
    """A known solution's text, by its path inside the challenge's ``solutions/`` (as the
    similarity report names it); empty when the pack no longer has it."""
    challenge = store.context().pack.get(challenge_id)
    if challenge is None:
        return ""
    folder = (challenge.path / "solutions").resolve()
    target = (folder / path).resolve()
    if not target.is_relative_to(folder):
        return ""
    try:
        return target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


@bp.route("/similarity.css")
def similarity_css() -> ResponseReturnValue:
    """The side-by-side view's style (``grader.similarity.SIDE_BY_SIDE_CSS``): the pages' policy
    allows style sheets from this site only, never inline."""
    return Response(SIDE_BY_SIDE_CSS, mimetype="text/css", headers={"Cache-Control": "private, max-age=3600"})


def _score(raw: str, most: float) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if 0 <= value <= most else None


@bp.route("/submissions/<int:submission_id>/override", methods=["POST"])
def override(submission_id: int) -> ResponseReturnValue:
    sub = _submission(submission_id)
    back = redirect(url_for("reviews.submission", submission_id=sub.id))
    if sub.grading is None:
        flash("There is no grading to override yet.", "error")
        return back
    result = store.effective(GradeResult.from_json(sub.grading.result), store.overrides_of(sub.id))
    original = GradeResult.from_json(sub.grading.result)
    cid, test = request.form.get("challenge", ""), request.form.get("test", "")
    reason = request.form.get("reason", "").strip()
    challenge = next((c for c in result.challenges if c.id == cid), None)
    before = next((c for c in original.challenges if c.id == cid), None)
    if challenge is None or before is None:
        abort(400)
    if test:
        target = next((t for t in challenge.tests if t.name == test), None)
        first = next((t for t in before.tests if t.name == test), None)
        if target is None or first is None:
            abort(400)
        most, was, machine = target.max_score, target.score, first.score
    else:
        most, was, machine = challenge.max_score, challenge.score, before.score
    score = _score(request.form.get("score", ""), most)
    if not reason:
        flash("An override needs a reason.", "error")
        return back
    if score is None:
        flash(f"The score must be a number from 0 to {most:g}.", "error")
        return back
    db.session.add(
        Override(
            submission_id=sub.id,
            challenge_id=cid,
            test=test,
            original_score=machine,
            score=score,
            reason=reason[:2000],
            user_id=g.user.id,
        )
    )
    db.session.flush()
    where = f"{cid} / {test}" if test else cid
    store.audit(
        "override",
        f"submission {sub.id}",
        {
            "challenge": cid,
            "test": test,
            "from": was,
            "to": score,
            "machine": machine,
            "reason": reason[:2000],
        },
        user=g.user,
        submission_id=sub.id,
    )
    store.refresh_score(sub)
    db.session.commit()
    flash(f"Override saved: {where} now scores {score:g} (was {was:g}).", "info")
    return back


@bp.route("/submissions/<int:submission_id>/comment", methods=["POST"])
def comment(submission_id: int) -> ResponseReturnValue:
    sub = _submission(submission_id)
    body = request.form.get("body", "").strip()
    if body:
        db.session.add(Comment(submission_id=sub.id, user_id=g.user.id, body=body[:10000]))
        store.audit("comment", f"submission {sub.id}", user=g.user, submission_id=sub.id)
        db.session.commit()
    else:
        flash("A comment cannot be empty.", "error")
    return redirect(url_for("reviews.submission", submission_id=sub.id, _anchor="comments"))


@bp.route("/submissions/<int:submission_id>/decision", methods=["POST"])
def decision(submission_id: int) -> ResponseReturnValue:
    sub = _submission(submission_id)
    chosen = request.form.get("decision", "")
    if chosen not in DECISIONS:
        abort(400)
    if chosen != sub.decision:
        store.audit(
            "decision",
            f"submission {sub.id}",
            {"from": sub.decision, "to": chosen},
            user=g.user,
            submission_id=sub.id,
        )
        sub.decision = chosen
        db.session.commit()
    flash(f"Decision: {chosen}.", "info")
    return redirect(url_for("reviews.submission", submission_id=sub.id))


@bp.route("/submissions/<int:submission_id>/rerun", methods=["POST"])
def rerun_submission(submission_id: int) -> ResponseReturnValue:
    sub = _submission(submission_id)
    count = store.rerun([sub], g.user)
    db.session.commit()
    _wake()
    flash("Queued to be graded again." if count else "It is already queued or running.", "info")
    return redirect(url_for("reviews.submission", submission_id=sub.id))


@bp.route("/submissions/<int:submission_id>/archive")
def archive(submission_id: int) -> ResponseReturnValue:
    sub = _submission(submission_id)
    # The name is the candidate's: Werkzeug quotes it into the header (an ASCII ``filename``
    # and an RFC 5987 ``filename*``), so no character of it can end the name or add another.
    response = send_file(
        io.BytesIO(sub.archive),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=f"submission-{sub.id}-{sub.filename}",
        etag=False,
    )
    response.headers["Cache-Control"] = "no-store"  # as every other page of a candidate's
    return response


# -- operations ----------------------------------------------------------------------------


@bp.route("/workers")
def workers() -> ResponseReturnValue:
    from grader.service import dispatcher_of

    dispatcher = dispatcher_of(current_app)
    status = dispatcher.queue.status() if dispatcher is not None else None
    counts: dict[str, int] = dict(
        db.session.execute(select(Submission.status, func.count()).group_by(Submission.status)).tuples().all()
    )
    running = db.session.scalars(
        select(Submission)
        .where(Submission.status.in_(("queued", "running")))
        .order_by(Submission.id)
        .limit(200)
    ).all()
    lease = db.session.execute(select(func.max(Grading.created_at))).scalar()
    return render_template(
        "workers.html",
        status=status,
        counts=counts,
        pending=running,
        owner=dispatcher.holder if dispatcher is not None else "",
        leader=dispatcher.leader if dispatcher is not None else False,
        last_graded=lease,
        now=now(),
    )


@bp.route("/audit")
@admin_only
def audit_log() -> ResponseReturnValue:
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500)).all()
    return render_template("audit.html", entries=entries)
