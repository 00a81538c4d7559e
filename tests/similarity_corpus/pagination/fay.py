from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select

db = SQLAlchemy()

MAX_PER_PAGE = 100


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


def page_of_items(page, per_page):
    try:
        page, per_page = int(page), int(per_page)
    except (TypeError, ValueError):
        raise ValueError("page and per_page must be integers") from None
    if min(page, per_page) < 1 or per_page > MAX_PER_PAGE:
        raise ValueError("page must be >= 1 and per_page within 1..%d" % MAX_PER_PAGE)
    count = db.session.execute(select(func.count(Item.id))).scalar_one()
    start = (page - 1) * per_page
    stmt = select(Item.name).order_by(Item.id).limit(per_page).offset(start)
    names = [name for (name,) in db.session.execute(stmt)]
    pages = -(-count // per_page)
    return {
        "items": names,
        "page": page,
        "per_page": per_page,
        "total": count,
        "pages": pages,
        "has_next": start + per_page < count,
        "has_prev": page > 1,
    }
