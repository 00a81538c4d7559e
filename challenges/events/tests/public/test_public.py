"""Public tests for events: the candidate may read and run these."""

from datetime import datetime

from sqlalchemy import inspect


def test_tables_are_created(db, solution):
    """create_all() creates a table for Article and one for AuditLog"""
    tables = set(inspect(db.engine).get_table_names())
    for model in (solution.Article, solution.AuditLog):
        assert model.__table__.name in tables, f"create_all() should create {model.__name__}'s table"


def test_models_take_keyword_arguments(db, solution):
    """Article and AuditLog can be built with their columns as keywords"""
    article = solution.Article(title="Hello", slug="hello")
    assert (article.title, article.slug) == ("Hello", "hello")
    when = datetime(2024, 1, 2, 3, 4, 5)
    entry = solution.AuditLog(action="insert", article_id=1, at=when)
    assert (entry.action, entry.article_id, entry.at) == ("insert", 1, when)


def test_slug_is_made_from_the_title(db, solution):
    """an article saved without a slug gets one made from its title"""
    article = solution.Article(title="Hello, World!")
    db.session.add(article)
    db.session.commit()
    article_id = article.id
    db.session.remove()

    loaded = db.session.get(solution.Article, article_id)
    assert loaded.slug == "hello-world", (
        f"an article saved without a slug should get one made from its title, got {loaded.slug!r}"
    )
