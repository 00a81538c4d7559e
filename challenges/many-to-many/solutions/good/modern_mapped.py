"""Known-good: 2.0 style with Mapped, mapped_column, back_populates and select() with any()."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, ForeignKey, String, Table, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

post_tag = Table(
    "post_tag",
    db.metadata,
    Column("post_id", ForeignKey("post.id"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id"), primary_key=True),
)


class Post(db.Model):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    tags: Mapped[list[Tag]] = relationship(secondary=post_tag, back_populates="posts")


class Tag(db.Model):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    posts: Mapped[list[Post]] = relationship(secondary=post_tag, back_populates="tags")


def add_tag(post_id: int, tag_name: str) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        raise LookupError(f"post {post_id} not found")
    tag = db.session.scalars(select(Tag).where(Tag.name == tag_name)).one_or_none()
    if tag is None:
        tag = Tag(name=tag_name)
        db.session.add(tag)
    if tag not in post.tags:
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name: str) -> list[Post]:
    stmt = select(Post).where(Post.tags.any(Tag.name == tag_name)).order_by(Post.id.asc())
    return list(db.session.scalars(stmt).all())
