"""Reference solution for raw-sql."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.name}>"


_FIND_BY_DOMAIN = text(
    "SELECT id, name FROM users WHERE email LIKE '%@' || :domain ORDER BY id"
)
_RENAME = text("UPDATE users SET name = :name WHERE id = :id")


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    rows = db.session.execute(_FIND_BY_DOMAIN, {"domain": domain})
    return [(row.id, row.name) for row in rows]


def rename_raw(user_id: int, new_name: str) -> int:
    result = db.session.execute(_RENAME, {"name": new_name, "id": user_id})
    db.session.commit()
    return result.rowcount
