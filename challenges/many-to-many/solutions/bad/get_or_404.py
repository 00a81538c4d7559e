"""Known-bad: add_tag looks the post up with db.get_or_404, which raises werkzeug's NotFound (an HTTP
error, not a LookupError) for an unknown id."""

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
    tags = db.relationship("Tag", secondary=post_tags, backref="posts")


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)


def add_tag(post_id, tag_name):
    post = db.get_or_404(Post, post_id)
    tag = db.session.execute(db.select(Tag).filter_by(name=tag_name)).scalar() or Tag(name=tag_name)
    if tag not in post.tags:
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name):
    stmt = db.select(Post).where(Post.tags.any(Tag.name == tag_name)).order_by(Post.id)
    return db.session.scalars(stmt).all()
