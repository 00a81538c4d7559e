"""Known-good: SQLite upserts (INSERT ... ON CONFLICT DO NOTHING) create the tag and the link, so
neither can be duplicated; the ORM collections are re-read after the commit."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, ForeignKey, Integer, String, Table, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column, relationship

db = SQLAlchemy()

links = Table(
    "links",
    db.metadata,
    Column("post_id", Integer, ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id"), primary_key=True),
)


class Post(db.Model):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    tags: Mapped[list[Tag]] = relationship(secondary=links, back_populates="posts")


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    posts: Mapped[list[Post]] = relationship(secondary=links, back_populates="tags")


def add_tag(post_id: int, tag_name: str) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        raise LookupError(post_id)
    db.session.execute(sqlite_insert(Tag).values(name=tag_name).on_conflict_do_nothing())
    tag_id = db.session.scalar(select(Tag.id).where(Tag.name == tag_name))
    db.session.execute(
        sqlite_insert(links).values(post_id=post_id, tag_id=tag_id).on_conflict_do_nothing()
    )
    db.session.commit()
    return post


def posts_tagged(tag_name: str) -> list[Post]:
    stmt = select(Post).where(Post.tags.any(Tag.name == tag_name)).order_by(Post.id)
    return [post for post in db.session.scalars(stmt)]
