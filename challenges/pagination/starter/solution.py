"""Flask-SQLAlchemy's paginate: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # TODO: name (String(100), not null)


def page_of_items(page: int, per_page: int) -> dict:
    """One page of item names, by id, with page, per_page, total, pages, has_next and has_prev."""
    # TODO: validate page and per_page (ValueError), then fetch one page
    raise NotImplementedError
