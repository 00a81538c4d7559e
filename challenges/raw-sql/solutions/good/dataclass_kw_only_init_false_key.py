"""Dataclass model with kw_only=True and the id left to the database (init=False); the
queries are text() with bound parameters."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


class Base(MappedAsDataclass, DeclarativeBase, kw_only=True):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(120))


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    rows = db.session.execute(
        text("SELECT id, name FROM users WHERE email LIKE '%@' || :domain ORDER BY id"),
        {"domain": domain},
    )
    return [(row[0], row[1]) for row in rows]


def rename_raw(user_id: int, new_name: str) -> int:
    result = db.session.execute(
        text("UPDATE users SET name = :name WHERE id = :id"), {"name": new_name, "id": user_id}
    )
    db.session.commit()
    return result.rowcount
