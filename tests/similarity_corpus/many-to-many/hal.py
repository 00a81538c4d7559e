from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select
from sqlalchemy.exc import NoResultFound

db = SQLAlchemy()


link_table = db.Table(
    'link_table',
    db.Column('post_ref', db.ForeignKey('post.id'), primary_key=True),
    db.Column('tag_ref', db.ForeignKey('tag.id'), primary_key=True),
)


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False, unique=True)
    posts = db.relationship('Post', secondary=link_table, back_populates='tags')


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    tags = db.relationship('Tag', secondary=link_table, back_populates='posts')


def posts_tagged(name):
    result = db.session.execute(
        select(Post).join(link_table).join(Tag).where(Tag.name == name).order_by(Post.id)
    )
    return [r.Post for r in result]


def add_tag(post_id, name):
    # the post must exist
    the_post = db.session.execute(select(Post).filter_by(id=post_id)).scalar_one()
    try:
        the_tag = db.session.execute(select(Tag).where(Tag.name == name)).scalar_one()
    except NoResultFound:
        # first time we see this tag
        the_tag = Tag(name=name)
    if the_tag not in the_post.tags:
        the_post.tags.append(the_tag)
        db.session.commit()
    return the_post
