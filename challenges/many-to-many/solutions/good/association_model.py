"""Known-good: the association table is a mapped model with an extra column, the link row is written
with a core insert(), and posts_tagged filters with an IN subquery."""

from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import insert, select

db = SQLAlchemy()


def _now():
    return datetime.now(timezone.utc)


class PostTag(db.Model):
    __tablename__ = "post_tag_links"

    post_id = db.Column(db.Integer, db.ForeignKey("article.id"), primary_key=True)
    tag_id = db.Column(db.Integer, db.ForeignKey("label.id"), primary_key=True)
    tagged_at = db.Column(db.DateTime, default=_now, nullable=False)


class Post(db.Model):
    __tablename__ = "article"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship("Tag", secondary="post_tag_links", back_populates="posts")


class Tag(db.Model):
    __tablename__ = "label"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    posts = db.relationship("Post", secondary="post_tag_links", back_populates="tags")


def add_tag(post_id, tag_name):
    post = db.session.get(Post, post_id)
    if post is None:
        raise KeyError(post_id)  # KeyError is a LookupError
    tag = db.session.scalars(select(Tag).filter_by(name=tag_name)).first()
    if tag is None:
        tag = Tag(name=tag_name)
        db.session.add(tag)
        db.session.flush()
    if db.session.get(PostTag, (post.id, tag.id)) is None:
        db.session.execute(insert(PostTag).values(post_id=post.id, tag_id=tag.id, tagged_at=_now()))
    db.session.commit()
    return post


def posts_tagged(tag_name):
    wanted = (
        select(PostTag.post_id)
        .join(Tag, Tag.id == PostTag.tag_id)
        .where(Tag.name == tag_name)
    )
    return db.session.scalars(select(Post).where(Post.id.in_(wanted)).order_by(Post.id)).all()
