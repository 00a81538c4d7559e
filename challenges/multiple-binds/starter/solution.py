"""Two databases at once: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)


class PageView(db.Model):
    # TODO: store this model in the "analytics" database
    id = db.Column(db.Integer, primary_key=True)
    # TODO: path (String(200), not null) and user_id (integer, not null, no foreign key)


def record_view(user_id: int, path: str) -> None:
    """Store one page view and commit."""
    raise NotImplementedError


def views_per_user() -> dict[str, int]:
    """Each user's name with their number of views (0 included)."""
    raise NotImplementedError
