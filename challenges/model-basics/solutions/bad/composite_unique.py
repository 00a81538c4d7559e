"""Known-bad: the unique constraint covers (username, email) together, so the same username with
another email is accepted."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __table_args__ = (db.UniqueConstraint("username", "email"),)

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), nullable=False)
    email = db.Column(db.String(120), nullable=False)
