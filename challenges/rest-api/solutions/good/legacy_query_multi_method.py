"""Known-good: legacy db.Column and Todo.query, one view per URL handling several methods,
get_or_404 with a blueprint 404 handler, jsonify, and json.loads in try/except."""

import json

from flask import Blueprint, jsonify, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
bp = Blueprint("todo_api", __name__)


class Todo(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    done = db.Column(db.Boolean, nullable=False, default=False)

    def __repr__(self):
        return f"<Todo {self.id} {self.title!r}>"

    def serialize(self):
        return {"id": self.id, "title": self.title, "done": self.done}


@bp.errorhandler(404)
def not_found(_error):
    return jsonify(error="not found"), 404


def bad_request(message):
    return jsonify(error=message), 400


def read_json_object():
    """The body as a dict, or None when it is not a JSON object."""
    if not request.is_json:
        return None
    try:
        data = json.loads(request.get_data(as_text=True))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def validation_error(data, creating):
    if creating and "title" not in data:
        return "title is required"
    if "title" in data and (type(data["title"]) is not str or data["title"] == ""):
        return "title must be a non-empty string"
    if "done" in data and type(data["done"]) is not bool:
        return "done must be a boolean"
    return None


@bp.route("/todos", methods=["GET", "POST"])
def todos():
    if request.method == "POST":
        data = read_json_object()
        if data is None:
            return bad_request("expected a JSON object")
        problem = validation_error(data, creating=True)
        if problem:
            return bad_request(problem)
        todo = Todo(title=data["title"], done=data.get("done", False))
        db.session.add(todo)
        db.session.commit()
        return jsonify(todo.serialize()), 201

    query = Todo.query
    flag = request.args.get("done")
    if flag == "true":
        query = query.filter_by(done=True)
    elif flag == "false":
        query = query.filter_by(done=False)
    return jsonify([todo.serialize() for todo in query.order_by(Todo.id.asc()).all()])


@bp.route("/todos/<int:todo_id>", methods=["GET", "PATCH", "DELETE"])
def todo_detail(todo_id):
    todo = Todo.query.get_or_404(todo_id)
    if request.method == "GET":
        return jsonify(todo.serialize())
    if request.method == "DELETE":
        db.session.delete(todo)
        db.session.commit()
        return "", 204
    data = read_json_object()
    if data is None:
        return bad_request("expected a JSON object")
    problem = validation_error(data, creating=False)
    if problem:
        return bad_request(problem)
    if "title" in data:
        todo.title = data["title"]
    if "done" in data:
        todo.done = data["done"]
    db.session.commit()
    return jsonify(todo.serialize())
