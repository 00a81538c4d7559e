from datetime import UTC, datetime

from flask import Blueprint, request
from flask.views import MethodView
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Boolean, DateTime, String, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.exceptions import BadRequest, NotFound, UnsupportedMediaType


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
bp = Blueprint("api", __name__)


class Todo(db.Model):
    __tablename__ = "todo_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    done: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(
        DateTime, default=lambda: datetime.now(UTC).replace(tzinfo=None)
    )

    def as_json(self):
        return {"id": self.id, "title": self.title, "done": bool(self.done)}


class ApiError(Exception):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


@bp.errorhandler(ApiError)
def handle_api_error(error):
    return {"error": error.message}, error.status


@bp.errorhandler(NotFound)
def handle_not_found(error):
    return {"error": error.description or "not found"}, 404


def json_object():
    try:
        data = request.get_json()
    except (BadRequest, UnsupportedMediaType):
        raise ApiError("the body must be valid JSON sent as application/json") from None
    if not isinstance(data, dict):
        raise ApiError("the body must be a JSON object")
    return data


def check_title(value):
    if not isinstance(value, str) or not value:
        raise ApiError("title must be a non-empty string")
    return value


def check_done(value):
    if not isinstance(value, bool):
        raise ApiError("done must be true or false")
    return value


class TodoList(MethodView):
    def get(self):
        stmt = db.select(Todo)
        wanted = {"true": True, "false": False}.get(request.args.get("done", ""))
        if wanted is not None:
            stmt = stmt.filter_by(done=wanted)
        todos = sorted(db.session.scalars(stmt).all(), key=lambda todo: todo.id)
        return [todo.as_json() for todo in todos]

    def post(self):
        data = json_object()
        todo = Todo(title=check_title(data.get("title")))
        if "done" in data:
            todo.done = check_done(data["done"])
        db.session.add(todo)
        db.session.commit()
        return todo.as_json(), 201


class TodoItem(MethodView):
    def get(self, todo_id):
        return db.get_or_404(Todo, todo_id, description="no such todo").as_json()

    def patch(self, todo_id):
        todo = db.get_or_404(Todo, todo_id)
        data = json_object()
        changes = {}
        if "title" in data:
            changes["title"] = check_title(data["title"])
        if "done" in data:
            changes["done"] = check_done(data["done"])
        for name, value in changes.items():
            setattr(todo, name, value)
        db.session.commit()
        return todo.as_json(), 200

    def delete(self, todo_id):
        db.session.delete(db.get_or_404(Todo, todo_id))
        db.session.commit()
        return "", 204


bp.add_url_rule("/todos", view_func=TodoList.as_view("todo_list"))
bp.add_url_rule("/todos/<int:todo_id>", view_func=TodoItem.as_view("todo_item"))
