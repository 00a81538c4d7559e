"""Known-bad: the list is read with a raw text() query, whose rows give done as SQLite's 0/1
integers, so the listed todos have "done": 0 or 1 instead of a JSON boolean."""

import json

from flask import Blueprint, abort, jsonify, make_response, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, delete, select, text
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()
bp = Blueprint("todo", __name__)


class Todo(db.Model):
    __tablename__ = "todo_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(default=False, server_default="0")


def fail(status: int, message: str):
    abort(make_response(jsonify({"error": message}), status))


def serialize(todo: Todo) -> dict:
    return {"id": todo.id, "title": todo.title, "done": bool(todo.done)}


def read_object() -> dict:
    if request.mimetype != "application/json":
        fail(400, "Content-Type must be application/json")
    try:
        payload = json.loads(request.get_data(as_text=True))
    except ValueError:
        fail(400, "malformed JSON")
    if not isinstance(payload, dict):
        fail(400, "a JSON object is required")
    return payload


def check(payload: dict, partial: bool) -> dict:
    out = {}
    if "title" in payload or not partial:
        title = payload.get("title")
        if not (isinstance(title, str) and len(title) > 0):
            fail(400, "title: a non-empty string is required")
        out["title"] = title
    if "done" in payload:
        if not isinstance(payload["done"], bool):
            fail(400, "done: a boolean is required")
        out["done"] = payload["done"]
    return out


def get_or_fail(todo_id: int) -> Todo:
    todo = db.session.scalars(select(Todo).where(Todo.id == todo_id)).first()
    if todo is None:
        fail(404, "todo not found")
    return todo


@bp.route("/todos", methods=["GET", "POST"])
def collection():
    if request.method == "POST":
        todo = Todo(**check(read_object(), partial=False))
        db.session.add(todo)
        db.session.commit()
        return jsonify(serialize(todo)), 201
    sql = "SELECT id, title, done FROM todo_items"
    params = {}
    if request.args.get("done") in ("true", "false"):
        sql += " WHERE done = :done"
        params["done"] = request.args["done"] == "true"
    rows = db.session.execute(text(sql + " ORDER BY id"), params).mappings()
    return jsonify([dict(row) for row in rows])


@bp.get("/todos/<int:todo_id>")
def item(todo_id: int):
    return jsonify(serialize(get_or_fail(todo_id)))


@bp.patch("/todos/<int:todo_id>")
def update(todo_id: int):
    todo = get_or_fail(todo_id)
    changes = check(read_object(), partial=True)
    for name, value in changes.items():
        setattr(todo, name, value)
    db.session.commit()
    return jsonify(serialize(todo))


@bp.delete("/todos/<int:todo_id>")
def destroy(todo_id: int):
    result = db.session.execute(delete(Todo).where(Todo.id == todo_id))
    db.session.commit()
    if result.rowcount == 0:
        fail(404, "todo not found")
    return "", 204
