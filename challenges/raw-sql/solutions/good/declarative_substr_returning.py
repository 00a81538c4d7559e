"""Known-good: a DeclarativeBase model_class, the part after the first @ compared whole with
substr/instr, rows read through mappings(), and UPDATE ... RETURNING counted with len()."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    __tablename__ = "app_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(120))


FIND = text(
    """
    SELECT id, name
      FROM app_users
     WHERE substr(email, instr(email, '@') + 1) = :domain
     ORDER BY id ASC
    """
)
RENAME = text("UPDATE app_users SET name = :new_name WHERE id = :user_id RETURNING id")


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    result = db.session.execute(FIND, {"domain": domain})
    return [(row["id"], row["name"]) for row in result.mappings()]


def rename_raw(user_id: int, new_name: str) -> int:
    changed = db.session.execute(RENAME, {"new_name": new_name, "user_id": user_id}).all()
    db.session.commit()
    return len(changed)
