"""Known-bad: default=datetime.utcnow() (called, not passed) and onupdate=datetime.utcnow():
every timestamp is the moment solution.py was imported, not the time of the insert or update."""

import re
from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, insert

db = SQLAlchemy()


class Article(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(200), unique=True, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow())
    updated_at = db.Column(
        db.DateTime, nullable=False, default=datetime.utcnow(), onupdate=datetime.utcnow()
    )


class AuditLog(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(10))
    article_id = db.Column(db.Integer)
    at = db.Column(db.DateTime, default=datetime.utcnow)


@event.listens_for(Article, "before_insert")
def _slug(mapper, connection, target):
    if not target.slug:
        target.slug = re.sub(r"[^a-z0-9]+", "-", target.title.lower()).strip("-")


def _audit(action):
    def listener(mapper, connection, target):
        connection.execute(insert(AuditLog).values(action=action, article_id=target.id))

    return listener


for _action in ("insert", "update", "delete"):
    event.listen(Article, "after_" + _action, _audit(_action))
