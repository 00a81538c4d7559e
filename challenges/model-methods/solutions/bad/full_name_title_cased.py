"""Known-bad: full_name title-cases the names, so "Guido" "van Rossum" gives "Guido Van Rossum",
not the names as they are."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import check_password_hash, generate_password_hash

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "people"

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(80), unique=True, nullable=False)
    first_name = sa.Column(sa.String(50), nullable=False)
    last_name = sa.Column(sa.String(50), nullable=False)
    password_hash = sa.Column(sa.String(255), nullable=True)

    def full_name(self):
        return " ".join(part.capitalize() for part in f"{self.first_name} {self.last_name}".split())

    def set_password(self, password):
        self.password_hash = generate_password_hash(password, method="pbkdf2:sha256:50000")

    def check_password(self, password):
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @staticmethod
    def authenticate(username, password):
        user = db.session.query(User).filter(User.username == username).one_or_none()
        return user if user and user.check_password(password) else None
