"""Helpers shared by the project's tests: solutions, submissions, hostile code, engines.

Fixtures live in ``conftest.py``; everything else a test module shares with
another lives here, so that no test module imports another.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import socket
import threading
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from grader.challenges import Challenge, builtin_pack
from grader.grading import grade
from grader.results import ChallengeResult, ChallengeStatus
from sandbox.backend import Backend, ChallengeRun, RunOutcome, TestRecord

EXAMPLE_SUBMISSION = Path(__file__).parent.parent / "examples" / "submission"
MODEL_BASICS_OK = (builtin_pack() / "model-basics" / "solutions" / "reference.py").read_text()


JUNIT_SCHEMA = Path(__file__).parent / "schemas" / "junit-10.xsd"


def assert_valid_junit(document: str) -> None:
    """Fail unless ``document`` validates against the published JUnit XML schema (junit-10.xsd)."""
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema is in the [dev] extra")
    xmlschema.XMLSchema(str(JUNIT_SCHEMA)).validate(document)


# A solution that is wrong on purpose and hostile: it prints during every test and, when the
# public test builds User(username="ada"), raises with the hidden tests' source read from disk.
HOSTILE_MODEL_BASICS = """\
from pathlib import Path

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
print("HOSTILE-IMPORT-OUTPUT")


def _hidden_source():
    root = Path(__file__).resolve().parent.parent / "tests" / "hidden"
    return "\\n".join(p.read_text() for p in sorted(root.glob("*.py")))


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(20), nullable=False)
    email = db.Column(db.String(20))

    def __init__(self, **kw):
        print("HOSTILE-TEST-OUTPUT")
        print(_hidden_source())
        if kw.get("username") == "ada":
            raise ValueError(_hidden_source())
        super().__init__(**kw)
"""

# -- submissions ------------------------------------------------------------

BAD = "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\nclass User(db.Model)\n"


def write_sub(root: Path, name: str, source: str | None = MODEL_BASICS_OK) -> Path:
    folder = root / name / "model-basics"
    folder.mkdir(parents=True)
    if source is not None:
        (folder / "solution.py").write_text(source)
    return root / name


# -- fake outcomes ----------------------------------------------------------


def record(name: str, status: str = "passed", case: str = "", visibility: str = "hidden") -> TestRecord:
    return TestRecord(
        name, visibility, case, status, "" if status == "passed" else f"{name} {status}", "", 0.01, None, ""
    )


def all_passing(run: ChallengeRun, pack) -> RunOutcome:
    specs = pack[run.challenge_id].tests
    return RunOutcome(
        run.challenge_id,
        "completed",
        0.1,
        imported=True,
        import_ok=True,
        tests=tuple(record(s.name, visibility=s.visibility) for s in specs),
    )


# -- reading reports as their readers do --------------------------------


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def secret_lines(challenge) -> list[str]:
    """Every line of the hidden tests worth keeping secret (not also public, not trivially short)."""
    public = [*challenge.test_files("public"), challenge.statement_path, challenge.starter_path]
    known = {_alnum(line) for p in public for line in p.read_text().splitlines()}
    known |= {_alnum(t.rubric) for t in challenge.tests}
    lines = [line.strip() for p in challenge.test_files("hidden") for line in p.read_text().splitlines()]
    return [line for line in lines if len(_alnum(line)) >= 16 and _alnum(line) not in known]


def readable(fmt: str, content: str) -> str:
    """The text a reader of ``content`` sees, with the format's escaping undone."""
    if fmt in ("json", "gradescope"):
        strings: list[str] = []

        def walk(value):
            if isinstance(value, str):
                strings.append(value)
            elif isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)

        walk(json.loads(content))
        return "\n".join(strings)
    if fmt == "junit":
        root = ET.fromstring(content)
        parts = [t for e in root.iter() for t in (e.text, e.tail, *e.attrib.values()) if t]
        return "\n".join(parts)
    if fmt == "markdown":
        return html.unescape(content.replace("\\|", "|").replace("\\`", "`"))
    return html.unescape(content)


