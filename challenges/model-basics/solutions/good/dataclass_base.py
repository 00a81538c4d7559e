"""Flask-SQLAlchemy 3.1's dataclass models: SQLAlchemy(model_class=Base) where Base is a
MappedAsDataclass DeclarativeBase, as its own documentation shows. The generated __init__
takes the columns as keywords, and requires username and email: the table's NOT NULL
constraints are still what the tests check."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


class Base(MappedAsDataclass, DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str] = mapped_column(String(120))
