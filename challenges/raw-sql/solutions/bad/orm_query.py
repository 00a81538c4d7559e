"""Known-bad: uses ORM select() queries and update() instead of raw SQL through text()."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    rows = db.session.execute(
        db.select(User.id, User.name).where(User.email.like("%@" + domain)).order_by(User.id)
    )
    return [(row.id, row.name) for row in rows]


def rename_raw(user_id: int, new_name: str) -> int:
    result = db.session.execute(db.update(User).where(User.id == user_id).values(name=new_name))
    db.session.commit()
    return result.rowcount
