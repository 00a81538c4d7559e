import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "members"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


def rename_raw(member_id, new_name):
    stmt = sa.text("UPDATE members SET name = :name WHERE id = :mid")
    with db.engine.begin() as connection:
        res = connection.execute(stmt, {"name": new_name, "mid": member_id})
    return res.rowcount


def _escape_like(value):
    # make % and _ literal inside LIKE
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_by_email_domain(domain):
    stmt = sa.text(
        "SELECT m.id, m.name FROM members AS m "
        "WHERE m.email LIKE :pattern ESCAPE '\\' ORDER BY m.id"
    )
    with db.engine.connect() as connection:
        found = connection.execute(stmt, {"pattern": "%@" + _escape_like(domain)}).fetchall()
    return [(r.id, r.name) for r in found]
