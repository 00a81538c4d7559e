"""Known-good: a case-insensitive login (func.lower on both sides of the username comparison), a
design choice the statement leaves open, kept to show that a prefix or a name holding _ or % still
matches nobody; hashlib.scrypt through werkzeug's default."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func
from werkzeug.security import check_password_hash, generate_password_hash

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255))

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        if not self.password_hash:
            return False
        return check_password_hash(self.password_hash, password)

    @staticmethod
    def authenticate(username, password):
        query = User.query.filter(func.lower(User.username) == username.lower())
        user = query.first()
        if user and user.check_password(password):
            return user
        return None
