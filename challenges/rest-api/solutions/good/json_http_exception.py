"""Known-good: legacy columns and Todo.query; a werkzeug HTTPException subclass that renders
itself as JSON (get_body/get_headers), raised from the views; request.get_json() inside a
try/except of werkzeug's BadRequest and UnsupportedMediaType; delete by a bulk
Query.delete() whose row count decides 204 or 404; a bare Response for 204."""

import json

from flask import Blueprint, Response, request
from flask_sqlalchemy import SQLAlchemy
from werkzeug.exceptions import BadRequest, HTTPException, UnsupportedMediaType

db = SQLAlchemy()
bp = Blueprint("todos", __name__)


class ApiError(HTTPException):
    def __init__(self, code, message):
        super().__init__(description=message)
        self.code = code

    def get_body(self, environ=None, scope=None):
        return json.dumps({"error": self.description})

    def get_headers(self, environ=None, scope=None):
        return [("Content-Type", "application/json")]


class Todo(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    done = db.Column(db.Boolean, nullable=False, default=False)

    def as_json(self):
        return {"id": self.id, "title": self.title, "done": self.done}


def json_object():
    try:
        data = request.get_json()
    except (BadRequest, UnsupportedMediaType):
        raise ApiError(400, "the body must be JSON") from None
    if type(data) is not dict:
        raise ApiError(400, "the body must be a JSON object")
    return data


def validated(data, *, require_title):
    changes = {}
    if require_title or "title" in data:
        title = data.get("title")
        if type(title) is not str or not title:
            raise ApiError(400, "title must be a non-empty string")
        changes["title"] = title
    if "done" in data:
        if type(data["done"]) is not bool:
            raise ApiError(400, "done must be true or false")
        changes["done"] = data["done"]
    return changes


def find(todo_id):
    todo = Todo.query.filter_by(id=todo_id).one_or_none()
    if todo is None:
        raise ApiError(404, f"todo {todo_id} not found")
    return todo


@bp.post("/todos")
def create_todo():
    todo = Todo(**validated(json_object(), require_title=True))
    db.session.add(todo)
    db.session.commit()
    return todo.as_json(), 201


@bp.get("/todos")
def list_todos():
    query = Todo.query.order_by(Todo.id.asc())
    wanted = {"true": True, "false": False}.get(request.args.get("done", ""))
    if wanted is not None:
        query = query.filter_by(done=wanted)
    return [todo.as_json() for todo in query]


@bp.get("/todos/<int:todo_id>")
def get_todo(todo_id):
    return find(todo_id).as_json()


@bp.patch("/todos/<int:todo_id>")
def patch_todo(todo_id):
    todo = find(todo_id)
    for key, value in validated(json_object(), require_title=False).items():
        setattr(todo, key, value)
    db.session.commit()
    return todo.as_json()


@bp.delete("/todos/<int:todo_id>")
def delete_todo(todo_id):
    deleted = Todo.query.filter(Todo.id == todo_id).delete()
    db.session.commit()
    if not deleted:
        raise ApiError(404, f"todo {todo_id} not found")
    return Response(status=204)
