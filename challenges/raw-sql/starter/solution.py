"""Raw SQL with text() and bound parameters: see statement.md."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text  # noqa: F401  (you will need it)

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # TODO: name (String(50), not null) and email (String(120), not null)


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    """(id, name) of the users whose email ends with "@" + domain, by id, via text()."""
    # TODO: db.session.execute(text("SELECT ... WHERE ... :param ..."), {...})
    raise NotImplementedError


def rename_raw(user_id: int, new_name: str) -> int:
    """UPDATE the user's name via text() with bound parameters, commit, return rows changed."""
    # TODO
    raise NotImplementedError
