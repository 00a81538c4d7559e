"""Known-good: sqlalchemy.text imported as a module attribute, a pattern built with "@" + domain
and compared case-insensitively with lower(), tuple(int, str) conversion, and a session
connection for the UPDATE."""

import sqlalchemy
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "people"

    id = sqlalchemy.Column(sqlalchemy.Integer, primary_key=True)
    name = sqlalchemy.Column(sqlalchemy.String(50), nullable=False)
    email = sqlalchemy.Column(sqlalchemy.String(120), nullable=False)


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    statement = sqlalchemy.text(
        "SELECT p.id AS user_id, p.name AS user_name FROM people AS p "
        "WHERE lower(p.email) LIKE '%' || lower(:suffix) ORDER BY p.id"
    )
    rows = db.session.execute(statement, {"suffix": "@" + domain}).fetchall()
    return [(int(user_id), str(user_name)) for user_id, user_name in rows]


def rename_raw(user_id: int, new_name: str) -> int:
    connection = db.session.connection()
    result = connection.execute(
        sqlalchemy.text("UPDATE people SET name = :name WHERE people.id = :id"),
        dict(name=new_name, id=user_id),
    )
    db.session.commit()
    return int(result.rowcount)
