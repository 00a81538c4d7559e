"""Known-good: 2.0 style that also turns SQLite foreign keys on at connect; the ORM cascade still deletes."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column, relationship


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    nickname: Mapped[str | None] = mapped_column(String(30))

    addresses: Mapped[list["Address"]] = relationship(
        "Address", back_populates="user", cascade="all, delete-orphan", lazy="joined"
    )


class Address(db.Model):
    __tablename__ = "app_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False)

    user: Mapped["User"] = relationship("User", back_populates="addresses")


def users_named(name: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.name == name).order_by(User.id)).unique())
