"""Known-good: legacy style with a named table and Model.query.paginate(error_out=False)."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    __tablename__ = "items"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    created_note = db.Column(db.Text, nullable=True)


def page_of_items(page, per_page):
    if page < 1 or per_page < 1 or per_page > 100:
        raise ValueError("page must be >= 1 and per_page between 1 and 100")
    result = Item.query.order_by(Item.id.asc()).paginate(
        page=page, per_page=per_page, error_out=False, max_per_page=100
    )
    return dict(
        items=[item.name for item in result.items],
        page=result.page,
        per_page=result.per_page,
        total=result.total,
        pages=result.pages,
        has_next=result.has_next,
        has_prev=result.has_prev,
    )
