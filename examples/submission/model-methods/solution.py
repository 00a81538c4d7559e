from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import check_password_hash, generate_password_hash

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
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        if self.password_hash is None:
            return False
        return check_password_hash(self.password_hash, password)

    @classmethod
    def authenticate(cls, username: str, password: str) -> "User | None":
        user = db.session.execute(db.select(cls).filter_by(username=username)).scalar_one_or_none()
        if user is not None and user.check_password(password):
            return user
        return None

    def __repr__(self) -> str:
        return f"<User {self.username}>"
