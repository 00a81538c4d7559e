"""Known-bad: matches '%@' || :domain || '%', so example.com.evil.org counts as example.com."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


def rename_raw(user_id: int, new_name: str) -> int:
    result = db.session.execute(
        text("UPDATE users SET name = :name WHERE id = :id"), {"name": new_name, "id": user_id}
    )
    db.session.commit()
    return result.rowcount


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    rows = db.session.execute(
        text("SELECT id, name FROM users WHERE email LIKE '%@' || :domain || '%' ORDER BY id"),
        {"domain": domain},
    )
    return [(row.id, row.name) for row in rows]
