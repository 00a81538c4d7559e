"""Raw SQL, parameters always bound."""
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


def _table():
    return User.__table__.name


def find_by_email_domain(domain):
    stmt = text(
        f"SELECT id, name FROM {_table()} "
        "WHERE lower(email) LIKE '%@' || lower(:domain) "
        "ORDER BY id ASC"
    )
    out = []
    for row in db.session.execute(stmt, dict(domain=domain)).mappings():
        out.append((int(row["id"]), str(row["name"])))
    return out


def rename_raw(user_id, new_name):
    stmt = text(f"UPDATE {_table()} SET name = :n WHERE id = :i")
    res = db.session.execute(stmt, dict(n=new_name, i=user_id))
    db.session.commit()
    return int(res.rowcount)
