"""Hidden tests for polymorphic."""

from sqlalchemy import Integer, String, inspect, select

from sandbox.harness.checks import assert_column

ROLES = ("employee", "manager", "engineer")


def _add(db, solution, *people):
    """Commit one row per (role, name[, extra]) and return their ids, in order."""
    objects = []
    for role, name, *extra in people:
        if role == "manager":
            obj = solution.Manager(name=name, department=extra[0] if extra else "Ops")
        elif role == "engineer":
            obj = solution.Engineer(name=name, language=extra[0] if extra else "Python")
        else:
            obj = solution.Employee(name=name)
        db.session.add(obj)
        # One flush per row: ids follow the order of ``people``.
        db.session.flush()
        objects.append(obj)
    db.session.commit()
    return [obj.id for obj in objects]


def _staff(solution):
    """staff_by_role(), checked for its shape: a dict of the three roles to lists of str."""
    result = solution.staff_by_role()
    # Any dict passes (a defaultdict or OrderedDict is one): the statement asks for "a dict",
    # and the keys and the lists in it are checked for their own exact types.
    assert isinstance(result, dict), f"staff_by_role() should return a dict, got {type(result).__name__}"
    keys = list(result)
    assert all(type(key) is str for key in keys), "staff_by_role()'s keys should be str"
    assert sorted(keys) == sorted(ROLES), (
        f"staff_by_role() should have exactly the keys {', '.join(map(repr, ROLES))}, got {keys!r}"
    )
    for role in ROLES:
        names = result[role]
        assert type(names) is list, (
            f"staff_by_role()[{role!r}] should be a list, got {type(names).__name__}"
        )
        for name in names:
            assert type(name) is str, (
                f"staff_by_role()[{role!r}] should hold names (str), got a {type(name).__name__}"
            )
    return {role: list(result[role]) for role in ROLES}


def test_employee_columns(db, solution):
    """Employee.id is an integer primary key and Employee.name a required String(50)"""
    assert_column(solution.Employee, "id", Integer, primary_key=True)
    assert_column(solution.Employee, "name", String, length=50, nullable=False)


def test_subclass_columns(db, solution):
    """Manager.department and Engineer.language are String(50) columns"""
    assert_column(solution.Manager, "department", String, length=50)
    assert_column(solution.Engineer, "language", String, length=50)


def test_subclasses_are_mapped_as_inheritance(db, solution):
    """Manager and Engineer are mapped as inheriting from Employee"""
    base = inspect(solution.Employee)
    for model in (solution.Manager, solution.Engineer):
        mapper = inspect(model)
        assert mapper.inherits is base, (
            f"{model.__name__} should be mapped as a subclass of Employee (mapper inheritance)"
        )
        assert mapper.base_mapper is base, f"{model.__name__}'s base mapper should be Employee's"


def test_polymorphic_identities(db, solution):
    """Employee has a discriminator, and each class has the polymorphic identity the statement
    names
    """
    base = inspect(solution.Employee)
    assert base.polymorphic_on is not None, (
        "Employee should have a discriminator column (polymorphic_on)"
    )
    expected = {solution.Employee: "employee", solution.Manager: "manager", solution.Engineer: "engineer"}
    for model, identity in expected.items():
        got = inspect(model).polymorphic_identity
        assert isinstance(got, str) and got == identity, (
            f"{model.__name__}'s polymorphic identity should be {identity!r}, got {got!r}"
        )


def test_subclass_rows_round_trip(db, solution):
    """an employee, a manager and an engineer read back with their own columns after the session is
    closed
    """
    plain_id, manager_id, engineer_id = _add(
        db,
        solution,
        ("employee", "Ada"),
        ("manager", "Grace", "Research"),
        ("engineer", "Linus", "C"),
    )
    db.session.remove()

    plain = db.session.get(solution.Employee, plain_id)
    manager = db.session.get(solution.Manager, manager_id)
    engineer = db.session.get(solution.Engineer, engineer_id)
    assert plain is not None and manager is not None and engineer is not None, (
        "each committed row should be found again by its id"
    )
    assert plain.name == "Ada"
    assert (manager.name, manager.department) == ("Grace", "Research")
    assert (engineer.name, engineer.language) == ("Linus", "C")


