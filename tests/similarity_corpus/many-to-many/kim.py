from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    posts = db.relationship("Post", secondary="post_tag_table", back_populates="tags")


post_tag_table = db.Table(
    "post_tag_table",
    db.Column("post_id", db.Integer, db.ForeignKey("post.id"), primary_key=True),
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship("Tag", secondary=post_tag_table, back_populates="posts")

    def __repr__(self):
        return "<Post %r>" % self.title


def posts_tagged(name):
    stmt = db.select(Post).join(Post.tags).where(Tag.name == name).order_by(Post.id)
    return list(db.session.scalars(stmt))


def add_tag(post_id, name):
    post = db.session.get(Post, post_id)
    if not post:
        raise LookupError("post %s does not exist" % post_id)
    tag = db.session.execute(db.select(Tag).filter_by(name=name)).scalar_one_or_none()
    if not tag:
        tag = Tag(name=name)
    if tag not in post.tags:
        post.tags.append(tag)
    db.session.commit()
    return post
