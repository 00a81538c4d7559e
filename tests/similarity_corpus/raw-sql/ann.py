from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "user"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


def find_by_email_domain(domain):
    sql = text("SELECT id, name FROM user WHERE email LIKE :pattern ORDER BY id")
    result = db.session.execute(sql, {"pattern": "%@" + domain})
    return [(r[0], r[1]) for r in result.fetchall()]


def rename_raw(user_id, new_name):
    sql = text("UPDATE user SET name = :name WHERE id = :id")
    result = db.session.execute(sql, {"name": new_name, "id": user_id})
    db.session.commit()
    return result.rowcount
