"""Known-bad: leaves the checks to db.paginate(max_per_page=100, error_out=False), which silently corrects
bad arguments instead of raising ValueError."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

MAX_PER_PAGE = 100


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)

    def __repr__(self) -> str:
        return f"<Item {self.name}>"


def page_of_items(page: int, per_page: int) -> dict:
    pagination = db.paginate(
        db.select(Item).order_by(Item.id),
        page=page,
        per_page=per_page,
        error_out=False,
        max_per_page=MAX_PER_PAGE,
    )
    return {
        "items": [item.name for item in pagination.items],
        "page": pagination.page,
        "per_page": pagination.per_page,
        "total": pagination.total,
        "pages": pagination.pages,
        "has_next": pagination.has_next,
        "has_prev": pagination.has_prev,
    }
