from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select
from sqlalchemy.exc import NoResultFound

db = SQLAlchemy()

association = db.Table(
    "association",
    db.Column("left_id", db.ForeignKey("post.id"), primary_key=True),
    db.Column("right_id", db.ForeignKey("tag.id"), primary_key=True),
)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship("Tag", secondary=association, back_populates="posts")


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False, unique=True)
    posts = db.relationship("Post", secondary=association, back_populates="tags")


def add_tag(post_id, tag_name):
    post = db.session.execute(select(Post).where(Post.id == post_id)).scalar_one()
    try:
        tag = db.session.execute(select(Tag).where(Tag.name == tag_name)).scalar_one()
    except NoResultFound:
        tag = Tag(name=tag_name)
    if tag in post.tags:
        return post
    post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name):
    rows = db.session.execute(
        select(Post).join(association).join(Tag).where(Tag.name == tag_name).order_by(Post.id)
    )
    return [row.Post for row in rows]
