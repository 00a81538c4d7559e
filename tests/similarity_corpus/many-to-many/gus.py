from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False, unique=True)
    # newest-first is not needed, posts come back by id
    posts = db.relationship(
        "Post",
        secondary="post_tag",
        back_populates="tags",
        order_by="Post.id",
    )


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship(
        "Tag",
        secondary="post_tag",
        back_populates="posts",
        order_by="Tag.name",
    )


class Tagging(db.Model):
    """One row per (post, tag)."""

    __tablename__ = "post_tag"
    post_id = db.Column(db.Integer, db.ForeignKey("post.id"), primary_key=True)
    tag_id = db.Column(db.Integer, db.ForeignKey("tag.id"), primary_key=True)


def posts_tagged(tag_name):
    """Posts for a tag name, or an empty list."""
    label = db.session.execute(db.select(Tag).filter_by(name=tag_name)).scalar_one_or_none()
    if not label:
        return []
    return list(label.posts)


def find_or_make_tag(label_name):
    """Existing tag, or a new one flushed so it has an id."""
    label = db.session.execute(db.select(Tag).filter_by(name=label_name)).scalar_one_or_none()
    if label:
        return label
    label = Tag(name=label_name)
    db.session.add(label)
    db.session.flush()
    return label


def add_tag(post_id, tag_name):
    """Link a tag to a post once."""
    post = db.session.get(Post, post_id)
    if post is None:
        raise LookupError("no such post: %s" % post_id)
    label = find_or_make_tag(tag_name)
    link = db.session.get(Tagging, (post.id, label.id))
    if link is None:
        post.tags.append(label)
    db.session.commit()
    return post
