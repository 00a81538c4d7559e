from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


def _page_count(total, size):
    return (total + size - 1) // size


def page_of_items(page, per_page):
    # type checks, then range checks
    if not isinstance(per_page, int):
        raise ValueError('per_page')
    if not isinstance(page, int):
        raise ValueError('page')
    if per_page <= 0 or per_page > 100:
        raise ValueError('per_page')
    if page <= 0:
        raise ValueError('page')
    total = db.session.query(Item).count()
    items = db.session.query(Item).order_by(Item.id).limit(per_page).offset((page - 1) * per_page).all()
    pages = _page_count(total, per_page)
    return dict(
        items=[item.name for item in items],
        page=page,
        per_page=per_page,
        total=total,
        pages=pages,
        has_next=page < pages,
        has_prev=page > 1 and total > 0,
    )
