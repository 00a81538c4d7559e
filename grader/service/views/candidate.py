"""The candidate's link: ``/c/<token>``. The token is the only key: it reaches its own
invitation (the kit, the upload, that invitation's results as the assessment allows)
and nothing else; an unknown or revoked token gets a 404, like any other wrong URL."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select, update

from grader.assessment import Assessment as KitAssessment
from grader.errors import SubmissionError
from grader.kit import make_kit
from grader.service import security, store
from grader.service.models import Invitation, Submission, db, now

bp = Blueprint("candidate", __name__, url_prefix="/c")


def _invitation(token: str) -> Invitation:
    if not 20 <= len(token) <= 100:
        abort(404)
    found = db.session.scalars(
        select(Invitation).where(Invitation.token_hash == security.digest(token))
    ).first()
    if found is None or found.revoked:
        abort(404)
    return found


def _closed(invitation: Invitation) -> str:
    """Why no more uploads are taken, or an empty string."""
    if invitation.expires_at is not None and invitation.expires_at <= now():
        return "This invitation has expired."
    if invitation.uploads >= invitation.max_uploads:
        return f"You have used all {invitation.max_uploads} upload(s) of this invitation."
    return ""


@bp.route("/<token>")
def home(token: str) -> ResponseReturnValue:
    invitation = _invitation(token)
    if invitation.opened_at is None:
        invitation.opened_at = now()
        db.session.commit()
    subs = db.session.scalars(
        select(Submission).where(Submission.invitation_id == invitation.id).order_by(Submission.id.desc())
    ).all()
    ctx = store.context()
    challenges = [ctx.pack[cid] for cid in invitation.assessment.weights if cid in ctx.pack]
    return render_template(
        "candidate.html",
        token=token,
        invitation=invitation,
        assessment=invitation.assessment,
        challenges=challenges,
        submissions=subs,
        closed=_closed(invitation),
        max_mib=(current_app.config["MAX_CONTENT_LENGTH"] or 0) / (1024 * 1024),
    )


@bp.route("/<token>/kit.zip")
def kit(token: str) -> ResponseReturnValue:
    invitation = _invitation(token)
    assessment = invitation.assessment
    ctx = store.context()
    challenges = [ctx.pack[cid] for cid in assessment.weights if cid in ctx.pack]
    info = KitAssessment(
        assessment.name or "take-home",
        assessment.title,
        assessment.summary,
        assessment.time_limit,
        dict(assessment.weights),
    )
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="grader-kit-") as tmp:
        root = Path(tmp) / "kit"
        make_kit(root, challenges, info)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, f"kit/{path.relative_to(root).as_posix()}")
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name="kit.zip")


@bp.route("/<token>/upload", methods=["POST"])
def upload(token: str) -> ResponseReturnValue:
    invitation = _invitation(token)
    back = redirect(url_for("candidate.home", token=token))
    reason = _closed(invitation)
    if reason:
        flash(reason, "error")
        return back
    file = request.files.get("file")
    if file is None or not file.filename:
        flash("Choose your .zip or .tar.gz file first.", "error")
        return back
    data = file.read()
    taken = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.uploads < Invitation.max_uploads)
        .values(uploads=Invitation.uploads + 1)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        db.session.rollback()
        flash("You have no uploads left on this invitation.", "error")
        return back
    # The slot is taken and committed before the archive is read: reading and highlighting
    # it takes as long as its author makes it (seconds), and must hold no lock meanwhile
    # (on SQLite one writer stalls every other). A refused upload gives its slot back.
    db.session.commit()
    assessment = invitation.assessment
    try:
        sub = store.create_submission(
            weights=assessment.weights,
            label=invitation.candidate_name,
            filename=file.filename,
            data=data,
            source="candidate",
            assessment=assessment,
            invitation=invitation,
        )
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        db.session.execute(
            update(Invitation).where(Invitation.id == invitation.id).values(uploads=Invitation.uploads - 1)
        )
        db.session.commit()
        if not isinstance(exc, SubmissionError):
            raise
        flash(f"Your upload was refused (it does not count as one): {exc.message}", "error")
        return back
    from grader.service.views.reviews import _wake

    _wake()
    flash("Received. Your submission is being graded; this page shows when it is done.", "info")
    return redirect(url_for("candidate.result", token=token, submission_id=sub.id))


@bp.route("/<token>/submissions/<int:submission_id>")
def result(token: str, submission_id: int) -> ResponseReturnValue:
    invitation = _invitation(token)
    sub = db.session.get(Submission, submission_id)
    if sub is None or sub.invitation_id != invitation.id:
        abort(404)
    return render_template(
        "candidate_result.html",
        token=token,
        invitation=invitation,
        sub=sub,
        view=invitation.assessment.candidate_view,
        result=store.candidate_result(sub) if sub.status == "graded" else None,
    )
