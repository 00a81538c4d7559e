"""Dataclass model: done defaults to False in the constructor, so Todo(**fields) works with or
without it; the id is left to the database (init=False)."""

from typing import Any

from flask import Blueprint, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


class Base(MappedAsDataclass, DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
bp = Blueprint("todos", __name__)


class Todo(db.Model):
    __tablename__ = "todos"

    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    title: Mapped[str] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(default=False)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "done": self.done}


class InvalidBody(ValueError):
    """The request body does not describe a valid todo."""


def _fields(*, partial: bool) -> dict[str, Any]:
    """The validated fields of the request's JSON object (title required unless partial)."""
    data = request.get_json(silent=True)  # None for a non-JSON or malformed body
    if not isinstance(data, dict):
        raise InvalidBody("the body must be a JSON object")
    fields: dict[str, Any] = {}
    if not partial or "title" in data:
        title = data.get("title")
        if not isinstance(title, str) or not title:
            raise InvalidBody("title must be a non-empty string")
        fields["title"] = title
    if "done" in data:
        if not isinstance(data["done"], bool):
            raise InvalidBody("done must be true or false")
        fields["done"] = data["done"]
    return fields


def _error(message: str, status: int) -> tuple[dict[str, str], int]:
    return {"error": message}, status


@bp.post("/todos")
def create_todo():
    try:
        fields = _fields(partial=False)
    except InvalidBody as exc:
        return _error(str(exc), 400)
    todo = Todo(**fields)
    db.session.add(todo)
    db.session.commit()
    return todo.to_dict(), 201


@bp.get("/todos")
def list_todos():
    stmt = db.select(Todo).order_by(Todo.id)
    done = request.args.get("done")
    if done in ("true", "false"):
        stmt = stmt.where(Todo.done == (done == "true"))
    return [todo.to_dict() for todo in db.session.scalars(stmt)]


@bp.get("/todos/<int:todo_id>")
def get_todo(todo_id: int):
    todo = db.session.get(Todo, todo_id)
    if todo is None:
        return _error("todo not found", 404)
    return todo.to_dict()


@bp.patch("/todos/<int:todo_id>")
def update_todo(todo_id: int):
    todo = db.session.get(Todo, todo_id)
    if todo is None:
        return _error("todo not found", 404)
    try:
        fields = _fields(partial=True)
    except InvalidBody as exc:
        return _error(str(exc), 400)
    for name, value in fields.items():
        setattr(todo, name, value)
    db.session.commit()
    return todo.to_dict()


@bp.delete("/todos/<int:todo_id>")
def delete_todo(todo_id: int):
    todo = db.session.get(Todo, todo_id)
    if todo is None:
        return _error("todo not found", 404)
    db.session.delete(todo)
    db.session.commit()
    return "", 204
