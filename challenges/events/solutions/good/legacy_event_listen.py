"""Known-good: legacy columns, event.listen, naive datetime.utcnow() and a slug built
character by character; audit rows through the table on the flush's connection."""

import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event

db = SQLAlchemy()

ALLOWED = set("abcdefghijklmnopqrstuvwxyz0123456789")


def make_slug(title):
    out = []
    for char in (title or "").lower():
        if char in ALLOWED:
            out.append(char)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


class Article(db.Model):
    __tablename__ = "articles"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(200), nullable=False, unique=True, index=True)
    body = db.Column(db.Text, default="")
    created_at = db.Column(db.DateTime, nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False)


class AuditLog(db.Model):
    __tablename__ = "audit_logs"

    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(10))
    article_id = db.Column(db.Integer, index=True)
    at = db.Column(db.DateTime)


def stamp_new_article(mapper, connection, target):
    now = datetime.datetime.utcnow()
    target.created_at = now
    target.updated_at = now
    if target.slug is None or target.slug == "":
        target.slug = make_slug(target.title)


def stamp_changed_article(mapper, connection, target):
    target.updated_at = datetime.datetime.utcnow()


def log_action(action):
    def listener(mapper, connection, target):
        connection.execute(
            AuditLog.__table__.insert(),
            {"action": action, "article_id": target.id, "at": datetime.datetime.utcnow()},
        )

    return listener


event.listen(Article, "before_insert", stamp_new_article)
event.listen(Article, "before_update", stamp_changed_article)
event.listen(Article, "after_insert", log_action("insert"))
event.listen(Article, "after_update", log_action("update"))
event.listen(Article, "after_delete", log_action("delete"))
