"""Known-bad: ORDER BY 'id' in single quotes sorts by a constant string, not by the id column,
so the rows come back in scan order."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


def find_by_email_domain(domain):
    sql = text("SELECT id, name FROM users WHERE email LIKE :pattern ORDER BY 'id'")
    return [(row.id, row.name) for row in db.session.execute(sql, {"pattern": "%@" + domain})]


def rename_raw(user_id, new_name):
    result = db.session.execute(
        text("UPDATE users SET name = :name WHERE id = :id"), {"name": new_name, "id": user_id}
    )
    db.session.commit()
    return result.rowcount
