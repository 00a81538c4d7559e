from typing import List

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, ForeignKey, String, Table, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

post_tag = Table(
    "post_tag",
    Base.metadata,
    Column("post_id", ForeignKey("post.id"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id"), primary_key=True),
)


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    tags: Mapped[List["Tag"]] = relationship(secondary=post_tag, back_populates="posts")


class Tag(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    posts: Mapped[List[Post]] = relationship(secondary=post_tag, back_populates="tags")


def _tag_named(name: str, create: bool = False):
    tag = db.session.scalars(select(Tag).where(Tag.name == name)).one_or_none()
    if tag is None and create:
        tag = Tag(name=name)
        db.session.add(tag)
    return tag


def add_tag(post_id: int, tag_name: str) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        raise ValueError(f"post {post_id} not found")
    tag = _tag_named(tag_name, create=True)
    if all(t.id != tag.id or t is not tag for t in post.tags):
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name: str) -> list:
    stmt = select(Post).join(post_tag).join(Tag).where(Tag.name == tag_name).order_by(Post.id)
    return list(db.session.scalars(stmt))
