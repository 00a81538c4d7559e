"""Known-good: a DeclarativeBase whose registry carries a type_annotation_map (plain Mapped[str] is a
String(120)); username overrides it with String(80). A @validates check rejects an email without
"@" and leaves valid values untouched."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry, validates


class Base(DeclarativeBase):
    registry = registry(type_annotation_map={str: String(120)})


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str]

    @validates("email")
    def _check_email(self, key: str, value: str) -> str:
        if value is not None and "@" not in value:
            raise ValueError("not an email address")
        return value
