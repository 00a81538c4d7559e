"""Hidden tests for raw-sql."""

from typing import Any

from sqlalchemy import Integer, String, inspect, text
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.selectable import TextualSelect

from sandbox.harness.checks import (
    assert_column,
    column,
    assert_list_of,
    assert_plain_tuple,
    count_rows,
)

# (id, name, email), in the order they are inserted. Ids, names, emails and the
# insertion order all sort differently, so only an ORDER BY id (or an explicit
# sort by id) gives the expected order; reverse_unordered_selects reverses an
# unordered scan.
PEOPLE = [
    (10, "abe", "moss@example.com"),
    (5, "kim", "kim@sub.example.com"),  # sub-domain: no match for example.com
    (3, "mia", "wolf@example.com"),
    (9, "lou", "lou@example.com.evil.org"),  # look-alike: no match
    (15, "eve", "example.com@mail.test"),  # domain before the @: only mail.test
    (12, "kai", "baker@example.com"),
    (2, "ned", "ned@notexample.com"),  # no @ right before the domain: no match
    (4, "ray", "ray@mail.test"),
    (7, "zoe", "adams@example.com"),
    (1, "gus", "gus@example.org"),
    (8, "ida", "ida@mail.test"),
]
EXAMPLE_COM = [(3, "mia"), (7, "zoe"), (10, "abe"), (12, "kai")]
MAIL_TEST = [(4, "ray"), (8, "ida"), (15, "eve")]


def _user(solution: Any, user_id: int, name: str, email: str) -> Any:
    user = solution.User(name=name, email=email)
    user.id = user_id  # after the constructor: a dataclass model's may leave the key out
    return user


def _seed(db: Any, solution: Any) -> None:
    for user_id, name, email in PEOPLE:
        db.session.add(_user(solution, user_id, name, email))
        db.session.flush()  # one INSERT each, in this order
    db.session.commit()


def _names(db: Any, solution: Any) -> dict[int, str]:
    db.session.remove()
    users = db.session.execute(db.select(solution.User)).scalars().all()
    return {u.id: u.name for u in users}


def _is_text_sql(clause: Any, keyword: str) -> bool:
    """``clause`` is a text() construct (maybe in .columns() or ORM from_statement) saying ``keyword``."""
    for _ in range(4):
        if isinstance(clause, TextClause):
            return keyword.lower() in clause.text.lower()
        if isinstance(clause, TextualSelect) or type(clause).__name__ == "FromStatement":
            clause = getattr(clause, "element", None)
            continue
        return False
    return False


def _bound_values(parameters: Any) -> list[Any]:
    """Every value of a statement's parameters (tuple, dict, or a list of them)."""
    if isinstance(parameters, dict):
        parameters = list(parameters.values())
    if isinstance(parameters, (list, tuple)):
        values: list[Any] = []
        for item in parameters:
            values.extend(_bound_values(item) if isinstance(item, (list, tuple, dict)) else [item])
        return values
    return [] if parameters is None else [parameters]


def _check_find_result(found: Any) -> list[tuple[int, str]]:
    assert_list_of(found, tuple, "find_by_email_domain's result")
    for item in found:
        assert_plain_tuple(item, (int, str), "each (id, name) item")
    return found


def test_user_columns(db, solution):
    """id is an integer primary key; name is String(50) and email String(120), both not null"""
    assert_column(solution.User, "id", Integer, primary_key=True)
    assert_column(solution.User, "name", String, length=50, nullable=False)
    assert_column(solution.User, "email", String, length=120, nullable=False)
    assert inspect(db.engine).has_table(solution.User.__table__.name)


def test_find_returns_plain_tuples(db, solution):
    """find_by_email_domain returns a list of plain (int, str) tuples"""
    _seed(db, solution)
    found = _check_find_result(solution.find_by_email_domain("example.com"))
    assert found, "example.com should find some users"


def test_find_matches_exact_domain_only(db, solution):
    """only emails that end with @ followed by exactly the domain match, not look-alike domains"""
    _seed(db, solution)
    found = _check_find_result(solution.find_by_email_domain("example.com"))
    assert sorted(found) == EXAMPLE_COM, (
        "example.com should match exactly the emails ending in '@example.com' "
        "(not sub-domains, look-alikes or the part before the @)"
    )
    found = _check_find_result(solution.find_by_email_domain("mail.test"))
    assert sorted(found) == MAIL_TEST, "mail.test should match exactly the emails ending in '@mail.test'"
    found = _check_find_result(solution.find_by_email_domain("sub.example.com"))
    assert found == [(5, "kim")], "sub.example.com should match its own user"


def _store_out_of_id_order(db: Any, solution: Any) -> str:
    """Shadow the users' table, on this connection, with a TEMP copy that stores the rows by name,
    not by id (as a table that has seen updates and deletes may store them): SQLite scans an
    INTEGER PRIMARY KEY table in id order, so without this an ORDER BY of a constant (such as
    ORDER BY 'id', a string) would pass for one by id. Unqualified names resolve to the TEMP copy
    first. Returns the quoted table name, for dropping the copy."""
    quote = db.engine.dialect.identifier_preparer.quote
    table = quote(solution.User.__table__.name)
    name = quote(column(solution.User, "name").name)
    db.session.execute(text(f"CREATE TEMP TABLE {table} AS SELECT * FROM main.{table} ORDER BY {name}"))
    db.session.commit()
    return table


