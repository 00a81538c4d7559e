"""``grader validate --mutants``: the operators, the runner (fake and local backends), the
stop at the first failure on the wire, equivalent mutants, and a weak challenge caught."""

from __future__ import annotations

import ast
import json
import shutil
import textwrap

import pytest

from grader.challenges import builtin_pack, load_challenge, load_pack
from grader.cli import cli
from grader.errors import ChallengeFormatError
from grader.mutants import generate
from grader.mutants.operators import DOMAIN, GENERIC, OPERATORS
from grader.mutants.run import Status, mutant_run, run_mutants
from sandbox.fake import FakeAnswer, FakeBackend, FakeJob, honest
from sandbox.local import LocalBackend
from sandbox.wire import (
    Done,
    Ended,
    Expected,
    Import,
    Job,
    Ready,
    Start,
    Test,
    TestStatus,
    encode_record,
    read_transcript,
    run_order,
)

MODELS = """
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, ForeignKey, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    team_id = db.Column(db.Integer, db.ForeignKey("team.id"), index=True)
    posts = db.relationship("Post", back_populates="user", cascade="all, delete-orphan")
    __mapper_args__ = {"version_id_col": id}

    def __repr__(self):
        return f"<User {self.name}>"


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
"""

QUERIES = '''
def newest(n):
    stmt = select(User).options(selectinload(User.posts)).order_by(User.created.desc(), User.name)
    return list(db.session.scalars(stmt.limit(n).offset(2)))


def save(user):
    """Saves."""
    if user.age <= 0 or not user.name:
        raise ValueError("bad")
    user.balance -= 1
    db.session.add(user)
    db.session.flush()
    db.session.commit()


def undo():
    db.session.rollback()


def find(domain):
    return db.session.execute(text("SELECT id FROM users WHERE d = :d AND x = 1"), {"d": domain}).all()
'''

# (operator, source, a line a mutant must hold, in unparsed form)
CASES = [
    ("drop-keyword", MODELS, "name = db.Column(db.String(50), unique=True)"),
    ("drop-keyword", MODELS, "name = db.Column(db.String(50), nullable=False)"),
    ("drop-keyword", MODELS, "id = db.Column(db.Integer)"),
    ("drop-keyword", MODELS, "team_id = db.Column(db.Integer, db.ForeignKey('team.id'))"),
    ("drop-keyword", MODELS, "posts = db.relationship('Post', cascade='all, delete-orphan')"),
    ("drop-keyword", MODELS, "posts = db.relationship('Post', back_populates='user')"),
    ("delete-orphan", MODELS, "posts = db.relationship('Post', back_populates='user', cascade='all')"),
    ("drop-foreign-key", MODELS, "team_id = db.Column(db.Integer, index=True)"),
    ("optional-mapped", MODELS, "title: Mapped[str | None] = mapped_column(String(200))"),
    ("drop-mapper-arg", MODELS, "__mapper_args__ = {}"),
    (
        "order-direction",
        QUERIES,
        "stmt = select(User).options(selectinload(User.posts)).order_by(User.created.asc(), User.name)",
    ),
    (
        "order-direction",
        QUERIES,
        ".order_by(User.created.desc(), User.name.desc())",
    ),
    (
        "drop-query-step",
        QUERIES,
        "stmt = select(User).order_by(User.created.desc(), User.name)",
    ),  # eager gone
    ("drop-query-step", QUERIES, "stmt = select(User).options(selectinload(User.posts))"),
    ("drop-query-step", QUERIES, "return list(db.session.scalars(stmt.offset(2)))"),
    ("drop-query-step", QUERIES, "return list(db.session.scalars(stmt.limit(n)))"),
    ("shift-limit", QUERIES, "return list(db.session.scalars(stmt.limit(n + 1).offset(2)))"),
    ("shift-limit", QUERIES, "return list(db.session.scalars(stmt.limit(n - 1).offset(2)))"),
    ("shift-limit", QUERIES, "return list(db.session.scalars(stmt.limit(n).offset(2 - 1)))"),
    ("drop-statement", QUERIES, "    db.session.flush()\n    pass\n\ndef undo"),  # commit dropped
    ("drop-statement", QUERIES, "def undo():\n    pass"),
    ("drop-statement", QUERIES, "    db.session.add(user)\n    pass\n    db.session.commit()"),
    (
        "inline-sql-param",
        QUERIES,
        "return db.session.execute(text(f\"SELECT id FROM users WHERE d = '{domain}' AND x = 1\")).all()",
    ),
    ("relational", QUERIES, "if user.age < 0 or not user.name:"),
    ("return-none", QUERIES, "User.name)\n    return None\n\ndef save"),
    ("arithmetic", QUERIES, "user.balance += 1"),
    ("boolean", QUERIES, "if user.age <= 0 and (not user.name):"),
    ("boolean", QUERIES, "if user.age <= 0 or user.name:"),
    ("constant", MODELS, "name = db.Column(db.String(51), unique=True, nullable=False)"),
    ("drop-raise", QUERIES, "if user.age <= 0 or not user.name:\n        pass"),
]


