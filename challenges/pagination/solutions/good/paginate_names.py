"""Known-good: db.paginate over a select of the name column only, with max_per_page as a second guard."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select

db = SQLAlchemy()

LIMIT = 100


class Item(db.Model):
    __tablename__ = "catalogue_item"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


def _check(page: int, per_page: int) -> None:
    problems = []
    if page < 1:
        problems.append("page < 1")
    if per_page < 1:
        problems.append("per_page < 1")
    if per_page > LIMIT:
        problems.append(f"per_page > {LIMIT}")
    if problems:
        raise ValueError(", ".join(problems))


def page_of_items(page: int, per_page: int) -> dict:
    _check(page, per_page)
    p = db.paginate(
        select(Item.name).order_by(Item.id),
        page=page,
        per_page=per_page,
        max_per_page=LIMIT,
        error_out=False,
        count=True,
    )
    keys = ("page", "per_page", "total", "pages", "has_next", "has_prev")
    out = {key: getattr(p, key) for key in keys}
    out["items"] = list(p.items)
    return out
