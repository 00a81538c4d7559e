"""Public tests for polymorphic: the candidate may read and run these."""

from sqlalchemy import inspect


def test_tables_are_created(db, solution):
    """create_all() creates the tables of the three models"""
    tables = set(inspect(db.engine).get_table_names())
    for model in (solution.Employee, solution.Manager, solution.Engineer):
        assert model.__table__.name in tables, f"create_all() should create {model.__name__}'s table"


def test_models_take_keyword_arguments(db, solution):
    """Manager and Engineer subclass Employee, and all three take their columns as keywords"""
    assert issubclass(solution.Manager, solution.Employee), "Manager should subclass Employee"
    assert issubclass(solution.Engineer, solution.Employee), "Engineer should subclass Employee"
    employee = solution.Employee(name="Ada")
    manager = solution.Manager(name="Grace", department="Research")
    engineer = solution.Engineer(name="Linus", language="C")
    assert employee.name == "Ada"
    assert (manager.name, manager.department) == ("Grace", "Research")
    assert (engineer.name, engineer.language) == ("Linus", "C")


def test_staff_by_role_on_empty_database(db, solution):
    """staff_by_role() on an empty database gives the three roles, each with an empty list"""
    result = solution.staff_by_role()
    # Any dict passes (a defaultdict or OrderedDict is one): the statement asks for "a dict",
    # and the keys and the lists in it are checked for their own exact types.
    assert isinstance(result, dict), f"staff_by_role() should return a dict, got {type(result).__name__}"
    assert sorted(result) == ["employee", "engineer", "manager"], (
        "staff_by_role() should have the keys 'employee', 'manager' and 'engineer'"
    )
    for role, names in result.items():
        assert type(names) is list, f"staff_by_role()[{role!r}] should be a list"
        assert names == [], f"with no staff, staff_by_role()[{role!r}] should be []"
