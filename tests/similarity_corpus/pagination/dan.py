from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)

    def __repr__(self):
        return "<Item %d %s>" % (self.id, self.name)


def page_of_items(page, per_page):
    if not isinstance(page, int):
        raise ValueError("page")
    if not isinstance(per_page, int):
        raise ValueError("per_page")
    if page <= 0:
        raise ValueError("page")
    if per_page <= 0 or per_page > 100:
        raise ValueError("per_page")

    total = db.session.query(Item).count()
    rows = (
        db.session.query(Item)
        .order_by(Item.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .all()
    )
    pages = (total + per_page - 1) // per_page
    return dict(
        items=[row.name for row in rows],
        page=page,
        per_page=per_page,
        total=total,
        pages=pages,
        has_next=page < pages,
        has_prev=page > 1 and total > 0,
    )