# -- hostile solutions ------------------------------------------------------
# All a solution may find in its environment: the harness's own variables, and pytest's
# version (set by pytest while it runs; the solution is imported from inside the run).
HARNESS_ENV = {"HOME", "LC_ALL", "TMPDIR", "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PYTEST_VERSION"}
HEADER = "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n"
CRUD_OK = (builtin_pack() / "crud" / "solutions" / "reference.py").read_text()
# At import, makes every test of the run's test files (but the control checks, which it
# recognises) return at once, then defines a model that is wrong for every test.
REWRITE_TESTS = HEADER + (
    "import glob, re\n"
    "for path in glob.glob('tests/*/*.py'):\n"
    "    source = open(path).read()\n"
    "    if 'must fail' not in source:\n"
    "        source = re.sub(r'(\\ndef test_\\w+\\([^)]*\\):\\n)', r'\\1    return\\n', source)\n"
    "        open(path, 'w').write(source)\n"
    "class User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
)


def hostile_pair(
    tmp_path: Path,
    pack: dict[str, Challenge],
    backend: Backend,
    hostile: str,
    honest: str = CRUD_OK,
    *,
    hostile_id: str = "model-basics",
    extra_files: dict[str, str] | None = None,
) -> tuple[ChallengeResult, float]:
    """Grade ``hostile`` as ``hostile_id`` beside the honest other challenge; check that the
    honest one keeps full marks and the hostile one does not pass. The hostile result and
    the time the grading took."""
    honest_id = "crud" if hostile_id == "model-basics" else "model-basics"
    if honest_id == "model-basics" and honest is CRUD_OK:
        honest = MODEL_BASICS_OK
    sub = tmp_path / "sub"
    for cid, source in ((hostile_id, hostile), (honest_id, honest)):
        (sub / cid).mkdir(parents=True, exist_ok=True)
        (sub / cid / "solution.py").write_text(source)
    for rel, text in (extra_files or {}).items():
        (sub / rel).parent.mkdir(parents=True, exist_ok=True)
        (sub / rel).write_text(text)
    started = time.monotonic()
    result = grade(str(sub), [pack[hostile_id], pack[honest_id]], backend)
    elapsed = time.monotonic() - started
    hostile_result, honest_result = result.challenges
    assert honest_result.status is ChallengeStatus.PASSED, honest_result
    assert honest_result.score == honest_result.max_score
    assert hostile_result.status is not ChallengeStatus.PASSED, hostile_result
    return hostile_result, elapsed


@contextmanager
def loopback_listener() -> Iterator[tuple[str, list[object]]]:
    """A listener on the host's 127.0.0.1 (never any other address): yields the hostile
    source that tries to connect to it (it raises ``NET=blocked ...`` or ``NET=connected``)
    and the list of connections it accepted, filled when the block ends."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(5)
    port = server.getsockname()[1]
    accepted: list[object] = []

    def accept() -> None:
        try:
            accepted.append(server.accept())
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    source = HEADER + (
        "import socket\ntry:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
        "    raise RuntimeError('NET=connected')\n"
        "except OSError as e:\n    raise RuntimeError('NET=blocked ' + str(e))\n"
    )
    try:
        yield source, accepted
    finally:
        thread.join()
        server.close()


# -- Docker ------------------------------------------------------------------
REQUIRED = os.environ.get("GRADER_REQUIRE_DOCKER") == "1"


def docker_client() -> Any:
    """A client that answered a ping; skips without an engine, fails when Docker is required."""
    from sandbox.docker import DockerUnavailable, connect

    try:
        return connect(timeout=5)
    except DockerUnavailable as exc:
        _unavailable(exc)


def docker_backend(client: Any, **options: Any) -> Any:
    """The Docker backend on ``client``, its image built if need be; skips (or fails, when
    Docker is required) where the image cannot be had, e.g. no base image on this machine."""
    from sandbox.docker import DockerBackend, DockerUnavailable

    try:
        return DockerBackend(client=client, progress=print, **options)
    except DockerUnavailable as exc:
        _unavailable(exc)


def _unavailable(exc: Exception) -> None:
    if REQUIRED:
        pytest.fail(f"GRADER_REQUIRE_DOCKER=1 but {exc}")
    pytest.skip(f"Docker cannot be used here: {exc}")


def leftover_containers(client: Any) -> list[Any]:
    from sandbox.docker import SESSION_LABEL

    return list(client.containers.list(all=True, filters={"label": SESSION_LABEL}))


# -- the review service ---------------------------------------------------------------

SERVICE_PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: str) -> str:
    """The CSRF token of the first form on ``page``."""
    found = CSRF_FIELD.search(page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: Any, email: str, password: str = SERVICE_PASSWORD) -> Any:
    token = csrf_of(client.get("/signin").get_data(as_text=True))
    return client.post("/signin", data={"email": email, "password": password, "csrf_token": token})


def post_form(client: Any, url: str, data: dict[str, Any], page: str = "/assessments") -> Any:
    """POST ``data`` to ``url`` with a CSRF token read from ``page`` (as a browser would)."""
    token = csrf_of(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def zip_of(solutions: dict[str, str], top: str = "answer", extra: dict[str, bytes] | None = None) -> bytes:
    """A submission archive: ``{challenge id: solution source}`` under one top folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for cid, source in solutions.items():
            archive.writestr(f"{top}/{cid}/solution.py", source)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


