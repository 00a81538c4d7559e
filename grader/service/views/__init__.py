"""The service's blueprints, and the one place that decides who may reach each of them.

Every request passes ``guard`` before its view runs. Only these are open to anyone:
sign-in, static files, and the candidate link (``/c/<token>/...``, where the token is
the authorisation: a token reaches its own invitation only). The API takes a bearer
token. Everything else needs a signed-in user, and views marked ``admin_only`` an admin.
A new route is therefore closed until it is listed here, and
``tests/test_service_security.py`` walks the URL map to prove it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError

F = TypeVar("F", bound=Callable[..., Any])
OPEN_ENDPOINTS = frozenset({"auth.signin", "static"})
OPEN_BLUEPRINTS = frozenset({"candidate"})  # the link's token is checked by each view


def admin_only(view: F) -> F:
    """Mark ``view`` as for admins (the guard refuses everyone else with 403)."""
    view.admin_only = True  # type: ignore[attr-defined]
    return view


def guard() -> ResponseReturnValue | None:
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no such route: 404 (or 405) follows
    blueprint = endpoint.partition(".")[0] if "." in endpoint else ""
    if endpoint in OPEN_ENDPOINTS or blueprint in OPEN_BLUEPRINTS:
        return None
    if blueprint == "api":
        from grader.service.views.api import authenticate

        return authenticate()
    if g.get("user") is None:
        return redirect(url_for("auth.signin", next=request.full_path if request.method == "GET" else None))
    view = current_app.view_functions.get(endpoint)
    if getattr(view, "admin_only", False) and not g.user.is_admin:
        return render_template("error.html", title="Not allowed", message="This page is for admins."), 403
    return None


def register(app: Flask) -> None:
    from grader.service import csrf
    from grader.service.views import admin, api, auth, candidate, reviews

    app.register_blueprint(auth.bp)
    app.register_blueprint(reviews.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(candidate.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # bearer tokens, no cookies: nothing for a forged form to ride on
    app.before_request(guard)
    # The guard runs after the session's user is loaded (registered in create_app first).

    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError) -> ResponseReturnValue:
        message = "The form was stale or did not come from this site; go back, reload the page and try again."
        return render_template("error.html", title="Form expired", message=message), 400

    @app.errorhandler(413)
    def too_large(_exc: Exception) -> ResponseReturnValue:
        limit = (app.config["MAX_CONTENT_LENGTH"] or 0) / (1024 * 1024)
        message = f"The upload is larger than {limit:g} MiB, the most this service accepts."
        if request.blueprint == "api":
            return jsonify(error=message), 413
        return render_template("error.html", title="File too large", message=message), 413

    @app.errorhandler(404)
    def not_found(_exc: Exception) -> ResponseReturnValue:
        if request.blueprint == "api":
            return jsonify(error="not found"), 404
        return render_template("error.html", title="Not found", message="There is nothing here."), 404
