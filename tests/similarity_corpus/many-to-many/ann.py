from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

tags = db.Table(
    "tags",
    db.Column("post_id", db.Integer, db.ForeignKey("post.id")),
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id")),
    db.UniqueConstraint("post_id", "tag_id"),
)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship("Tag", secondary=tags, backref=db.backref("posts", lazy=True))


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)


def add_tag(post_id, tag_name):
    post = Post.query.get(post_id)
    tag = Tag.query.filter_by(name=tag_name).first()
    if tag is None:
        tag = Tag(name=tag_name)
        db.session.add(tag)
    if tag not in post.tags:
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name):
    tag = Tag.query.filter_by(name=tag_name).first()
    if tag is None:
        return []
    return sorted(tag.posts, key=lambda p: p.id)
