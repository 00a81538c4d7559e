"""Known-good: the tag is created inside a savepoint (begin_nested) and an IntegrityError falls back to
the existing one; a LookupError subclass for the unknown post; execute(...).scalar_one_or_none();
posts_tagged joins through the association table explicitly."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import exc

db = SQLAlchemy()


class PostNotFound(LookupError):
    """No post has the given id."""


post_tag = db.Table(
    "post_tag",
    db.Column("post_id", db.ForeignKey("post.id"), primary_key=True),
    db.Column("tag_id", db.ForeignKey("tag.id"), primary_key=True),
)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship("Tag", secondary=post_tag, back_populates="posts")


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False, unique=True)
    posts = db.relationship("Post", secondary=post_tag, back_populates="tags")


def _find_tag(name):
    return db.session.execute(db.select(Tag).where(Tag.name == name)).scalar_one_or_none()


def _get_or_create_tag(name):
    tag = _find_tag(name)
    if tag is not None:
        return tag
    try:
        with db.session.begin_nested():
            tag = Tag(name=name)
            db.session.add(tag)
    except exc.IntegrityError:
        tag = _find_tag(name)
    return tag


def add_tag(post_id: int, tag_name: str) -> Post:
    post = db.session.execute(db.select(Post).where(Post.id == post_id)).scalar_one_or_none()
    if post is None:
        raise PostNotFound(f"post {post_id} does not exist")
    tag = _get_or_create_tag(tag_name)
    if all(t.id != tag.id for t in post.tags):
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name: str) -> list[Post]:
    stmt = (
        db.select(Post)
        .join(post_tag, post_tag.c.post_id == Post.id)
        .join(Tag, Tag.id == post_tag.c.tag_id)
        .where(Tag.name == tag_name)
        .order_by(Post.id)
    )
    return db.session.execute(stmt).scalars().all()
