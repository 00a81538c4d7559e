"""Known-bad: looks tags up case-insensitively, so "Python" and "python" become one tag."""

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

    def __repr__(self) -> str:
        return f"<Post {self.title}>"


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)

    posts = db.relationship("Post", secondary=post_tags, back_populates="tags")

    def __repr__(self) -> str:
        return f"<Tag {self.name}>"


def add_tag(post_id: int, tag_name: str) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        raise LookupError(f"no post with id {post_id}")
    lowered = db.func.lower(Tag.name) == tag_name.lower()
    tag = db.session.execute(db.select(Tag).where(lowered)).scalar_one_or_none()
    if tag is None:
        tag = Tag(name=tag_name)
    if tag not in post.tags:
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name: str) -> list[Post]:
    query = db.select(Post).join(Post.tags).where(Tag.name == tag_name).order_by(Post.id)
    return list(db.session.scalars(query))
