"""Known-good: the order comes from order_by= on the relationship (lazy="selectin"), the backref is
declared on Tag, and duplicates are checked with an EXISTS query on the association table."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import exists, select

db = SQLAlchemy()

tagging = db.Table(
    "tagging",
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
    db.Column("post_id", db.Integer, db.ForeignKey("post.id"), primary_key=True),
)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    summary = db.Column(db.Text)


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False, unique=True, index=True)
    posts = db.relationship(
        Post,
        secondary=tagging,
        order_by=Post.id,
        lazy="selectin",
        backref=db.backref("tags", lazy="selectin"),
    )


def _tag_named(name):
    return db.session.execute(select(Tag).where(Tag.name == name)).scalars().first()


def add_tag(post_id: int, tag_name: str) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        raise LookupError(f"no post {post_id}")
    tag = _tag_named(tag_name)
    if tag is None:
        tag = Tag(name=tag_name, posts=[post])
        db.session.add(tag)
    else:
        linked = db.session.scalar(
            select(exists().where(tagging.c.post_id == post.id, tagging.c.tag_id == tag.id))
        )
        if not linked:
            tag.posts.append(post)
    db.session.commit()
    return post


def posts_tagged(tag_name: str) -> list[Post]:
    tag = _tag_named(tag_name)
    return list(tag.posts) if tag is not None else []
