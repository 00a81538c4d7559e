"""Known-good: Column and String imported from sqlalchemy, a write-only `password` property whose
setter hashes (the Flask-tutorial pattern), werkzeug pbkdf2 with explicit rounds and salt length,
full_name as a method, and a staticmethod through db.session.query(...).first()."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, Integer, String
from werkzeug.security import check_password_hash, generate_password_hash

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "accounts"

    id = Column(Integer, primary_key=True)
    username = Column(String(80), unique=True, nullable=False, index=True)
    first_name = Column(String(50), nullable=False)
    last_name = Column(String(50), nullable=False)
    password_hash = Column(String(255), nullable=True)

    def __repr__(self):
        return f"<User {self.username!r}>"

    def full_name(self):
        return "%s %s" % (self.first_name, self.last_name)

    @property
    def password(self):
        raise AttributeError("the password is not readable")

    @password.setter
    def password(self, value):
        self.password_hash = generate_password_hash(value, method="pbkdf2:sha256:60000", salt_length=16)

    def set_password(self, password):
        self.password = password

    def check_password(self, password):
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @staticmethod
    def authenticate(username, password):
        user = db.session.query(User).filter_by(username=username).first()
        if user and user.check_password(password):
            return user
        return None
