"""Known-good: timestamps from column default/onupdate with the database's UTC clock
(func.now() is CURRENT_TIMESTAMP on SQLite), a slug listener, and audit rows inserted
with text() on the flush's connection."""

import functools
import re

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, func, text

db = SQLAlchemy()


class Article(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(200), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=func.now())
    updated_at = db.Column(db.DateTime, nullable=False, default=func.now(), onupdate=func.now())

    __table_args__ = (db.UniqueConstraint("slug", name="uq_article_slug"),)


class AuditLog(db.Model):
    __tablename__ = "article_audit"

    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(10), nullable=False)
    article_id = db.Column(db.Integer, nullable=False)
    at = db.Column(db.DateTime, nullable=False, server_default=func.now())


@event.listens_for(Article, "before_insert")
def fill_slug(mapper, connection, target):
    if not target.slug:
        target.slug = "-".join(re.findall(r"[a-z0-9]+", target.title.lower()))


def audit(action, mapper, connection, target):
    connection.execute(
        text(
            "INSERT INTO article_audit (action, article_id, at) "
            "VALUES (:action, :article_id, CURRENT_TIMESTAMP)"
        ),
        {"action": action, "article_id": target.id},
    )


for _action in ("insert", "update", "delete"):
    event.listen(Article, f"after_{_action}", functools.partial(audit, _action))
