"""Paging through items with Flask-SQLAlchemy."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    __tablename__ = "items"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


FIELDS = ("page", "per_page", "total", "pages", "has_next", "has_prev")


def page_of_items(page, per_page):
    for label, value in (("page", page), ("per_page", per_page)):
        if type(value) is not int or value <= 0:
            raise ValueError("%s must be a positive integer" % label)
    if per_page > 100:
        raise ValueError("per_page is limited to 100")
    query = db.select(Item).order_by(Item.id.asc())
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    result = {field: getattr(pagination, field) for field in FIELDS}
    result["items"] = [item.name for item in pagination]
    return result
