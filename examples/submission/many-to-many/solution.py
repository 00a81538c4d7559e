from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

posts_tags = db.Table(
    "posts_tags",
    db.Column("post_id", db.Integer, db.ForeignKey("posts.id"), nullable=False),
    db.Column("tag_id", db.Integer, db.ForeignKey("tags.id"), nullable=False),
)


class Post(db.Model):
    __tablename__ = "posts"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship("Tag", secondary=posts_tags, backref="posts")


class Tag(db.Model):
    __tablename__ = "tags"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)


def add_tag(post_id, tag_name):
    post = db.session.get(Post, post_id)
    if post is None:
        raise LookupError(post_id)
    tag = Tag.query.filter_by(name=tag_name).first()
    if tag is None:
        tag = Tag(name=tag_name)
        db.session.add(tag)
    if tag_name not in {t.name for t in post.tags}:
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name):
    tag = Tag.query.filter_by(name=tag_name).first()
    if tag is None:
        return []
    return sorted(tag.posts, key=lambda post: post.id)