def test_find_orders_by_id(db, solution):
    """the matching users come out in the required order, however the rows are stored"""
    _seed(db, solution)
    table = _store_out_of_id_order(db, solution)
    try:
        for domain, expected in (("example.com", EXAMPLE_COM), ("mail.test", MAIL_TEST)):
            found = _check_find_result(solution.find_by_email_domain(domain))
            assert set(expected) <= set(found), f"some users of {domain} are missing"
            ids = [t[0] for t in found]
            assert ids == sorted(ids), "the users should be ordered by id (ORDER BY id, or a sort by id)"
    finally:
        db.session.rollback()
        db.session.execute(text(f"DROP TABLE temp.{table}"))
        db.session.commit()


def test_find_unknown_domain_gives_empty_list(db, solution):
    """a domain nobody uses gives an empty list"""
    _seed(db, solution)
    found = solution.find_by_email_domain("nowhere.test")
    assert type(found) is list, f"the result should be a list, got {type(found).__name__}"
    assert len(found) == 0, "a domain nobody uses should give []"


def test_find_runs_text_sql(db, solution, sql):
    """the lookup runs hand-written SQL through sqlalchemy.text()"""
    _seed(db, solution)
    with sql.record() as log:
        solution.find_by_email_domain("example.com")
    assert any(_is_text_sql(clause, "select") for clause in log.clauses), (
        "find_by_email_domain should execute a SELECT written with sqlalchemy.text()"
    )


def test_find_binds_the_domain(db, solution, sql):
    """the domain is sent as a bound parameter and never appears inside the executed SQL"""
    _seed(db, solution)
    for domain in ("example.com", "mail.test", "nowhere.test"):
        with sql.record() as log:
            solution.find_by_email_domain(domain)
        assert log.statements, "find_by_email_domain should run a query"
        for statement in log.statements:
            assert domain not in statement.sql, (
                "the domain appears inside the SQL string: pass it as a bound parameter"
            )
        assert any(
            isinstance(value, str) and domain in value
            for statement in log.statements
            for value in _bound_values(statement.parameters)
        ), "the domain should be sent as a bound parameter value"


def test_find_resists_injection(db, solution):
    """a domain crafted as an SQL injection finds nothing and raises nothing"""
    _seed(db, solution)
    found = solution.find_by_email_domain("x' OR '1'='1")
    assert type(found) is list, f"the result should be a list, got {type(found).__name__}"
    assert len(found) == 0, "an injected condition should find nothing"


def test_rename_returns_one_and_commits(db, solution):
    """renaming an existing user returns the int 1 and the change survives the end of the session
    """
    _seed(db, solution)
    before = _names(db, solution)
    changed = solution.rename_raw(7, "Zed")
    assert type(changed) is int, f"rename_raw should return an int, got {type(changed).__name__}"
    assert changed == 1, f"one row should change, got {changed}"
    after = _names(db, solution)
    assert after[7] == "Zed", "the new name was not committed"
    before[7] = "Zed"
    assert after == before, "other users should not change"


def test_rename_unknown_id_returns_zero(db, solution):
    """renaming an unknown id returns the int 0 and changes nothing"""
    _seed(db, solution)
    before = _names(db, solution)
    changed = solution.rename_raw(999, "Nobody")
    assert type(changed) is int, f"rename_raw should return an int, got {type(changed).__name__}"
    assert changed == 0, f"no row should change for an unknown id, got {changed}"
    assert _names(db, solution) == before, "nothing should change"


def test_rename_runs_text_update_with_bound_values(db, solution, sql):
    """the rename is an UPDATE written with text() whose values are all bound parameters"""
    _seed(db, solution)
    db.session.add(_user(solution, 4217, "Old Name", "old@example.net"))
    db.session.commit()
    new_name = "Quincy Harbottle"
    with sql.record() as log:
        solution.rename_raw(4217, new_name)
    assert log.of_verb("UPDATE"), "rename_raw should execute an UPDATE"
    assert any(_is_text_sql(clause, "update") for clause in log.clauses), (
        "rename_raw should execute an UPDATE written with sqlalchemy.text()"
    )
    for statement in log.statements:
        assert new_name not in statement.sql, (
            "the new name appears inside the SQL string: pass it as a bound parameter"
        )
        assert "4217" not in statement.sql, (
            "the id appears inside the SQL string: pass it as a bound parameter"
        )
    values = [v for s in log.of_verb("UPDATE") for v in _bound_values(s.parameters)]
    assert new_name in values, "the new name should be sent as a bound parameter value"
    assert any(
        (type(v) is int and v == 4217) or v == "4217" for v in values
    ), "the id should be sent as a bound parameter value"


def test_rename_round_trips_quotes(db, solution):
    """names with quotes and SQL-looking text are stored exactly as given"""
    _seed(db, solution)
    before = _names(db, solution)
    tricky = {
        3: "O'Brien",
        12: "Robert'); DROP TABLE x;--",
        1: 'say "hi" \\ 100% _done_',
    }
    for user_id, name in tricky.items():
        solution.rename_raw(user_id, name)
    after = _names(db, solution)
    before.update(tricky)
    assert after == before, "names with quotes should be stored exactly, and only for their user"
    assert count_rows(db, solution.User) == len(PEOPLE)
