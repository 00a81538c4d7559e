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
    # Two databases cannot be joined in one query: count in the analytics
    # database, read the users from the default one, and merge in Python.
    counts = db.session.execute(
        db.select(PageView.user_id, db.func.count(PageView.id)).group_by(PageView.user_id)
    ).all()
    views = {user_id: count for user_id, count in counts}
    users = db.session.scalars(db.select(User))
    return {user.name: views.get(user.id, 0) for user in users}
