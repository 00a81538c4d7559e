"""Known-bad: requires an @ anywhere and the domain at the end as two separate LIKEs, so
ned@notexample.com matches example.com (the @ is not right before the domain)."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "accounts"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(50), nullable=False)
    email = sa.Column(sa.String(120), nullable=False)


def find_by_email_domain(domain):
    query = sa.text(
        "SELECT id, name FROM accounts WHERE email LIKE '%@%' AND email LIKE :suffix ORDER BY id"
    )
    return [tuple(row) for row in db.session.execute(query, {"suffix": "%" + domain}).all()]


def rename_raw(user_id, new_name):
    result = db.session.connection().execute(
        sa.text("UPDATE accounts SET name = :n WHERE id = :i"), {"n": new_name, "i": user_id}
    )
    db.session.commit()
    return result.rowcount
