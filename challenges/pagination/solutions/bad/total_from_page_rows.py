"""Known-bad: total is counted from the rows of the page fetched, not from the whole table."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


def page_of_items(page, per_page):
    if page < 1 or per_page < 1 or per_page > 100:
        raise ValueError("invalid page or per_page")
    rows = db.session.scalars(
        db.select(Item).order_by(Item.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    total = (page - 1) * per_page + len(rows)
    pages = (total + per_page - 1) // per_page
    return {
        "items": [r.name for r in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
        "has_next": page < pages,
        "has_prev": page > 1,
    }
