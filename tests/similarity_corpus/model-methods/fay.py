from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

db = SQLAlchemy()


def find_by_username(username):
    return db.session.query(User).filter_by(username=username).one_or_none()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255))

    def full_name(self):
        first = self.first_name or ""
        last = self.last_name or ""
        return f"{first} {last}".strip()

    def set_password(self, password):
        hashed = generate_password_hash(password, salt_length=16)
        self.password_hash = hashed

    def check_password(self, password):
        hashed = self.password_hash
        if hashed is None:
            return False
        ok = check_password_hash(hashed, password)
        return ok

    @staticmethod
    def authenticate(username, password):
        user = find_by_username(username)
        if user is None:
            return None
        if not user.check_password(password):
            return None
        return user