@pytest.mark.parametrize(
    ("operator", "source", "wanted"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_each_operator_makes_its_change(operator, source, wanted):
    mutants = generate(source, {operator: OPERATORS[operator]})
    normalised = [ast.unparse(ast.parse(m.source)) for m in mutants]
    assert any(wanted in text for text in normalised), f"no {operator} mutant holds:\n{wanted}"
    for mutant in mutants:
        assert mutant.operator == operator and mutant.description
        assert mutant.diff.startswith("--- reference.py\n+++ mutant.py\n")
        changed = [line for line in mutant.diff.splitlines() if line[:1] in "+-" and line[:3] not in "+++---"]
        assert changed, "a mutant changes at least one line"


def test_every_operator_is_exercised_above():
    assert {c[0] for c in CASES} == set(OPERATORS)
    assert set(DOMAIN).isdisjoint(GENERIC)


def test_a_mutant_only_touches_its_site_and_keeps_comments():
    source = "# a comment\nx = 1  # one\n\n\ndef f(a):\n    return a < 2  # keep me\n"
    (mutant,) = generate(source, {"relational": OPERATORS["relational"]})
    assert mutant.source == source.replace("a < 2", "a <= 2")
    assert mutant.line == 6 and mutant.scope == "f"


def test_identical_trees_are_made_once():
    source = "def f(a, b):\n    return a < b\n"
    once = generate(source, {"relational": OPERATORS["relational"]})
    twice = generate(source, {"one": OPERATORS["relational"], "two": OPERATORS["relational"]})
    assert len(once) == len(twice) == 1


def test_repr_and_docstrings_are_left_alone():
    source = 'def __repr__(self):\n    return f"<{self.id + 1}>"\n\n\ndef g():\n    """1 < 2"""\n'
    assert generate(source) == []


def test_ids_survive_unrelated_edits():
    before = {m.id for m in generate(MODELS + QUERIES)}
    after = {m.id for m in generate("import os  # a new first line\n\n" + MODELS + QUERIES)}
    assert before == after and len(before) > 30


# -- the wire: stopping at the first failure ---------------------------------------------


def _stream(nonce: str, verdicts: list[TestStatus]) -> bytes:
    records = [Ready(True), Import(ok=True)]
    for i, status in enumerate(verdicts):
        records += [Start(f"test_{i}"), Test(f"test_{i}", "", status)]
    return b"".join(encode_record(r, nonce) for r in [*records, Done()])


EXPECTED = tuple(Expected(f"test_{i}", "test_hidden.py") for i in range(3))


def test_a_run_may_stop_after_its_first_failure_only_when_asked():
    stream = _stream("n", [TestStatus.PASSED, TestStatus.FAILED])
    asked = read_transcript(stream, "n", EXPECTED, ["test_hidden.py"], Ended.COMPLETED, stop_first=True)
    assert asked.violations == () and asked.ended is Ended.COMPLETED
    unasked = read_transcript(stream, "n", EXPECTED, ["test_hidden.py"], Ended.COMPLETED)
    assert unasked.violations == ("the run ended without running test_2",)


def test_a_run_that_stops_after_a_pass_is_still_a_violation():
    stream = _stream("n", [TestStatus.PASSED, TestStatus.PASSED])
    got = read_transcript(stream, "n", EXPECTED, ["test_hidden.py"], Ended.COMPLETED, stop_first=True)
    assert got.violations == ("the run ended without running test_2",)


def test_a_stop_never_excuses_a_missing_control_check():
    expected = (*EXPECTED[:2], Expected("test_c", "test_hidden.py", "pass"))
    stream = _stream("n", [TestStatus.PASSED, TestStatus.FAILED])
    got = read_transcript(stream, "n", expected, ["test_hidden.py"], Ended.COMPLETED, stop_first=True)
    assert got.violations == ("a control check never ran",)


# -- the runner on the fake backend --------------------------------------------------------


def _first_test_fails_unless(reference: bytes, spare: str = ""):
    """A harness that passes the reference (and mutants containing ``spare``), failing the first
    test of every other solution and stopping there."""

    def respond(job: FakeJob) -> FakeAnswer:
        if job.solution == reference or (spare and spare in job.solution.decode()):
            return honest(job)
        first = job.expected[0].name
        return FakeAnswer(
            [Ready(True), Import(ok=True), Start(first), Test(first, "", TestStatus.FAILED, "no"), Done()]
        )

    return respond


def test_runner_sends_hidden_tests_only_without_canaries_and_stops_first(pack):
    challenge = pack["model-basics"]
    backend = FakeBackend(_first_test_fails_unless(challenge.reference_path.read_bytes()))
    (result,) = run_mutants([challenge], backend)
    assert result.ok and result.score == 1.0 and result.problems == ()
    assert len(backend.jobs_seen) == len(result.results) + 1  # the baseline, then each mutant
    for job in backend.jobs_seen:
        assert job.phase == "hidden" and job.job.stop_first and job.job.canaries == ()
        assert [f for f in job.files if f.startswith("tests/")] == ["tests/hidden/test_hidden.py"]
    assert all(r.status is Status.KILLED and r.detail.endswith("(failed)") for r in result.results)


def test_survivors_equivalents_and_stale_entries(pack, tmp_path):
    folder = tmp_path / "model-basics"
    shutil.copytree(builtin_pack() / "model-basics", folder)
    reference = (folder / "solutions" / "reference.py").read_bytes()
    mutants = generate(reference.decode())
    survivor = next(m for m in mutants if "String(81)" in m.source)
    equivalent = next(m for m in mutants if "String(121)" in m.source)
    with (folder / "challenge.toml").open("a") as meta:
        meta.write(f'\n[[equivalent_mutants]]\nid = "{equivalent.id}"\nreason = "for the test"\n')
        meta.write('[[equivalent_mutants]]\nid = "constant:User:00000000"\nreason = "gone"\n')
    challenge = load_challenge(folder)

    def respond(job: FakeJob) -> FakeAnswer:
        if job.solution in (survivor.source.encode(), equivalent.source.encode()):
            return honest(job)
        return _first_test_fails_unless(reference)(job)

    (result,) = run_mutants([challenge], FakeBackend(respond), bar=0.5)
    statuses = {r.mutant.id: r.status for r in result.results}
    assert statuses[survivor.id] is Status.SURVIVED and statuses[equivalent.id] is Status.EQUIVALENT
    assert [r.mutant.id for r in result.survivors()] == [survivor.id]
    assert result.counted == len(mutants) - 1
    assert result.score == pytest.approx((len(mutants) - 2) / (len(mutants) - 1))
    assert result.problems == (
        "constant:User:00000000 is listed as equivalent, but no such mutant is made any more",
    )
    assert not result.ok  # a stale list fails even above the bar


def test_a_reference_that_fails_its_tests_is_a_problem(pack):
    challenge = pack["model-basics"]
    (result,) = run_mutants([challenge], FakeBackend(_first_test_fails_unless(b"never")))
    assert result.problems and "the reference does not pass" in result.problems[0]
    assert not result.ok


@pytest.mark.parametrize(
    "entry",
    ['id = "x"', 'reason = "y"', 'id = "x"\nreason = ""', 'id = "x"\nreason = "y"\nextra = 1'],
    ids=["no-reason", "no-id", "empty-reason", "unknown-key"],
)
def test_the_loader_rejects_a_malformed_equivalent_entry(tmp_path, entry):
    folder = tmp_path / "model-basics"
    shutil.copytree(builtin_pack() / "model-basics", folder)
    with (folder / "challenge.toml").open("a") as meta:
        meta.write(f"\n[[equivalent_mutants]]\n{entry}\n")
    with pytest.raises(ChallengeFormatError, match="equivalent_mutants"):
        load_challenge(folder)


# -- for real: the local backend ----------------------------------------------------------------


@pytest.mark.slow
def test_local_backend_kills_every_mutant_of_model_basics(pack):
    (result,) = run_mutants([pack["model-basics"]], LocalBackend(jobs=2))
    assert result.problems == () and result.ok
    assert result.counted >= 5 and result.score == 1.0
    killers = {r.detail.split(" ")[0] for r in result.results}
    assert killers & {"test_username_column", "test_email_column", "does"}, killers


WEAK_TEST = textwrap.dedent(
    '''
    """A deliberately weak hidden test: the model maps, nothing else is looked at."""


    def test_user_maps(db, solution):
        db.session.add(solution.User(username="ada", email="ada@example.com"))
        db.session.commit()
        assert db.session.get(solution.User, 1).username == "ada"
    '''
)


@pytest.mark.slow
def test_a_weak_challenge_scores_low_and_fails_the_command(runner, tmp_path):
    folder = tmp_path / "pack" / "model-basics"
    shutil.copytree(builtin_pack() / "model-basics", folder)
    for old in (folder / "tests" / "hidden").glob("test_*.py"):
        old.unlink()
    (folder / "tests" / "hidden" / "test_hidden.py").write_text(WEAK_TEST)
    meta = folder / "challenge.toml"
    meta.write_text(
        "\n".join(
            line
            for line in meta.read_text().splitlines()
            if "[tests." not in line and not line.startswith("rubric")
        )
        + "\n"
    )
    assert load_pack(folder.parent)
    result = runner.invoke(
        cli, ["validate", "--mutants", "--challenges", str(folder.parent), "-j", "2", "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    (challenge,) = report["challenges"]
    assert challenge["score"] < 0.5 and not challenge["ok"] and not report["ok"]
    survivors = [m for m in challenge["mutants"] if m["status"] == "survived"]
    assert any("nullable=False" in m["diff"] and m["diff"].startswith("--- reference.py") for m in survivors)
    text = runner.invoke(cli, ["validate", "--mutants", "--challenges", str(folder.parent), "-j", "2"])
    assert text.exit_code == 1 and "BELOW BAR" in text.stdout and "+++ mutant.py" in text.stdout


def test_equivalent_mutants_stay_out_of_the_public_pack(pack):
    from grader.challenges import discover_test_names
    from grader.public_pack import public_metadata

    challenge = pack["polymorphic"]
    assert challenge.equivalent_mutants, "the built-in polymorphic lists equivalent mutants"
    hidden = [n for p in challenge.test_files("hidden") for n in discover_test_names(p)]
    public = public_metadata((challenge.path / "challenge.toml").read_text(), hidden)
    assert "equivalent_mutants" not in public and "order-direction" not in public


# -- the order tests run in -----------------------------------------------------------------


def test_run_order_puts_the_named_tests_first_and_keeps_the_rest_in_place():
    names = ["a", "b", "b", "c", "d"]  # b: two cases of one parametrized test
    assert run_order(names, ["c", "b"]) == [3, 1, 2, 0, 4]
    assert run_order(names, []) == run_order(names, ["unknown"]) == [0, 1, 2, 3, 4]


def test_a_job_s_order_and_stop_cross_the_wire():
    job = Job("crud", "hidden", "n" * 32, ("db",), 1.0, stop_first=True, first=("test_b", "test_a"))
    assert Job.from_json(json.loads(json.dumps(job.to_json()))) == job


@pytest.mark.slow
def test_the_harness_runs_the_named_tests_first_and_stops_at_a_failure(pack):
    challenge = pack["model-basics"]
    names = [t.name for t in challenge.tests_of(("hidden",))]
    first = (names[-1], names[1])
    reference = challenge.reference_path.read_text()
    weaker = reference.replace("unique=True, ", "")
    assert weaker != reference
    runs = [mutant_run(challenge, source.encode(), first) for source in (reference, weaker)]
    ran, stopped = (o.phases[0].transcript for o in LocalBackend().run(runs))
    assert ran.violations == () and [t.name for t in ran.tests][:2] == list(first)
    assert sorted(t.name for t in ran.tests) == sorted(names)
    assert stopped.violations == () and stopped.ended is Ended.COMPLETED
    assert stopped.tests[-1].status is TestStatus.FAILED and len(stopped.tests) < len(names)


def test_bar_without_mutants_is_a_usage_error(runner):
    result = runner.invoke(cli, ["validate", "-c", "model-basics", "--bar", "0.5"])
    assert result.exit_code == 2 and "give it with --mutants" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


@pytest.mark.slow
def test_validate_writes_its_checks_as_json(runner):
    result = runner.invoke(cli, ["validate", "-c", "model-basics", "-j", "2", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["kind"] for r in rows} == {"reference", "good", "starter", "bad"}
    assert all(r["ok"] and r["challenge"] == "model-basics" for r in rows)
    assert {r["status"] for r in rows if r["kind"] in ("reference", "good")} == {"passed"}


def test_a_mutant_runs_with_the_challenges_helpers_as_a_grading_does(pack):
    """rest-api's tests import helpers.py: a mutant run without it failed its own reference."""
    from grader.grading import challenge_run
    from grader.mutants.run import mutant_run

    challenge = pack["rest-api"]
    source = challenge.reference_path.read_bytes()
    run = challenge_run(challenge, source, ("hidden",))
    graded = {name for phase in run.phases for name, _ in phase.files}
    mutated = {name for phase in mutant_run(challenge, source).phases for name, _ in phase.files}
    assert "helpers.py" in mutated and mutated == graded
