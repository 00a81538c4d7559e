from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

db = SQLAlchemy()

link = db.Table(
    "post_tag_link",
    db.Column("post_id", ForeignKey("post.id"), primary_key=True),
    db.Column("tag_id", ForeignKey("tag.id"), primary_key=True),
)


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    tags: Mapped[list[Tag]] = relationship(secondary=link, back_populates="posts")


class Tag(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    posts: Mapped[list[Post]] = relationship(secondary=link, back_populates="tags")


class PostNotFound(LookupError):
    pass


def add_tag(post_id: int, tag_name: str) -> Post:
    post = db.session.get(Post, post_id)
    if not post:
        raise PostNotFound(post_id)
    for tag in post.tags:
        if tag.name == tag_name:
            db.session.commit()
            return post
    tag = db.session.scalar(select(Tag).filter_by(name=tag_name))
    post.tags.append(tag or Tag(name=tag_name))
    db.session.commit()
    return post


def posts_tagged(tag_name: str) -> list[Post]:
    query = select(Post).where(Post.tags.any(Tag.name == tag_name)).order_by(Post.id)
    return db.session.scalars(query).all()
