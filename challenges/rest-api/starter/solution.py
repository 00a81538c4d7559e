"""A JSON resource over the model: see statement.md."""

from flask import Blueprint
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
bp = Blueprint("todos", __name__)


class Todo(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # TODO: title (String(200), not null) and done (Boolean, not null, default False)


# TODO: POST /todos         -> 201 with {"id", "title", "done"}, or 400 with {"error": "..."}
# TODO: GET /todos          -> 200 with a list by id; ?done=true / ?done=false filter
# TODO: GET /todos/<id>     -> 200 with the todo, or 404 with {"error": "..."}
# TODO: PATCH /todos/<id>   -> 200 with the todo, 400 on invalid input, or 404
# TODO: DELETE /todos/<id>  -> 204 with an empty body, or 404
