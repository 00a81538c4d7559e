"""Map a class to a table: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # TODO: username (String(80), unique, not null) and email (String(120), not null)
