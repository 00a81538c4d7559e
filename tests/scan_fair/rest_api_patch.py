"""A todo API: PATCH sets fields with setattr, sorting reads columns with getattr."""

from __future__ import annotations

import logging
import traceback
from http import HTTPStatus

from flask import Blueprint, abort, g, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from werkzeug.exceptions import HTTPException

db = SQLAlchemy()
bp = Blueprint("todos", __name__)
log = logging.getLogger(__name__)

EDITABLE = {"title": str, "done": bool, "priority": int}
SORTABLE = ("id", "title", "priority", "created_at")


class Todo(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    done = db.Column(db.Boolean, nullable=False, default=False)
    priority = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(db.DateTime, server_default=db.func.now())

    def to_dict(self) -> dict[str, object]:
        return {c.name: getattr(self, c.name) for c in self.__table__.columns if c.name != "created_at"}


def _validated(data: object, *, partial: bool) -> dict[str, object]:
    if not isinstance(data, dict):
        abort(HTTPStatus.BAD_REQUEST, "the body must be a JSON object")
    unknown = set(data) - set(EDITABLE)
    if unknown:
        abort(400, f"unknown fields: {', '.join(sorted(unknown))}")
    fields = {}
    for key, kind in EDITABLE.items():
        if key not in data:
            if not partial and key == "title":
                abort(400, "title is required")
            continue
        value = data[key]
        if type(value) is not kind:
            abort(400, f"{key} must be {kind.__name__}")
        fields[key] = value
    return fields


@bp.before_request
def remember_caller() -> None:
    g.caller = request.headers.get("X-Caller", "anonymous")


@bp.get("/todos")
def list_todos():
    sort = request.args.get("sort", "id")
    descending = sort.startswith("-")
    field = sort.lstrip("-")
    if field not in SORTABLE:
        abort(400, f"cannot sort by {field}")
    column = getattr(Todo, field)
    order = column.desc() if descending else column.asc()
    todos = db.session.scalars(db.select(Todo).order_by(order, Todo.id)).all()
    return jsonify([t.to_dict() for t in todos])


@bp.patch("/todos/<int:todo_id>")
def update_todo(todo_id: int):
    todo = db.get_or_404(Todo, todo_id)
    for key, value in _validated(request.get_json(silent=True), partial=True).items():
        setattr(todo, key, value)
    db.session.commit()
    log.info("%s updated todo %s", g.caller, todo.id)
    return jsonify(todo.to_dict())


@bp.errorhandler(HTTPException)
def as_json(error: HTTPException):
    return jsonify(error=error.description), error.code


@bp.errorhandler(Exception)
def unexpected(error: Exception):
    log.error("unexpected error: %s", "".join(traceback.format_exception(error)))
    db.session.rollback()
    return jsonify(error="internal error"), 500
