"""Known-bad: passive_deletes=True with ON DELETE CASCADE on the association table: deleting a post
whose tags were never loaded leaves its link rows to the database, which (foreign keys not enforced)
keeps them."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

post_tags = db.Table(
    "post_tags",
    db.Column("post_id", db.Integer, db.ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship("Tag", secondary=post_tags, back_populates="posts", passive_deletes=True)


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    posts = db.relationship("Post", secondary=post_tags, back_populates="tags", passive_deletes=True)


def add_tag(post_id, tag_name):
    post = db.session.get(Post, post_id)
    if post is None:
        raise LookupError(post_id)
    tag = db.session.scalars(db.select(Tag).filter_by(name=tag_name)).first()
    if tag is None:
        tag = Tag(name=tag_name)
    if tag not in post.tags:
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name):
    stmt = db.select(Post).join(Post.tags).where(Tag.name == tag_name).order_by(Post.id)
    return list(db.session.scalars(stmt))
