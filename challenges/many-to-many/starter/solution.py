"""Tags on posts: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

# TODO: an association table with a foreign key to Post.id and one to Tag.id


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # TODO: title (String(200), not null)
    # TODO: tags, a list of Tag kept in sync with Tag.posts


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # TODO: name (String(50), unique, not null)
    # TODO: posts, a list of Post kept in sync with Post.tags


def add_tag(post_id: int, tag_name: str) -> Post:
    """Attach the tag named tag_name to the post (creating the tag if needed); commit."""
    raise NotImplementedError


def posts_tagged(tag_name: str) -> list[Post]:
    """The posts carrying the tag, by Post.id ascending; [] for an unknown tag."""
    raise NotImplementedError