HIDDEN_SECRET = "SECRET-HIDDEN-MESSAGE"


def fake_grading(pack: dict[str, Challenge]) -> Any:
    """A backend factory for the service's queue: no process; in every challenge the first
    public test and the first hidden test fail (the hidden one with ``HIDDEN_SECRET``)."""
    from sandbox.fake import FakeBackend

    def respond(run: ChallengeRun) -> RunOutcome:
        specs = pack[run.challenge_id].tests
        first = {v: next(s.name for s in specs if s.visibility == v) for v in ("public", "hidden")}
        records = []
        for s in specs:
            failed = s.name == first[s.visibility]
            message = f"{HIDDEN_SECRET} in {s.name}" if s.visibility == "hidden" else "public check failed"
            records.append(
                TestRecord(
                    s.name, s.visibility, "", "failed" if failed else "passed", message if failed else "",
                    "Traceback: test code" if failed else "", 0.01, 3 if failed else None, "",
                )
            )  # fmt: skip
        return RunOutcome(
            run.challenge_id, "completed", 0.1, imported=True, import_ok=True, tests=tuple(records)
        )

    return lambda: FakeBackend(respond)


def wait_for(
    app: Any, submission_id: int, timeout: float = 60.0, states: tuple[str, ...] = ("graded", "error")
) -> Any:
    """The submission once its status is one of ``states`` (fails after ``timeout`` seconds)."""
    from grader.service.models import Submission, db

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            sub = db.session.get(Submission, submission_id)
            if sub is not None and sub.status in states:
                db.session.expunge(sub)
                return sub
            db.session.remove()
        time.sleep(0.05)
    raise AssertionError(f"submission {submission_id} not {'/'.join(states)} after {timeout} s")


# -- a real browser ----------------------------------------------------------------------
# Debian's Chromium and chromedriver (tests/components/chromium.sh installs them), driven by
# Selenium (the [browser] extra). Tests skip without them, unless GRADER_REQUIRE_BROWSER=1.

ARTIFACTS = Path(os.environ.get("GRADER_ARTIFACTS", Path(__file__).resolve().parent.parent / "artifacts"))
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DRIVERS = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def _first_executable(paths: tuple[str, ...]) -> str | None:
    return next((p for p in paths if os.access(p, os.X_OK)), None)


def chromium(profile: Path, downloads: Path | None = None) -> Any:
    """A headless Chromium (fresh profile, no network services) as a Selenium driver; skips
    when Chromium, chromedriver or Selenium is missing, fails instead under
    ``GRADER_REQUIRE_BROWSER=1``."""
    binary, driver_path = _first_executable(BROWSERS), _first_executable(DRIVERS)
    problem = ""
    if binary is None or driver_path is None:
        problem = (
            "Chromium or chromedriver is not installed (bash tests/components/chromium.sh installs them)"
        )
    else:
        try:
            import selenium.webdriver  # noqa: F401
        except ImportError:
            problem = "Selenium is not installed (pip install -e '.[browser]')"
    if problem:
        if os.environ.get("GRADER_REQUIRE_BROWSER") == "1":
            pytest.fail(f"GRADER_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for a browser online
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if downloads is not None:
        options.add_experimental_option(
            "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
        )
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    print(f"\nbrowser: {binary} {driver.capabilities.get('browserVersion')}, driver {driver_path}")
    return driver


def screenshot(driver: Any, name: str) -> Path:
    """Save what the browser shows to ``$GRADER_ARTIFACTS/name`` and print its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 1000
    print(f"screenshot: {path}")
    return path
