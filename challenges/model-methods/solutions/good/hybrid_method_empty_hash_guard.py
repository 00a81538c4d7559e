"""Known-good: werkzeug's check_password_hash given `password_hash or ""` (it answers False for an
empty hash), full_name as a hybrid_method without arguments, and scalar_one_or_none."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.ext.hybrid import hybrid_method
from werkzeug.security import check_password_hash, generate_password_hash

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "site_users"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255), nullable=True)

    @hybrid_method
    def full_name(self):
        return self.first_name + " " + self.last_name

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, salt_length=24)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash or "", password)

    @classmethod
    def authenticate(cls, username: str, password: str):
        stmt = db.select(cls).filter_by(username=username)
        user = db.session.execute(stmt).scalar_one_or_none()
        return user if user is not None and user.check_password(password) else None
