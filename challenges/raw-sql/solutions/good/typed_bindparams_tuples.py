"""Known-good: typed bindparam() declarations, result.tuples().all() converted with tuple(), and
a rename that reads rowcount from a session execute."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Integer, String, bindparam, text

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


FIND_SQL = text(
    "SELECT id, name FROM users WHERE email LIKE '%' || :at_domain ORDER BY users.id"
).bindparams(bindparam("at_domain", type_=String))

RENAME_SQL = text("UPDATE users SET name = :name WHERE id = :id").bindparams(
    bindparam("name", type_=String), bindparam("id", type_=Integer)
)


def find_by_email_domain(domain):
    rows = db.session.execute(FIND_SQL, {"at_domain": f"@{domain}"}).tuples().all()
    return list(map(tuple, rows))


def rename_raw(user_id, new_name):
    count = db.session.execute(RENAME_SQL, {"name": new_name, "id": user_id}).rowcount
    db.session.commit()
    return count
