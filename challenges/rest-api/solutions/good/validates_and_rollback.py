"""Known-good: SQLAlchemy(model_class=Base) with a DeclarativeBase; the rules on title and done
kept on the model with @validates (ValueError), the views turning that ValueError into a 400
after a rollback; to_dict built from the table's columns; request.is_json checked first."""

from flask import Blueprint, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Boolean, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
bp = Blueprint("todo_api", __name__)


class Todo(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    done: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    @validates("title")
    def _check_title(self, key, value):
        if not isinstance(value, str) or value == "":
            raise ValueError("title must be a non-empty string")
        return value

    @validates("done")
    def _check_done(self, key, value):
        if not isinstance(value, bool):
            raise ValueError("done must be a boolean")
        return value

    def to_dict(self):
        return {column.name: getattr(self, column.name) for column in self.__table__.columns}


def _body():
    if not request.is_json:
        raise ValueError("expected a JSON body")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def _bad(exc):
    db.session.rollback()
    return jsonify(error=str(exc)), 400


def _missing():
    return jsonify(error="no such todo"), 404


@bp.route("/todos", methods=["POST"])
def create():
    try:
        data = _body()
        if "title" not in data:
            raise ValueError("title is required")
        todo = Todo(**{key: data[key] for key in ("title", "done") if key in data})
    except ValueError as exc:
        return _bad(exc)
    db.session.add(todo)
    db.session.commit()
    return jsonify(todo.to_dict()), 201


@bp.route("/todos", methods=["GET"])
def index():
    stmt = select(Todo).order_by(Todo.id)
    flag = request.args.get("done")
    if flag == "true":
        stmt = stmt.where(Todo.done.is_(True))
    elif flag == "false":
        stmt = stmt.where(Todo.done.is_(False))
    return jsonify([todo.to_dict() for todo in db.session.scalars(stmt)])


@bp.route("/todos/<int:todo_id>", methods=["GET"])
def show(todo_id):
    todo = db.session.get(Todo, todo_id)
    return _missing() if todo is None else jsonify(todo.to_dict())


@bp.route("/todos/<int:todo_id>", methods=["PATCH"])
def patch(todo_id):
    todo = db.session.get(Todo, todo_id)
    if todo is None:
        return _missing()
    try:
        data = _body()
        for key in ("title", "done"):
            if key in data:
                setattr(todo, key, data[key])
    except ValueError as exc:
        return _bad(exc)
    db.session.commit()
    return jsonify(todo.to_dict())


@bp.route("/todos/<int:todo_id>", methods=["DELETE"])
def remove(todo_id):
    todo = db.session.get(Todo, todo_id)
    if todo is None:
        return _missing()
    db.session.delete(todo)
    db.session.commit()
    return "", 204
