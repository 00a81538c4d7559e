"""Known-bad: a random salt and the password in base64. Two users with the same password get
different values and the plain password is not in the column, but anyone who reads the
column gets the password back: an encoding, not a one-way hash."""

import base64
import hmac
import secrets

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255))

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def set_password(self, password: str) -> None:
        """Store a salted hash; the caller commits."""
        salt = secrets.token_hex(8)
        self.password_hash = f"{salt}${base64.b64encode((salt + password).encode()).decode()}"

    def check_password(self, password: str) -> bool:
        if self.password_hash is None:
            return False
        salt, encoded = self.password_hash.split("$", 1)
        expected = base64.b64encode((salt + password).encode()).decode()
        return hmac.compare_digest(encoded, expected)

    @classmethod
    def authenticate(cls, username: str, password: str) -> "User | None":
        user = db.session.execute(db.select(cls).filter_by(username=username)).scalar_one_or_none()
        if user is not None and user.check_password(password):
            return user
        return None

    def __repr__(self) -> str:
        return f"<User {self.username}>"
