from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


def find_by_email_domain(domain):
    statement = text("select id, name from user where email like :suffix order by id")
    found = db.session.execute(statement, {"suffix": "%@{}".format(domain)})
    pairs = []
    for user_id, user_name in found:
        pairs.append((user_id, user_name))
    return pairs


def rename_raw(user_id, new_name):
    statement = text("update user set name = :new where id = :target")
    try:
        outcome = db.session.execute(statement, {"new": new_name, "target": user_id})
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        raise
    return outcome.rowcount
