"""Known-good: legacy Query API throughout (Model.query.get, session.query(...).one_or_none(),
filter(... .any(name=...))), backref declared on Tag, names in a module constant."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

TITLE_LENGTH = 200
TAG_LENGTH = 50

tags_posts = db.Table(
    "tags_posts",
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id")),
    db.Column("post_id", db.Integer, db.ForeignKey("post.id")),
    db.UniqueConstraint("tag_id", "post_id"),
)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(TITLE_LENGTH), nullable=False)


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(TAG_LENGTH), nullable=False, unique=True)
    posts = db.relationship("Post", secondary=tags_posts, backref=db.backref("tags"))


def add_tag(post_id, tag_name):
    post = Post.query.get(post_id)
    if not post:
        raise LookupError("Post %s not found" % post_id)
    tag = db.session.query(Tag).filter(Tag.name == tag_name).one_or_none()
    if not tag:
        tag = Tag(name=tag_name)
        db.session.add(tag)
    if tag not in post.tags:
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name):
    return Post.query.filter(Post.tags.any(name=tag_name)).order_by(Post.id.asc()).all()
