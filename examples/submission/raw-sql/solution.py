"""Example answer (wrong): the domain is pasted into the SQL string."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


def find_by_email_domain(domain):
    rows = db.session.execute(
        text(f"SELECT id, name FROM users WHERE email LIKE '%@{domain}' ORDER BY id")
    )
    return [tuple(row) for row in rows]


def rename_raw(user_id, new_name):
    result = db.session.execute(
        text("UPDATE users SET name = :name WHERE id = :id"), {"name": new_name, "id": user_id}
    )
    db.session.commit()
    return result.rowcount
