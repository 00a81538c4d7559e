"""Known-good: a dataclass for the page turned into the dict with asdict; the legacy
db.session.query(...).slice(start, stop) and .count(); pages by negated floor division;
a ValueError subclass for bad arguments."""

from dataclasses import asdict, dataclass

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

MAX_PER_PAGE = 100


class PageError(ValueError):
    """page or per_page out of range."""


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)

    def __repr__(self):
        return f"Item({self.id}, {self.name!r})"


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int
    pages: int
    has_next: bool
    has_prev: bool


def page_of_items(page, per_page):
    if page < 1:
        raise PageError("page starts at 1")
    if per_page < 1 or per_page > MAX_PER_PAGE:
        raise PageError("per_page must be 1..100")
    query = db.session.query(Item).order_by(Item.id)
    total = query.count()
    pages = -(-total // per_page)
    start = (page - 1) * per_page
    rows = query.slice(start, start + per_page).all()
    return asdict(
        Page(
            items=[row.name for row in rows],
            page=page,
            per_page=per_page,
            total=total,
            pages=pages,
            has_next=page < pages,
            has_prev=page > 1,
        )
    )
