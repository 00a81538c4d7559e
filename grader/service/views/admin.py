"""Managing users and API tokens: admins only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from grader.errors import UsageError
from grader.service import accounts, store
from grader.service.models import ROLES, ApiToken, User, db
from grader.service.views import admin_only

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@admin_only
def users() -> ResponseReturnValue:
    if request.method == "POST":
        try:
            user = accounts.add_user(
                request.form.get("email", ""),
                request.form.get("password", ""),
                request.form.get("role", "reviewer"),
                request.form.get("name", ""),
                actor=g.user.email,
            )
        except UsageError as exc:
            flash(exc.message, "error")
        else:
            flash(f"Added {user.email} ({user.role}).", "info")
        return redirect(url_for("admin.users"))
    rows = db.session.scalars(select(User).order_by(User.id)).all()
    return render_template("users.html", users=rows, roles=ROLES)


@bp.route("/users/<int:user_id>", methods=["POST"])
@admin_only
def update_user(user_id: int) -> ResponseReturnValue:
    user = db.session.get(User, user_id) or abort(404)
    if user.id == g.user.id:
        flash("You cannot change your own account here.", "error")
        return redirect(url_for("admin.users"))
    role, active = request.form.get("role", user.role), request.form.get("active") == "on"
    if role not in ROLES:
        abort(400)
    store.audit(
        "user.update",
        f"user {user.id}",
        {"role": [user.role, role], "active": [user.active, active]},
        user=g.user,
    )
    user.role, user.active = role, active
    db.session.commit()
    flash(f"Updated {user.email}.", "info")
    return redirect(url_for("admin.users"))


@bp.route("/tokens", methods=["GET", "POST"])
@admin_only
def tokens() -> ResponseReturnValue:
    if request.method == "POST":
        try:
            token, secret = accounts.add_token(
                request.form.get("name", ""),
                actor=g.user.email,
                audience=request.form.get("audience", "candidate"),
            )
        except UsageError as exc:
            flash(exc.message, "error")
        else:
            flash(f"Token “{token.name}” (shown once; only its hash is kept): {secret}", "link")
        return redirect(url_for("admin.tokens"))
    rows = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
    return render_template("tokens.html", tokens=rows)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@admin_only
def revoke(token_id: int) -> ResponseReturnValue:
    token = db.session.get(ApiToken, token_id) or abort(404)
    accounts.revoke_token(token, g.user.email)
    flash(f"Revoked “{token.name}”.", "info")
    return redirect(url_for("admin.tokens"))
