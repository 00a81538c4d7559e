from __future__ import annotations

from typing import NamedTuple

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy import String


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    __tablename__ = "users_raw"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(120))


class Row(NamedTuple):
    id: int
    name: str


QUERIES = {
    "by_domain": "SELECT id, name FROM users_raw WHERE instr(email, :at_domain) = length(email) - length(:at_domain) + 1 ORDER BY id",
    "rename": "UPDATE users_raw SET name = :name WHERE id = :id",
}


def run(key: str, **params):
    return db.session.execute(text(QUERIES[key]), params)


def find_by_email_domain(domain: str) -> list[tuple[int, str]]:
    return [tuple(Row(*r)) for r in run("by_domain", at_domain="@" + domain)]


def rename_raw(user_id: int, new_name: str) -> int:
    count = run("rename", name=new_name, id=user_id).rowcount
    db.session.commit()
    return count
