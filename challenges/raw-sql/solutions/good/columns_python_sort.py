"""Known-good: another table name, text().columns(), exact match after the @, sorted in Python."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Integer, String, text

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "people"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False, unique=True)
    bio = db.Column(db.Text)


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    query = text(
        "SELECT id, name FROM people "
        "WHERE instr(email, '@') > 0 AND substr(email, instr(email, '@') + 1) = :domain"
    ).columns(id=Integer, name=String)
    rows = db.session.execute(query, {"domain": domain}).all()
    return sorted(((int(r[0]), str(r[1])) for r in rows), key=lambda pair: pair[0])


def rename_raw(user_id: int, new_name: str) -> int:
    try:
        result = db.session.execute(
            text("UPDATE people SET name = :name WHERE id = :id").bindparams(
                name=new_name, id=user_id
            )
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result.rowcount
