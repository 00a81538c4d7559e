from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, bindparam, text
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(120))


FIND = text(
    "SELECT id, name FROM accounts "
    "WHERE substr(email, -length(:suffix)) = :suffix "
    "ORDER BY id"
).bindparams(bindparam("suffix", type_=String))

RENAME = text("UPDATE accounts SET name = :new_name WHERE id = :user_id")


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    rows = db.session.execute(FIND, {"suffix": f"@{domain}"}).all()
    return [tuple(row) for row in rows]


def rename_raw(user_id: int, new_name: str) -> int:
    with db.session.begin_nested():
        changed = db.session.execute(RENAME, {"new_name": new_name, "user_id": user_id}).rowcount
    db.session.commit()
    return changed
