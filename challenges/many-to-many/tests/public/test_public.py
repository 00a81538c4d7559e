"""Public tests for many-to-many: the candidate may read and run these."""

from sqlalchemy import inspect


def test_tables_are_created(db, solution):
    """create_all() creates a table for Post, one for Tag and the association table"""
    tables = inspect(db.engine).get_table_names()
    assert solution.Post.__table__.name in tables, "create_all() should create the Post table"
    assert solution.Tag.__table__.name in tables, "create_all() should create the Tag table"
    assert len(tables) >= 3, "create_all() should also create the association table"


def test_models_take_keyword_arguments(db, solution):
    """Post can be built with title= and Tag with name= keywords"""
    post = solution.Post(title="Hello")
    tag = solution.Tag(name="python")
    assert post.title == "Hello"
    assert tag.name == "python"


def test_add_tag_attaches_a_tag(db, solution):
    """add_tag returns the post, now carrying the tag"""
    post = solution.Post(title="Hello")
    db.session.add(post)
    db.session.commit()
    post_id = post.id

    result = solution.add_tag(post_id, "python")
    assert isinstance(result, solution.Post), "add_tag should return the Post"
    assert result.id == post_id, "add_tag should return the post it was given"
    assert [tag.name for tag in result.tags] == ["python"]
