from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import generate_password_hash, check_password_hash

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255))

    def __repr__(self):
        return "<User %s>" % self.username

    @classmethod
    def authenticate(cls, name, pw):
        # look up by username, then verify
        found = db.session.execute(db.select(cls).filter_by(username=name)).scalar_one_or_none()
        if found is not None and found.check_password(pw):
            return found
        return None

    @property
    def full_name(self):
        return "%s %s" % (self.first_name, self.last_name)

    def check_password(self, pw):
        if self.password_hash is None:
            return False
        return check_password_hash(self.password_hash, pw)

    def set_password(self, pw):
        # salted hash, caller commits
        self.password_hash = generate_password_hash(pw)
