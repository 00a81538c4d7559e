"""Known-bad: rename_raw HTML-escapes the new name "against injection" before binding it, so
O'Brien is stored as O&#x27;Brien: bound parameters need no escaping, and the name is changed."""

import html

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(120))


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    rows = db.session.execute(
        text('SELECT id, name FROM "user" WHERE email LIKE \'%@\' || :d ORDER BY id'), {"d": domain}
    )
    return [(user_id, name) for user_id, name in rows]


def rename_raw(user_id: int, new_name: str) -> int:
    safe = html.escape(new_name)
    result = db.session.execute(
        text('UPDATE "user" SET name = :name WHERE id = :id'), {"name": safe, "id": user_id}
    )
    db.session.commit()
    return result.rowcount
