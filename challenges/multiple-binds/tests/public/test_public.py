"""Public tests for multiple-binds: the candidate may read and run these."""

from sandbox.harness.checks import table_names


def test_models_take_keyword_arguments(db, solution):
    """User can be built with name= and PageView with path= and user_id= keywords"""
    user = solution.User(name="ada")
    view = solution.PageView(path="/home", user_id=1)
    assert user.name == "ada"
    assert (view.path, view.user_id) == ("/home", 1)


def test_tables_live_in_their_databases(db, solution):
    """create_all() creates User's table in the default database and PageView's in analytics"""
    user_table = solution.User.__table__.name
    view_table = solution.PageView.__table__.name
    assert user_table in table_names(db), "User's table should be in the default database"
    assert view_table in table_names(db, "analytics"), (
        "PageView's table should be in the analytics database"
    )


def test_one_user_with_views(db, solution):
    """one user with two recorded views counts 2"""
    user = solution.User(name="ada")
    db.session.add(user)
    db.session.commit()
    solution.record_view(user.id, "/home")
    solution.record_view(user.id, "/about")
    assert solution.views_per_user() == {"ada": 2}
