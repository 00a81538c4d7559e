"""Dataclass models with eq=False: objects compare by identity, as the ORM's own do, so the
`tag not in post.tags` check never walks the relationships. Both collections start empty
(default_factory=list); the association table is a plain Table."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, ForeignKey, String, Table, select
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column, relationship


class Base(MappedAsDataclass, DeclarativeBase, eq=False):
    pass


db = SQLAlchemy(model_class=Base)

post_tags = Table(
    "post_tags",
    db.metadata,
    Column("post_id", ForeignKey("post.id"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id"), primary_key=True),
)


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    title: Mapped[str] = mapped_column(String(200))
    tags: Mapped[list["Tag"]] = relationship(
        secondary=post_tags, back_populates="posts", default_factory=list
    )


class Tag(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    posts: Mapped[list[Post]] = relationship(
        secondary=post_tags, back_populates="tags", default_factory=list
    )


def add_tag(post_id: int, tag_name: str) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        raise LookupError(f"no post with id {post_id}")
    tag = db.session.scalars(select(Tag).where(Tag.name == tag_name)).one_or_none()
    if tag is None:
        tag = Tag(name=tag_name)
    if tag not in post.tags:
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name: str) -> list[Post]:
    stmt = select(Post).join(Post.tags).where(Tag.name == tag_name).order_by(Post.id)
    return list(db.session.scalars(stmt))
