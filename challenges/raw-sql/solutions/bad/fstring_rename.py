"""Known-bad: rename_raw formats the new name and id into the UPDATE string with an f-string."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    rows = db.session.execute(
        text("SELECT id, name FROM users WHERE email LIKE :pattern ORDER BY id"),
        {"pattern": "%@" + domain},
    )
    return [(row.id, row.name) for row in rows]


def rename_raw(user_id: int, new_name: str) -> int:
    result = db.session.execute(text(f"UPDATE users SET name = '{new_name}' WHERE id = {user_id}"))
    db.session.commit()
    return result.rowcount
