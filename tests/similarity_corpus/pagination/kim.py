from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

PAGE_SIZE_LIMIT = 100


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)

    def __repr__(self):
        return "Item(%r)" % self.name


def page_of_items(page, per_page):
    # reject bad input before touching the database
    if page < 1:
        raise ValueError("page has to be positive")
    if not 1 <= per_page <= PAGE_SIZE_LIMIT:
        raise ValueError("per_page out of range")
    result = db.paginate(
        db.select(Item).order_by(Item.id), page=page, per_page=per_page, error_out=False
    )
    return {
        "page": result.page,
        "per_page": result.per_page,
        "items": [it.name for it in result.items],
        "total": result.total,
        "pages": result.pages,
        "has_prev": result.has_prev,
        "has_next": result.has_next,
    }
