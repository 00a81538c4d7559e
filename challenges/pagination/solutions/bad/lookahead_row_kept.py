"""Known-bad: fetches per_page + 1 rows to learn whether a next page exists, and forgets to
drop the extra row from items."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


def page_of_items(page, per_page):
    if page < 1 or not 1 <= per_page <= 100:
        raise ValueError("invalid page or per_page")
    total = Item.query.count()
    rows = Item.query.order_by(Item.id).offset((page - 1) * per_page).limit(per_page + 1).all()
    return {
        "items": [row.name for row in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": -(-total // per_page),
        "has_next": len(rows) > per_page,
        "has_prev": page > 1,
    }
