"""Known-bad: counts with one OUTER JOIN of users and page views, which cannot work across two databases."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)

    def __repr__(self) -> str:
        return f"<User {self.name}>"


class PageView(db.Model):
    __bind_key__ = "analytics"

    id = db.Column(db.Integer, primary_key=True)
    path = db.Column(db.String(200), nullable=False)
    # No ForeignKey: the users table lives in another database.
    user_id = db.Column(db.Integer, nullable=False, index=True)

    def __repr__(self) -> str:
        return f"<PageView {self.user_id} {self.path}>"


def record_view(user_id: int, path: str) -> None:
    db.session.add(PageView(user_id=user_id, path=path))
    db.session.commit()


def views_per_user() -> dict[str, int]:
    rows = db.session.execute(
        db.select(User.name, db.func.count(PageView.id))
        .outerjoin(PageView, PageView.user_id == User.id)
        .group_by(User.id, User.name)
    ).all()
    return {name: count for name, count in rows}
