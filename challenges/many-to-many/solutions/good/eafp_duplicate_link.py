"""Known-good: EAFP: the link is appended without a check; the association table's primary key refuses
a second copy and the IntegrityError is rolled back. Tags load with selectin; posts_tagged uses
from_statement(text()) with a bound parameter."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

db = SQLAlchemy()

post_tags = db.Table(
    "post_tags",
    db.Column("post_id", db.Integer, db.ForeignKey("post.id"), primary_key=True),
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship("Tag", secondary=post_tags, back_populates="posts", lazy="selectin")


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    posts = db.relationship("Post", secondary=post_tags, back_populates="tags")


def add_tag(post_id: int, tag_name: str) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        raise LookupError(f"no post {post_id}")
    tag = db.session.scalars(select(Tag).filter_by(name=tag_name)).first() or Tag(name=tag_name)
    post.tags.append(tag)
    try:
        db.session.commit()
    except IntegrityError:  # the pair was linked already
        db.session.rollback()
    return post


POSTS_TAGGED_SQL = text(
    "SELECT post.* FROM post JOIN post_tags ON post_tags.post_id = post.id "
    "JOIN tag ON tag.id = post_tags.tag_id WHERE tag.name = :name ORDER BY post.id"
)


def posts_tagged(tag_name: str) -> list[Post]:
    stmt = select(Post).from_statement(POSTS_TAGGED_SQL.bindparams(name=tag_name))
    return list(db.session.scalars(stmt))
