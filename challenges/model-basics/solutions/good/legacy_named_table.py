"""Known-good: legacy style with an explicit table name and a UniqueConstraint."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "accounts"
    __table_args__ = (db.UniqueConstraint("username", name="uq_accounts_username"),)

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    username = db.Column(db.String(80), nullable=False, index=True)
    email = db.Column(db.String(120), nullable=False)
    nickname = db.Column(db.String(40))
