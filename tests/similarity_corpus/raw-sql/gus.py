from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


def rename_raw(user_id, new_name):
    """Rename with a bound UPDATE and report how many rows changed."""
    query = text(f"UPDATE {_table_name()} SET name = :value WHERE id = :key")
    outcome = db.session.execute(query, dict(value=new_name, key=user_id))
    db.session.commit()
    return int(outcome.rowcount)


def find_by_email_domain(domain):
    """(id, name) pairs for one e-mail domain."""
    query = text(
        f"SELECT id, name FROM {_table_name()} "
        "WHERE lower(email) LIKE '%@' || lower(:dom) "
        "ORDER BY id ASC"
    )
    matches = []
    for record in db.session.execute(query, dict(dom=domain)).mappings():
        matches.append((int(record["id"]), str(record["name"])))
    return matches


def _table_name():
    # the table name SQLAlchemy derived from the class
    return User.__table__.name
