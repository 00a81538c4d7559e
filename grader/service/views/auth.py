"""Signing in and out (rate-limited; passwords checked against their hashes)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from grader.sanitize import counted
from grader.service import security
from grader.service.models import User, db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if not target:
        return url_for("reviews.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("reviews.index")
    return target


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> ResponseReturnValue:
    if request.method != "POST":
        if g.get("user") is not None:
            return redirect(url_for("reviews.index"))
        return render_template("signin.html", next=request.args.get("next", ""))
    email = request.form.get("email", "").strip().lower()[:254]
    password = request.form.get("password", "")
    address = security.client_address()
    wait = security.sign_in_blocked(email, address)
    if wait is not None:
        minutes = max(1, round(wait.total_seconds() / 60))
        flash(f"Too many failed sign-ins. Try again in {counted(minutes, 'minute')}.", "error")
        return render_template("signin.html", next=request.form.get("next", ""), email=email), 429
    user = db.session.scalars(select(User).where(func.lower(User.email) == email)).first()
    ok = user is not None and user.active and security.password_matches(user.password_hash, password)
    security.record_attempt(email, address, ok)
    if not ok or user is None:
        flash("That e-mail and password do not match an active account.", "error")
        return render_template("signin.html", next=request.form.get("next", ""), email=email), 401
    from grader.service import session_version

    session.clear()
    session.permanent = True
    session["uid"] = user.id
    session["sv"] = session_version(user)
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/signout", methods=["POST"])
def signout() -> ResponseReturnValue:
    session.clear()
    flash("Signed out.", "info")
    return redirect(url_for("auth.signin"))
