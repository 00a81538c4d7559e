"""Posts and tags joined through an association table."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import backref

db = SQLAlchemy()

post_tags = db.Table(
    "post_tags",
    db.Column("post", db.Integer, db.ForeignKey("post.id"), primary_key=True),
    db.Column("tag", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
)


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False, unique=True)

    def __repr__(self):
        return f"Tag({self.name!r})"


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship(Tag, secondary=post_tags, lazy="subquery", backref=backref("posts", lazy=True))

    def __repr__(self):
        return f"Post({self.title!r})"


def add_tag(post_id, tag_name):
    post = db.session.get(Post, post_id)
    names = {t.name for t in post.tags}
    if tag_name not in names:
        tag = Tag.query.filter(Tag.name == tag_name).one_or_none() or Tag(name=tag_name)
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name):
    return (
        Post.query.filter(Post.tags.any(Tag.name == tag_name))
        .order_by(Post.id.asc())
        .all()
    )
