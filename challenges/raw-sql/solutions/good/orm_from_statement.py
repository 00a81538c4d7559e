"""Known-good: legacy columns, ORM select().from_statement(text()) and a session connection for the UPDATE."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select, text

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    raw = text(
        'SELECT * FROM "user" '
        "WHERE substr(email, -length(:suffix)) = :suffix ORDER BY id"
    )
    users = db.session.scalars(
        select(User).from_statement(raw), {"suffix": "@" + domain}
    ).all()
    return [(user.id, user.name) for user in users]


def rename_raw(user_id: int, new_name: str) -> int:
    connection = db.session.connection()
    result = connection.execute(
        text('UPDATE "user" SET name = :n WHERE id = :i'),
        {"n": new_name, "i": user_id},
    )
    count = result.rowcount
    db.session.commit()
    return count
