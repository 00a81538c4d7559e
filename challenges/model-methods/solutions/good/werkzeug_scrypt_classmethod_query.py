"""Known-good: werkzeug scrypt hashes, cls.query in a classmethod, and a guard on empty input."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

db = SQLAlchemy()


class User(db.Model):
    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    username: Mapped[str] = mapped_column(db.String(80), unique=True, nullable=False)
    first_name: Mapped[str] = mapped_column(db.String(50), nullable=False)
    last_name: Mapped[str] = mapped_column(db.String(50), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(db.String(255), nullable=True)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def set_password(self, password):
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password):
        if not self.password_hash or password is None:
            return False
        return check_password_hash(self.password_hash, password)

    @classmethod
    def authenticate(cls, username, password):
        if not username:
            return None
        user = cls.query.filter(cls.username == username).one_or_none()
        return user if user is not None and user.check_password(password) else None
