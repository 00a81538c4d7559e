"""Known-good: Mapped columns on the plain db.Model, GLOB on the email's end, text().columns()
typed result with .tuples(), a sorted() by id, and an existence SELECT before the UPDATE."""

from operator import itemgetter

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    email: Mapped[str] = mapped_column(String(120), nullable=False)


_BY_DOMAIN = text("SELECT id, name FROM users WHERE email GLOB '*@' || :domain").columns(
    id=Integer, name=String
)


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    found = [tuple(row) for row in db.session.execute(_BY_DOMAIN, {"domain": domain}).tuples()]
    return sorted(found, key=itemgetter(0))


def rename_raw(user_id: int, new_name: str) -> int:
    exists = db.session.execute(text("SELECT 1 FROM users WHERE id = :id"), {"id": user_id}).first()
    if exists is None:
        return 0
    db.session.execute(text("UPDATE users SET name = :name WHERE id = :id"), {"name": new_name, "id": user_id})
    db.session.commit()
    return 1
