"""Known-good: an explicit keyword __init__ that defers to the declarative one, Unicode/VARCHAR
types (both String subclasses), a CheckConstraint and a BigInteger key with an SQLite variant."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

PK_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class User(db.Model):
    __tablename__ = "members"
    __table_args__ = (
        sa.UniqueConstraint("username"),
        sa.CheckConstraint("length(email) > 0", name="ck_members_email_not_empty"),
    )

    id = db.Column(PK_TYPE, primary_key=True)
    username = db.Column(db.Unicode(80), nullable=False)
    email = db.Column(sa.VARCHAR(length=120), nullable=False)

    def __init__(self, username=None, email=None, **extra):
        super().__init__(username=username, email=email, **extra)

    def __repr__(self):
        return "<User %r>" % self.username
