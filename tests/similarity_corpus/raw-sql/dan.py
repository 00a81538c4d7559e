from flask_sqlalchemy import SQLAlchemy
import sqlalchemy as sa

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "people"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


def find_by_email_domain(domain):
    query = sa.text(
        """
        SELECT p.id, p.name
          FROM people AS p
         WHERE p.email LIKE :like_pattern ESCAPE '\\'
         ORDER BY p.id
        """
    )
    escaped = domain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    with db.engine.connect() as conn:
        rows = conn.execute(query, {"like_pattern": "%@" + escaped}).fetchall()
    return [(row.id, row.name) for row in rows]


def rename_raw(user_id, new_name):
    query = sa.text("UPDATE people SET name = :name WHERE id = :uid")
    with db.engine.begin() as conn:
        result = conn.execute(query, {"name": new_name, "uid": user_id})
    return result.rowcount