def test_querying_employee_returns_subclass_instances(db, solution):
    """a query of Employee returns an object of the right class for every row"""
    ids = _add(
        db,
        solution,
        ("manager", "Grace", "Research"),
        ("employee", "Ada"),
        ("engineer", "Linus", "C"),
        ("engineer", "Guido", "Python"),
    )
    expected = dict(zip(ids, (solution.Manager, solution.Employee, solution.Engineer, solution.Engineer)))
    db.session.remove()

    loaded = db.session.scalars(select(solution.Employee)).all()
    assert len(loaded) == 4, f"querying Employee should return all 4 staff rows, got {len(loaded)}"
    for obj in loaded:
        want = expected[obj.id]
        assert type(obj) is want, (
            f"querying Employee should return an object of class {want.__name__} for "
            f"{obj.name}'s row, got {type(obj).__name__}"
        )
    by_id = {obj.id: obj for obj in loaded}
    assert by_id[ids[0]].department == "Research"
    assert by_id[ids[3]].language == "Python"


def test_get_on_employee_returns_subclass_instance(db, solution):
    """getting a manager's or an engineer's row through Employee returns the subclass"""
    manager_id, engineer_id = _add(
        db, solution, ("manager", "Grace", "Research"), ("engineer", "Linus", "C")
    )
    db.session.remove()

    manager = db.session.get(solution.Employee, manager_id)
    engineer = db.session.get(solution.Employee, engineer_id)
    assert type(manager) is solution.Manager, (
        f"db.session.get(Employee, id) should return a Manager for a manager's row, "
        f"got {type(manager).__name__}"
    )
    assert type(engineer) is solution.Engineer, (
        f"db.session.get(Employee, id) should return an Engineer for an engineer's row, "
        f"got {type(engineer).__name__}"
    )
    assert manager.department == "Research"
    assert engineer.language == "C"


def test_staff_by_role_groups_by_exact_identity(db, solution):
    """staff_by_role() puts each name under its exact role only"""
    _add(
        db,
        solution,
        ("manager", "Mia"),
        ("employee", "Abe"),
        ("engineer", "Eve"),
        ("employee", "Zoe"),
        ("manager", "Ben"),
        ("engineer", "Cal"),
        ("engineer", "Ann"),
    )
    db.session.remove()

    staff = _staff(solution)
    assert sorted(staff["employee"]) == ["Abe", "Zoe"], (
        f"staff_by_role()['employee'] should hold plain employees only, got {staff['employee']!r}"
    )
    assert sorted(staff["manager"]) == ["Ben", "Mia"], (
        f"staff_by_role()['manager'] should hold the managers, got {staff['manager']!r}"
    )
    assert sorted(staff["engineer"]) == ["Ann", "Cal", "Eve"], (
        f"staff_by_role()['engineer'] should hold the engineers, got {staff['engineer']!r}"
    )


def test_staff_by_role_sorts_names_ascending(db, solution):
    # Neither the order of insertion nor its reverse is sorted.
    """staff_by_role() lists each role's names in ascending order"""
    _add(
        db,
        solution,
        ("employee", "Mo"),
        ("engineer", "Kai"),
        ("manager", "Lea"),
        ("employee", "Al"),
        ("engineer", "Dee"),
        ("manager", "Zara"),
        ("employee", "Zed"),
        ("engineer", "Uma"),
        ("manager", "Cy"),
        ("employee", "Bo"),
        ("engineer", "Fay"),
        ("manager", "Nia"),
    )
    db.session.remove()

    staff = _staff(solution)
    expected = {
        "employee": ["Al", "Bo", "Mo", "Zed"],
        "manager": ["Cy", "Lea", "Nia", "Zara"],
        "engineer": ["Dee", "Fay", "Kai", "Uma"],
    }
    for role in ROLES:
        assert sorted(staff[role]) == expected[role], (
            f"staff_by_role()[{role!r}] should hold {expected[role]!r}, got {staff[role]!r}"
        )
        assert staff[role] == expected[role], (
            f"staff_by_role()[{role!r}] should be sorted by name ascending, got {staff[role]!r}"
        )


def test_staff_by_role_role_without_staff_is_empty(db, solution):
    """a role without staff maps to an empty list"""
    _add(db, solution, ("manager", "Grace"), ("employee", "Ada"))
    db.session.remove()

    staff = _staff(solution)
    assert staff["engineer"] == [], (
        f"a role without staff should map to [], got {staff['engineer']!r}"
    )
    assert staff["manager"] == ["Grace"]
    assert staff["employee"] == ["Ada"]
