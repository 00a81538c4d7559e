"""Known-good: every HTTP error turned into JSON by an app-wide handler registered on the
blueprint, validation by abort(400, ...), request.json guarded by a try/except, a string URL
converter, db.first_or_404, and the done filter applied in Python after an ordered query."""

from flask import Blueprint, abort, request
from flask_sqlalchemy import SQLAlchemy
from werkzeug.exceptions import HTTPException

db = SQLAlchemy()
bp = Blueprint("todo_resource", __name__)


class Todo(db.Model):
    __tablename__ = "todo_list_entries"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    done = db.Column(db.Boolean, nullable=False, default=False, server_default="0")

    @property
    def json(self):
        return {"id": self.id, "title": self.title, "done": self.done}


@bp.app_errorhandler(HTTPException)
def http_error_as_json(error):
    return {"error": error.description or error.name}, error.code


def json_body():
    try:
        data = request.json
    except HTTPException:  # 415 for another Content-Type, 400 for malformed JSON
        data = None
    if type(data) is not dict:
        abort(400, "expected a JSON object")
    return data


def valid_title(data):
    title = data["title"]
    if type(title) is not str or title == "":
        abort(400, "title must be a non-empty string")
    return title


def valid_done(data):
    done = data["done"]
    if type(done) is not bool:
        abort(400, "done must be true or false")
    return done


def find(todo_id):
    if not todo_id.isdigit():
        abort(404, "no such todo")
    return db.first_or_404(db.select(Todo).filter_by(id=int(todo_id)), description="no such todo")


@bp.route("/todos", methods=["POST"])
def create():
    data = json_body()
    if "title" not in data:
        abort(400, "title is required")
    todo = Todo(title=valid_title(data), done=valid_done(data) if "done" in data else False)
    db.session.add(todo)
    db.session.commit()
    return todo.json, 201


@bp.route("/todos", methods=["GET"])
def index():
    todos = db.session.execute(db.select(Todo).order_by(Todo.id)).scalars().all()
    flag = request.args.get("done")
    if flag in ("true", "false"):
        todos = [todo for todo in todos if todo.done is (flag == "true")]
    return [todo.json for todo in todos]


@bp.route("/todos/<todo_id>", methods=["GET"])
def show(todo_id):
    return find(todo_id).json


@bp.route("/todos/<todo_id>", methods=["PATCH"])
def patch(todo_id):
    todo = find(todo_id)
    data = json_body()
    title = valid_title(data) if "title" in data else todo.title
    done = valid_done(data) if "done" in data else todo.done
    todo.title, todo.done = title, done
    db.session.commit()
    return todo.json


@bp.route("/todos/<todo_id>", methods=["DELETE"])
def destroy(todo_id):
    todo = find(todo_id)
    db.session.delete(todo)
    db.session.commit()
    return "", 204
