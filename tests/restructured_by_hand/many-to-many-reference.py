# copy of many-to-many/reference.py
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


def _tag_named(tag_name):
    # reuse the tag when it exists, else make one
    existing = Tag.query.filter_by(name=tag_name).one_or_none()
    return existing or Tag(name=tag_name)


def add_tag(post_id, tag_name):
    post = db.session.get(Post, post_id)
    if not post:
        raise LookupError("post %d not found" % post_id)
    tag = _tag_named(tag_name)
    if tag in post.tags:
        db.session.commit()
        return post
    post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name):
    return Post.query.join(Post.tags).filter(Tag.name == tag_name).order_by(Post.id).all()
