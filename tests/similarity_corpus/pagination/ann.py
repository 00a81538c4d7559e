from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


def page_of_items(page, per_page):
    if page < 1 or per_page < 1 or per_page > 100:
        raise ValueError("bad page or per_page")
    p = Item.query.order_by(Item.id).paginate(page=page, per_page=per_page, error_out=False)
    return {
        "items": [i.name for i in p.items],
        "page": p.page,
        "per_page": p.per_page,
        "total": p.total,
        "pages": p.pages,
        "has_next": p.has_next,
        "has_prev": p.has_prev,
    }
