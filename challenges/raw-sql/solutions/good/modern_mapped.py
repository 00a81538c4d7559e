"""Known-good: 2.0 style with Mapped, a LIKE pattern built in Python, bindparams() and tuple(row)."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(120), index=True)


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    statement = text(
        """
        SELECT u.id, u.name
        FROM user_account AS u
        WHERE u.email LIKE :pattern
        ORDER BY u.id ASC
        """
    ).bindparams(pattern=f"%@{domain}")
    return [tuple(row) for row in db.session.execute(statement)]


def rename_raw(user_id: int, new_name: str) -> int:
    statement = text("UPDATE user_account SET name = :new_name WHERE id = :user_id")
    changed = db.session.execute(statement, {"new_name": new_name, "user_id": user_id}).rowcount
    db.session.commit()
    return int(changed)
