"""Known-bad: posts_tagged joins Tag on the name only, skipping the association table, so every post
comes back as soon as the tag exists."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

post_tags = db.Table(
    "post_tags",
    db.Column("post_id", db.Integer, db.ForeignKey("post.id"), primary_key=True),
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship("Tag", secondary=post_tags, back_populates="posts")


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    posts = db.relationship("Post", secondary=post_tags, back_populates="tags")


def add_tag(post_id, tag_name):
    post = db.session.get(Post, post_id)
    if post is None:
        raise LookupError(post_id)
    tag = Tag.query.filter_by(name=tag_name).first() or Tag(name=tag_name)
    if tag not in post.tags:
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name):
    return Post.query.join(Tag, Tag.name == tag_name).order_by(Post.id).all()
