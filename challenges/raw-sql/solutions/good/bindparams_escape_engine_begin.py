"""Known-good: the default table name put into the SQL with an f-string (values still bound),
text().bindparams() with the values attached, a LIKE pattern with ESCAPE for _ and %, and the
UPDATE on a connection from db.engine.begin()."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=False)


TABLE = User.__table__.name


def _like_escape(value):
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_by_email_domain(domain):
    sql = text(
        f'SELECT id, name FROM "{TABLE}" WHERE email LIKE :pattern ESCAPE \'\\\' ORDER BY id'
    ).bindparams(pattern="%@" + _like_escape(domain))
    return [tuple(row) for row in db.session.execute(sql)]


def rename_raw(user_id, new_name):
    sql = text(f'UPDATE "{TABLE}" SET name = :name WHERE id = :id').bindparams(name=new_name, id=user_id)
    with db.engine.begin() as connection:
        result = connection.execute(sql)
    return result.rowcount
