"""Known-good: legacy columns; a small schema table (field -> type check) validates bodies;
a ValidationError (ValueError) and LookupError are turned into JSON by blueprint error
handlers; db.session.query for lookups; get_json(force=True, silent=True) behind an is_json
check; the list sorted by id in Python."""

from flask import Blueprint, jsonify, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
bp = Blueprint("api", __name__)

FIELDS = {
    "title": lambda v: isinstance(v, str) and v != "",
    "done": lambda v: isinstance(v, bool),
}


class ValidationError(ValueError):
    pass


class Todo(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    done = db.Column(db.Boolean, nullable=False, default=False)

    def __repr__(self):
        return f"<Todo {self.id} {self.title!r}>"

    @property
    def json(self):
        return {"id": self.id, "title": self.title, "done": self.done}


@bp.errorhandler(ValidationError)
def _invalid(error):
    return jsonify(error=str(error)), 400


@bp.errorhandler(LookupError)
def _not_found(error):
    return jsonify(error="todo not found"), 404


def payload(required=()):
    data = request.get_json(force=True, silent=True) if request.is_json else None
    if not isinstance(data, dict):
        raise ValidationError("body must be a JSON object")
    for name in required:
        if name not in data:
            raise ValidationError(f"{name} is required")
    clean = {}
    for name, ok in FIELDS.items():
        if name in data:
            if not ok(data[name]):
                raise ValidationError(f"invalid {name}")
            clean[name] = data[name]
    return clean


def lookup(todo_id):
    todo = db.session.query(Todo).filter(Todo.id == todo_id).first()
    if todo is None:
        raise LookupError(todo_id)
    return todo


@bp.route("/todos", methods=["POST"])
def post():
    todo = Todo(**payload(required=("title",)))
    db.session.add(todo)
    db.session.commit()
    return jsonify(todo.json), 201


@bp.route("/todos")
def get_all():
    todos = db.session.query(Todo).all()
    done = request.args.get("done")
    if done is not None and done in ("true", "false"):
        todos = [t for t in todos if t.done == (done == "true")]
    return jsonify([t.json for t in sorted(todos, key=lambda t: t.id)])


@bp.route("/todos/<int:todo_id>")
def get_one(todo_id):
    return jsonify(lookup(todo_id).json)


@bp.route("/todos/<int:todo_id>", methods=["PATCH"])
def patch(todo_id):
    todo = lookup(todo_id)
    for name, value in payload().items():
        setattr(todo, name, value)
    db.session.commit()
    return jsonify(todo.json)


@bp.route("/todos/<int:todo_id>", methods=["DELETE"])
def delete(todo_id):
    db.session.delete(lookup(todo_id))
    db.session.commit()
    return "", 204
