"""Known-good: legacy db.Column with keyword type arguments, a hybrid_property, a staticmethod
helper and Model.query."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.ext.hybrid import hybrid_property

db = SQLAlchemy()

USERNAME_LENGTH = 80
EMAIL_LENGTH = 120


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    username = db.Column(db.String(length=USERNAME_LENGTH), unique=True, nullable=False)
    email = db.Column(db.String(length=EMAIL_LENGTH), nullable=False)

    @hybrid_property
    def domain(self):
        return self.email.split("@", 1)[-1] if self.email else None

    @staticmethod
    def find(username):
        return User.query.filter_by(username=username).one_or_none()
