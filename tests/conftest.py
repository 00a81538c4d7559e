"""Shared fixtures for the project's own tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from grader.challenges import Challenge, builtin_pack, load_pack
from grader.grading import grade
from grader.results import GradeResult
from tests.helpers import EXAMPLE_SUBMISSION, SERVICE_PASSWORD

# What the product reads from the environment, and so would change what a test sees when the
# machine running the suite sets it: a CI runner sets CI (the default audience becomes the
# candidate's), a reviewer's shell may set GRADER_CHALLENGES or GRADER_QUEUE. Cleared for the
# whole run, so the CLI run in a subprocess inherits none of it; a test that means one of them
# sets it itself. GRADER_BASE_IMAGE stays: it names the image this machine's Docker tests use.
PRODUCT_ENVIRONMENT = (
    "CI",
    "GITHUB_ACTIONS",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_WORKSPACE",
    "GRADER_BACKEND",
    "GRADER_CHALLENGES",
    "GRADER_CPUS",
    "GRADER_DATABASE_URL",
    "GRADER_DEBUG",
    "GRADER_INSTANCE",
    "GRADER_QUEUE",
    "GRADER_TRUST_PROXY",
    "GRADER_WORKERS",
)


def pytest_configure(config: pytest.Config) -> None:
    for name in PRODUCT_ENVIRONMENT:
        os.environ.pop(name, None)


@pytest.fixture(scope="session")
def pack() -> dict[str, Challenge]:
    """The built-in challenge pack."""
    return load_pack()


@pytest.fixture(scope="session")
def fast_pack(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Challenge]:
    """model-basics and crud with an 8 s challenge limit and a 1 s test limit."""
    root = tmp_path_factory.mktemp("pack")
    for cid in ("model-basics", "crud"):
        shutil.copytree(builtin_pack() / cid, root / cid)
        meta = root / cid / "challenge.toml"
        meta.write_text("time_limit = 8\ntest_timeout = 1\n" + meta.read_text())
    return load_pack(root)


@pytest.fixture(scope="session")
def sample(pack: dict[str, Challenge]) -> GradeResult:
    """The example submission graded on the fake backend, through the real session path,
    with every kind of outcome: passes, failures with messages, tracebacks, lines and
    output, an import error, a test that errors, a skip and a timeout (no process runs)."""
    from sandbox.fake import FakeBackend
    from tests.helpers import varied

    return grade(str(EXAMPLE_SUBMISSION), list(pack.values()), FakeBackend(varied))


@pytest.fixture
def runner() -> CliRunner:
    """A click runner (the environment the product reads is cleared: see pytest_configure)."""
    return CliRunner()


SubmissionMaker = Callable[[dict[str, str]], Path]


@pytest.fixture
def make_submission(tmp_path: Path) -> SubmissionMaker:
    """Write a submission folder from ``{"challenge-id": solution source}``."""

    def make(solutions: dict[str, str]) -> Path:
        root = tmp_path / "submission"
        for challenge_id, source in solutions.items():
            (root / challenge_id).mkdir(parents=True, exist_ok=True)
            (root / challenge_id / "solution.py").write_text(source)
        root.mkdir(exist_ok=True)
        return root

    return make


# -- the review service -----------------------------------------------------------------

POSTGRES_SCRIPT = Path(__file__).parent / "components" / "postgres.sh"


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a throwaway PostgreSQL server started by ``tests/components/postgres.sh``.

    Skipped where none can be had (no package and no root to install it, no psycopg),
    unless ``GRADER_REQUIRE_POSTGRES=1``, which turns that into a failure (CI sets it)."""
    required = os.environ.get("GRADER_REQUIRE_POSTGRES") == "1"

    def unavailable(why: str) -> None:
        if required:
            pytest.fail(f"GRADER_REQUIRE_POSTGRES=1 but {why}")
        pytest.skip(f"no PostgreSQL here: {why}")

    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg is not installed (pip install -e '.[postgres]')")
    folder = tmp_path_factory.mktemp("postgres")
    done = subprocess.run(
        ["bash", str(POSTGRES_SCRIPT), "start", str(folder)],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        unavailable(f"{POSTGRES_SCRIPT.name} start failed: {done.stderr.strip()[-500:]}")
    url = done.stdout.strip().splitlines()[-1]
    try:
        yield url
    finally:
        subprocess.run(["bash", str(POSTGRES_SCRIPT), "stop", str(folder)], timeout=120, check=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service.db'}"
        return
    from sqlalchemy.engine import make_url

    server = make_url(request.getfixturevalue("postgres_server"))  # skips without psycopg
    import psycopg

    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield server.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


ServiceMaker = Callable[..., Any]


@pytest.fixture
def make_service(tmp_path: Path, database_url: str, pack: dict[str, Challenge]) -> Iterator[ServiceMaker]:
    """``make(**settings)``: the review service on ``database_url``, grading on a fake backend
    (see ``helpers.fake_grading``) unless given ``queue=``; its apps are stopped afterwards."""
    from grader.queue.local import LocalQueue
    from grader.service import create_app, dispatcher_of
    from grader.service.config import Settings
    from grader.service.models import db
    from tests.helpers import fake_grading

    apps: list[Any] = []

    def make(queue: Any = None, instance: Path | None = None, **options: Any) -> Any:
        settings = Settings.make(instance or tmp_path / "instance", database_url, environ={}, **options)
        if queue is None and settings.start_queue:
            queue = LocalQueue(pack, fake_grading(pack), workers=2)
        app = create_app(settings, queue=queue, testing=True)
        apps.append(app)
        return app

    yield make
    for app in apps:
        dispatcher = dispatcher_of(app)
        if dispatcher is not None:
            dispatcher.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def service(make_service: ServiceMaker) -> Any:
    """The review service with an admin, a reviewer and an API token (``app.config`` keys
    ``TEST_TOKEN``); grading on the fake backend."""
    from grader.service import accounts

    app = make_service()
    with app.app_context():
        accounts.add_user("admin@example.com", SERVICE_PASSWORD, "admin", "Ada Admin")
        accounts.add_user("reviewer@example.com", SERVICE_PASSWORD, "reviewer", "Rita Reviewer")
        _token, secret = accounts.add_token("ci", audience="reviewer")  # the API tests read hidden text
    app.config["TEST_TOKEN"] = secret
    return app
