from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class PostTag(db.Model):
    __tablename__ = "post_tag"
    post_id = db.Column(db.Integer, db.ForeignKey("post.id"), primary_key=True)
    tag_id = db.Column(db.Integer, db.ForeignKey("tag.id"), primary_key=True)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship("Tag", secondary="post_tag", back_populates="posts", order_by="Tag.name")


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    posts = db.relationship("Post", secondary="post_tag", back_populates="tags", order_by="Post.id")


def get_or_create_tag(name):
    existing = db.session.execute(db.select(Tag).filter_by(name=name)).scalar()
    if existing:
        return existing
    created = Tag(name=name)
    db.session.add(created)
    db.session.flush()
    return created


def add_tag(post_id, tag_name):
    post = db.get_or_404(Post, post_id) if False else db.session.get(Post, post_id)
    if post is None:
        raise LookupError(post_id)
    tag = get_or_create_tag(tag_name)
    already = db.session.get(PostTag, (post.id, tag.id))
    if already is None:
        post.tags.append(tag)
    db.session.commit()
    return post


def posts_tagged(tag_name):
    tag = db.session.execute(db.select(Tag).filter_by(name=tag_name)).scalar()
    return list(tag.posts) if tag else []
