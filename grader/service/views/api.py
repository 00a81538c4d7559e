"""The API for CI: ``Authorization: Bearer TOKEN`` (``grader tokens add NAME``).

- ``POST /api/v1/submissions``: multipart ``file``, plus ``assessment`` (an id) or one
  or more ``challenge``; optional ``name``. ``201 {"id": N, "status": "queued"}``.
- ``GET /api/v1/submissions/<id>``: ``{"id", "status", "result"}``, the result in the
  token's audience (results schema v1), or null until graded.
- ``GET /api/v1/submissions?assessment=ID``: the submissions, newest first.

A token reads only the submissions it made itself: a CI token may sit in a candidate's
own pipeline, and must not open another candidate's answer, name, decision or result. For
the same reason a token sees results as a candidate does (no hidden test's text, no
decision) unless it was made for reviewers (``grader tokens add NAME --audience reviewer``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from grader.errors import SubmissionError
from grader.results import GradeResult
from grader.service import accounts, store
from grader.service.models import Assessment, Submission, db, now

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def authenticate() -> ResponseReturnValue | None:
    """The guard for every API route: a valid bearer token, else 401."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token = accounts.find_token(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
    if token is None:
        response = jsonify(error="a valid API token is required: Authorization: Bearer TOKEN")
        response.headers["WWW-Authenticate"] = 'Bearer realm="grader"'
        return response, 401
    token.last_used_at = now()
    db.session.commit()
    g.token = token
    return None


def _error(message: str, status: int = 400) -> ResponseReturnValue:
    return jsonify(error=message), status


def _summary(sub: Submission) -> dict[str, Any]:
    summary = {
        "id": sub.id,
        "status": sub.status,
        "name": store.display_name(sub),  # an alias while an anonymous assessment hides names
        "assessment": sub.assessment_id,
        "score": sub.score,
        "max_score": sub.max_score,
        "percent": sub.percent,
        "decision": sub.decision,
        "error": sub.error,
        "submitted_at": sub.created_at.isoformat(timespec="seconds"),
        "url": url_for("reviews.submission", submission_id=sub.id, _external=True),
    }
    if g.token.audience != "reviewer":
        del summary["decision"]  # the team's, not the candidate's
    return summary


def _result(sub: Submission) -> dict[str, Any] | None:
    """The latest grading's result as the token's audience may see it, or None until graded."""
    if sub.grading is None or sub.status != "graded":
        return None
    if g.token.audience == "reviewer":
        return sub.grading.result
    return store.as_candidate(GradeResult.from_json(sub.grading.result)).as_json()


@bp.route("/submissions", methods=["POST"])
def create() -> ResponseReturnValue:
    file = request.files.get("file")
    if file is None or not file.filename:
        return _error("send the submission archive as the multipart field 'file'")
    assessment = None
    spec = request.form.get("assessment", "").strip()
    ids = [c.strip() for c in request.form.getlist("challenge") if c.strip()]
    ctx = store.context()
    if spec and ids:
        return _error("give 'assessment' or 'challenge', not both")
    if spec:
        assessment = db.session.get(Assessment, int(spec)) if spec.isdigit() else None
        if assessment is None:
            return _error(f"no assessment {spec}", 404)
        weights = dict(assessment.weights)
    elif ids:
        unknown = [c for c in ids if c not in ctx.pack]
        if unknown:
            return _error(f"unknown challenge(s): {', '.join(unknown)}")
        weights = {c: 1.0 for c in dict.fromkeys(ids)}
    else:
        return _error("give 'assessment' (an id) or one or more 'challenge'")
    try:
        sub = store.create_submission(
            weights=weights,
            label=(request.form.get("name") or file.filename or "submission").strip(),
            filename=file.filename,
            data=file.read(),
            source="api",
            assessment=assessment,
            token_id=g.token.id,
        )
    except SubmissionError as exc:
        db.session.rollback()
        return _error(exc.message, 422)
    db.session.commit()
    from grader.service.views.reviews import _wake

    _wake()
    response = jsonify(id=sub.id, status=sub.status)
    response.headers["Location"] = url_for("api.show", submission_id=sub.id)
    return response, 201


@bp.route("/submissions/<int:submission_id>")
def show(submission_id: int) -> ResponseReturnValue:
    sub = db.session.get(Submission, submission_id)
    if sub is None or sub.token_id != g.token.id:  # another's is "not found", as a missing one
        return _error("not found", 404)
    return jsonify({**_summary(sub), "result": _result(sub)})


@bp.route("/submissions")
def index() -> ResponseReturnValue:
    query = (
        select(Submission).where(Submission.token_id == g.token.id).order_by(Submission.id.desc()).limit(1000)
    )
    spec = request.args.get("assessment", "").strip()
    if spec:
        if not spec.isdigit():
            return _error("assessment is an id")
        query = query.where(Submission.assessment_id == int(spec))
    return jsonify(submissions=[_summary(s) for s in db.session.scalars(query).all()])
