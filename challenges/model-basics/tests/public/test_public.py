"""Public tests for model-basics: the candidate may read and run these."""

from sqlalchemy import inspect


def test_table_is_created(db, solution):
    """create_all() creates a table for User"""
    tables = inspect(db.engine).get_table_names()
    assert solution.User.__table__.name in tables, "create_all() should create the User table"


def test_starter_shape(db, solution):
    """User can be built with username= and email= keywords"""
    user = solution.User(username="ada", email="ada@example.com")
    assert user.username == "ada"
    assert user.email == "ada@example.com"
