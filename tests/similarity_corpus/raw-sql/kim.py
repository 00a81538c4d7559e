from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), nullable=False)
    name = db.Column(db.String(50), nullable=False)


RENAME_SQL = text("UPDATE users SET name = :name WHERE id = :id")
DOMAIN_SQL = text(
    "SELECT id, name FROM users "
    "WHERE email LIKE '%@' || :domain "
    "ORDER BY id"
)


def rename_raw(uid, name):
    # bound parameters only
    res = db.session.execute(RENAME_SQL, {"name": name, "id": uid})
    db.session.commit()
    return res.rowcount


def find_by_email_domain(domain):
    result = db.session.execute(DOMAIN_SQL, {"domain": domain})
    return [(r.id, r.name) for r in result]
