"""Known-good: legacy columns with a server-side default, a single dispatching view per URL,
a Content-Type check plus json.loads, hand-built JSON Responses, and an ORM-enabled UPDATE
statement for PATCH."""

import json

from flask import Blueprint, Response, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import delete, select, update

db = SQLAlchemy()
bp = Blueprint("todos_bp", __name__, url_prefix=None)


class Todo(db.Model):
    __tablename__ = "task"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    done = db.Column(db.Boolean, nullable=False, server_default=db.text("0"))
    notes = db.Column(db.Text)


def reply(payload, status=200):
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def error(message, status):
    return reply({"error": message}, status)


def to_json(todo):
    return {"id": todo.id, "title": todo.title, "done": todo.done}


class Invalid(Exception):
    pass


def parse(partial):
    if request.mimetype != "application/json":
        raise Invalid("send application/json")
    try:
        data = json.loads(request.get_data(as_text=True))
    except json.JSONDecodeError:
        raise Invalid("malformed JSON") from None
    if type(data) is not dict:
        raise Invalid("expected a JSON object")
    values = {}
    if "title" in data or not partial:
        if type(data.get("title")) is not str or len(data["title"]) == 0:
            raise Invalid("title must be a non-empty string")
        values["title"] = data["title"]
    if "done" in data:
        if type(data["done"]) is not bool:
            raise Invalid("done must be a boolean")
        values["done"] = data["done"]
    return values


@bp.route("/todos", methods=["GET", "POST"])
def collection():
    if request.method == "GET":
        stmt = select(Todo).order_by(Todo.id)
        filters = {"true": True, "false": False}
        if request.args.get("done") in filters:
            stmt = stmt.where(Todo.done == filters[request.args["done"]])
        return reply([to_json(t) for t in db.session.execute(stmt).scalars()])
    try:
        values = parse(partial=False)
    except Invalid as exc:
        return error(str(exc), 400)
    todo = Todo(**values)
    db.session.add(todo)
    db.session.commit()
    return reply(to_json(todo), 201)


@bp.route("/todos/<int:todo_id>", methods=["GET", "PATCH", "DELETE"])
def item(todo_id):
    todo = db.session.execute(select(Todo).where(Todo.id == todo_id)).scalar_one_or_none()
    if todo is None:
        return error(f"todo {todo_id} not found", 404)
    if request.method == "GET":
        return reply(to_json(todo))
    if request.method == "DELETE":
        db.session.execute(delete(Todo).where(Todo.id == todo_id))
        db.session.commit()
        return Response(status=204)
    try:
        values = parse(partial=True)
    except Invalid as exc:
        return error(str(exc), 400)
    if values:
        db.session.execute(update(Todo).where(Todo.id == todo_id).values(**values))
    db.session.commit()
    return reply(to_json(db.session.get(Todo, todo_id)))
