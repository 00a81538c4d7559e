"""Known-bad: has_next is guessed from a full page (len(items) == per_page), so a last page
that is exactly full claims a next page."""

import math

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


def page_of_items(page, per_page):
    if page < 1 or per_page < 1 or per_page > 100:
        raise ValueError("invalid page or per_page")
    total = db.session.scalar(db.select(db.func.count()).select_from(Item))
    names = db.session.scalars(
        db.select(Item.name).order_by(Item.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return {
        "items": list(names),
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": math.ceil(total / per_page),
        "has_next": len(names) == per_page,
        "has_prev": page > 1,
    }
