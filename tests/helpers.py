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
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from grader.challenges import Challenge, builtin_pack
from grader.grading import grade
from grader.results import ChallengeResult, ChallengeStatus
from sandbox.backend import Backend
from sandbox.fake import FakeAnswer, FakeBackend, FakeJob, Respond, honest
from sandbox.wire import Ended, Import, Start, Test

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
from pathlib import Path, PurePosixPath

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


# -- the fake backend ----------------------------------------------------------


def failing_last(job: FakeJob) -> FakeAnswer:
    """An honest harness whose hidden phase fails the last real test."""
    real = [e.name for e in job.expected if e.canary is None]
    return honest(job, {real[-1]: "failed"} if job.phase == "hidden" and real else {})


def failing_last_with(message: str, output: str = "", *, when: bytes = b"") -> Respond:
    """An honest harness whose hidden phase fails the last real test with ``message`` and
    ``output`` (only for solutions holding ``when``, when given)."""

    def respond(job: FakeJob) -> FakeAnswer:
        if when and when not in job.solution:
            return honest(job)
        answer = failing_last(job)
        records = [
            replace(r, message=message, output=output) if isinstance(r, Test) and r.status == "failed" else r
            for r in answer.records
        ]
        return FakeAnswer(records)

    return respond


def varied(job: FakeJob) -> FakeAnswer:
    """A fake harness's answer with every kind of outcome, the same for the same job."""
    real = [e.name for e in job.expected if e.canary is None]
    if job.challenge_id == "crud":
        message = "solution.py raised AttributeError at line 12 while being imported: Strng"
        return honest(job, imported=Import(ok=False, message=message, line=12))
    if job.challenge_id == "pagination" and job.phase == "hidden":
        records = list(honest(job).records)
        middle = real[len(real) // 2]
        cut = next(i for i, r in enumerate(records) if isinstance(r, Start) and r.name == middle)
        return FakeAnswer(records[: cut + 1], ended=Ended.TIMEOUT, duration=60.0)
    if len(job.challenge_id) % 2:
        return honest(job)  # these pass
    verdicts = {name: "failed" for name in real[1::3]}
    verdicts |= {name: "error" for name in real[2::7]}
    verdicts |= {name: "skipped" for name in real[5::11]}
    answer = honest(job, verdicts)
    records = []
    for record in answer.records:
        if isinstance(record, Test) and record.name in verdicts:
            record = replace(
                record,
                message=f"AssertionError: {record.name} expected 3, got 2\nassert 2 == 3",
                details=f'Traceback (most recent call last):\n  File "solution.py", line 5\n{record.name}',
                line=5,
                output="--- Captured stdout call ---\nprinted by the solution\n",
            )
        records.append(record)
    return FakeAnswer(records)


class CountingBackend(FakeBackend):
    """A fake backend (honest unless told otherwise) that lists the challenge runs it got."""

    def __init__(self, respond: Respond = honest) -> None:
        super().__init__(respond)

    @property
    def runs(self) -> list[FakeJob]:
        """One job per challenge run (its public phase), with the solution it was given."""
        return [job for job in self.jobs_seen if job.phase == "public"]


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


def processes_in(folder: Path) -> list[int]:
    """The processes whose working folder is inside ``folder`` (a sandbox's is in its
    temporary folder, so a test that points TMPDIR at its own can find its sandboxes)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(os.readlink(f"/proc/{entry}/cwd")).is_relative_to(folder):
                    found.append(int(entry))
            except OSError:
                continue
    return found


# -- bubblewrap ----------------------------------------------------------------

BWRAP_REQUIRED = os.environ.get("GRADER_REQUIRE_BWRAP") == "1"


def bwrap_backend(jobs: int = 2) -> Any:
    """The local backend on its bwrap tier; skips without a working bwrap (fails when CI
    demands it)."""
    from sandbox.local import LocalBackend, find_bwrap

    if find_bwrap() is None:
        if BWRAP_REQUIRED:
            pytest.fail("GRADER_REQUIRE_BWRAP=1 but no working bwrap is on PATH")
        pytest.skip("no working bwrap on PATH (apt install bubblewrap)")
    return LocalBackend(jobs=jobs, tier="bwrap")


# -- Docker ------------------------------------------------------------------
REQUIRED = os.environ.get("GRADER_REQUIRE_DOCKER") == "1"


def docker_client() -> Any:
    """A client that answered a ping; skips without an engine, fails when Docker is required."""
    from sandbox.docker import DockerUnavailable, connect

    try:
        return connect(timeout=5)
    except DockerUnavailable as exc:
        _unavailable(exc)


DOCKER_BACKENDS: list[Any] = []  # every Docker backend the tests made, in order


def docker_backend(client: Any, **options: Any) -> Any:
    """The Docker backend on ``client``, its image built if need be; skips (or fails, when
    Docker is required) where the image cannot be had, e.g. no base image on this machine."""
    from sandbox.docker import DockerBackend, DockerUnavailable

    options.setdefault("base", os.environ.get("GRADER_BASE_IMAGE") or None)
    try:
        made = DockerBackend(client=client, progress=print, **options)
    except DockerUnavailable as exc:
        _unavailable(exc)
    DOCKER_BACKENDS.append(made)
    return made


def _unavailable(exc: Exception) -> None:
    if REQUIRED:
        pytest.fail(f"GRADER_REQUIRE_DOCKER=1 but {exc}")
    pytest.skip(f"Docker cannot be used here: {exc}")


def leftover_containers(client: Any, backend: Any) -> list[Any]:
    """The containers ``backend`` made that are still there (others' are not this test's)."""
    from sandbox.docker import RUN_LABEL

    return list(client.containers.list(all=True, filters={"label": f"{RUN_LABEL}={backend.run_id}"}))


# -- hostile text (issue 12: one bad string breaks nothing; reports show candidate text inert) --
# What a hostile candidate puts in an exception message, printed output or a file name: lone
# surrogates, every C0 and C1 control, characters XML cannot carry, bidirectional overrides,
# terminal sequences that move the cursor and erase lines to redraw the score, and Markdown
# and HTML that would show a link or fetch an image.
FORGED_SCORE = "Score 35/35 (100.0%)  status PASSED"
HOSTILE_TEXT = (
    "lone \ud800 high, \udfff low, \udcff escaped byte; controls "
    + "".join(map(chr, range(32)))
    + "\x7f"
    + "".join(map(chr, range(0x80, 0xA0)))
    + " not XML \ufffe\uffff bidi \u202eesrever\u202c \u2066isolate\u2069"
    + f" \x1b[1A\x1b[2K\r{FORGED_SCORE}\x1b[999B \x1b]8;;https://evil.example/osc\x07osc-link\x1b]8;;\x07"
    + " \x1bP+q544e\x1b\\ \x1b7\x1b8\x1bc \x9b2J oops\x08\x08\x08\x08"
    + " [phish](https://evil.example/login) ![pixel](https://evil.example/pixel.png)"
    + " [ref][r] <https://evil.example/auto> https://evil.example/bare www.evil.example"
    + " mail@evil.example @someone <img src=https://evil.example/tag.png> | `tick` $x$\n"
    + "[r]: https://evil.example/reference\n"
    + "\n![second](https://evil.example/second.png)"
)


def hostile_result(text: str = HOSTILE_TEXT) -> Any:
    """A grading of 1/3 points in which every text a submission can reach is ``text``."""
    from grader.results import GradeResult, RunStatus, TestResult, TestStatus

    failing = TestResult(
        f"test_a{text}", "public", TestStatus.FAILED, 0.0, 1.0, text, 0.1, text, 3, text, text
    )
    hidden = TestResult(
        "test_b", "hidden", TestStatus.ERROR, 0.0, 1.0, text, 0.1, "checks b", None, text, text
    )
    passed = TestResult("test_c", "hidden", TestStatus.PASSED, 1.0, 1.0, rubric="checks c")
    challenge = ChallengeResult(
        "crud",
        text,
        ChallengeStatus.FAILED,
        1.0,
        3.0,
        text,
        (failing, hidden, passed),
        0.2,
        (text,),
        1.0,
        (text,),
    )
    return GradeResult(
        text, RunStatus.FAILED, 1.0, 3.0, "local", text, 0.3, (challenge,), (text,), text, text, {"k": text}
    )


def hostile_cohort(text: str = HOSTILE_TEXT) -> Any:
    """A cohort of one graded hostile row and one row that could not be graded because of ``text``."""
    from dataclasses import replace

    from grader.cohort import ChallengeInfo, Cohort, Row
    from grader.results import RunStatus

    graded = hostile_result(text)
    failed = replace(graded, status=RunStatus.ERROR, challenges=(), error=text)
    rows = (Row("ann", text, graded), Row("bob", text, failed, saved=False))
    return Cohort(rows, (ChallengeInfo("crud", text, 3.0),), text)


def assert_carriable(document: str, *, sgr: bool = False) -> None:
    """Fail unless ``document`` can be written as UTF-8 and holds no control character but
    tab and newline (nor, with ``sgr``, any escape sequence but the colours a report adds)."""
    import re

    document.encode("utf-8")  # strict: a lone surrogate raises here
    if sgr:
        document = re.sub("\x1b\\[[0-9;]*m", "", document)
    bad = sorted(set(re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f]", document)))
    assert not bad, f"control characters left: {bad!r}"
    assert not re.search("[\u202a-\u202e\u2066-\u2069\ufffe\uffff]", document)


# -- the public part of a pack (issue 12: no hidden material in the wheel or sdist) ----------


def public_copy(source: Path, dest: Path) -> Path:
    """The public part of the pack at ``source`` written to ``dest``, file by file as grader's
    build keeps it (``grader.public_pack``): what a wheel's built-in pack holds."""
    from grader.challenges import discover_test_names
    from grader.public_pack import is_public, public_metadata

    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if not path.is_file() or not is_public(PurePosixPath(rel.as_posix())):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.name == "challenge.toml":
            hidden = [
                n
                for f in sorted((path.parent / "tests" / "hidden").glob("test_*.py"))
                for n in discover_test_names(f)
            ]
            target.write_text(public_metadata(path.read_text(), hidden))
        else:
            target.write_bytes(path.read_bytes())
    return dest


def hidden_material(pack: dict[str, Challenge]) -> list[str]:
    """Text no public distribution may hold: every hidden test's name and rubric line (but those
    its challenge's public files also hold), and the whole text of every hidden test file and
    every solution."""
    found: list[str] = []
    for c in pack.values():
        public = "\n".join(p.read_text() for p in [*c.test_files("public"), c.statement_path, c.starter_path])
        public += "\n".join(t.rubric for t in c.tests_of(["public"]))
        hidden = c.tests_of(["hidden"])
        found += [
            m for m in [t.name for t in hidden] + [t.rubric for t in hidden if t.rubric] if m not in public
        ]
        files = [*c.test_files("hidden"), c.reference_path, *c.good_solutions(), *c.bad_solutions()]
        found += [p.read_text().strip() for p in files]
    return found


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

    def respond(job: FakeJob) -> FakeAnswer:
        first = next(e.name for e in job.expected if e.canary is None)
        message = f"{HIDDEN_SECRET} in {first}" if job.phase == "hidden" else "public check failed"
        records = [
            replace(r, message=message, details="Traceback: test code", line=3)
            if isinstance(r, Test) and r.name == first
            else r
            for r in honest(job, {first: "failed"}).records
        ]
        return FakeAnswer(records)

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


# -- similarity corpus --------------------------------------------------------
SIMILARITY_CORPUS = Path(__file__).parent / "similarity_corpus"


def corpus_manifest() -> dict[str, Any]:
    """``tests/similarity_corpus/manifest.toml``: which answers are copies, leaks, held out."""
    import tomllib

    return tomllib.loads((SIMILARITY_CORPUS / "manifest.toml").read_text(encoding="utf-8"))


def corpus_sources(challenge_ids: list[str] | None = None) -> dict[str, dict[str, str]]:
    """The corpus as ``{candidate: {challenge id: source}}`` (``crud/ann.py`` is ann's crud)."""
    sources: dict[str, dict[str, str]] = {}
    for folder in sorted(p for p in SIMILARITY_CORPUS.iterdir() if p.is_dir()):
        if challenge_ids is None or folder.name in challenge_ids:
            for path in sorted(folder.glob("*.py")):
                sources.setdefault(path.stem, {})[folder.name] = path.read_text(encoding="utf-8")
    return sources


def _stem(entry: str) -> tuple[str, str]:
    challenge, _, file = entry.partition("/")
    return challenge, file.removesuffix(".py")


def corpus_truth() -> tuple[set[tuple[str, str, str]], set[tuple[str, str]], dict[tuple[str, str], str]]:
    """What the corpus is: copied pairs ``(challenge, a, b)`` with ``a < b``, leaks
    ``(challenge, candidate)``, and each copy's original ``{(challenge, copy): original}``."""
    manifest = corpus_manifest()
    origin = {_stem(copy): _stem(original)[1] for copy, original in manifest["copies"].items()}
    copies = {(c, *sorted((copy, original))) for (c, copy), original in origin.items()}
    leaks = {_stem(entry) for entry in manifest["leaks"]}
    return copies, leaks, origin


def corpus_figures(report: Any, challenge_ids: list[str]) -> dict[str, Any]:
    """How a similarity report did on the corpus: true and false positives and negatives over pairs
    and over matches with known solutions, the margins, and every mistake by name."""
    copies, leaks, origin = corpus_truth()
    sources = corpus_sources(challenge_ids)
    by_pair = {(p.challenge, p.a, p.b): p for p in report.pairs}
    f: dict[str, Any] = {"copies": 0, "copies_flagged": 0, "honest_pairs": 0, "honest_flagged": 0}
    f.update(lowest_copy=1.0, highest_honest=0.0, misses=[], false_alarms=[])
    for cid in challenge_ids:
        names = sorted(n for n in sources if cid in sources[n])
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                pair = by_pair.get((cid, a, b))
                sim, flagged = (pair.similarity, pair.flagged) if pair else (0.0, False)
                if (cid, a, b) in copies:
                    f["copies"] += 1
                    f["copies_flagged"] += flagged
                    f["lowest_copy"] = min(f["lowest_copy"], sim)
                    if not flagged:
                        f["misses"].append(f"{cid}: {a} ~ {b} {sim:.3f}")
                elif origin.get((cid, a), a) != origin.get((cid, b), b) and not {
                    (cid, a),
                    (cid, b),
                } <= leaks:
                    f["honest_pairs"] += 1
                    f["honest_flagged"] += flagged
                    f["highest_honest"] = max(f["highest_honest"], sim)
                    if flagged:
                        f["false_alarms"].append(f"{cid}: {a} ~ {b} {sim:.3f}")
    f.update(leaks=0, leaks_flagged=0, honest_answers=0, honest_answers_flagged=0)
    f.update(lowest_leak=1.0, highest_honest_answer=0.0)
    for match in report.reference_matches:
        if match.challenge not in challenge_ids:
            continue
        where = f"{match.challenge}: {match.submission} ~ {match.solution} {match.similarity:.3f}"
        if (match.challenge, match.submission) in leaks:
            f["leaks"] += 1
            f["leaks_flagged"] += match.flagged
            f["lowest_leak"] = min(f["lowest_leak"], match.similarity)
            if not match.flagged:
                f["misses"].append(where)
        else:
            f["honest_answers"] += 1
            f["honest_answers_flagged"] += match.flagged
            if match.solution == "reference.py":
                f["highest_honest_answer"] = max(f["highest_honest_answer"], match.similarity)
            if match.flagged:
                f["false_alarms"].append(where)
    return f


def disguise_cohort(
    pack: dict[str, Challenge], challenge_id: str, disguise: Any, workdir: Path
) -> tuple[Any, str]:
    """One challenge's cohort with a disguised copy of an honest answer (``copy``) and of the
    reference (``leak``), compared: the corpus's independent answers and the pack's good solutions
    as honest candidates (so taken out of the known solutions; the reference stays), and the
    original of the corpus's first copy as the answer copied. Returns the report and that name."""
    from grader.similarity import compare

    manifest = corpus_manifest()
    planted = set(manifest["copies"]) | set(manifest["leaks"])
    challenge = pack[challenge_id]
    honest = {
        p.stem: p.read_text(encoding="utf-8")
        for p in sorted((SIMILARITY_CORPUS / challenge_id).glob("*.py"))
        if f"{challenge_id}/{p.name}" not in planted
    }
    honest.update({f"good-{p.stem}": p.read_text(encoding="utf-8") for p in challenge.good_solutions()})
    copied = sorted(v for k, v in manifest["copies"].items() if k.startswith(f"{challenge_id}/"))[0]
    original = _stem(copied)[1]
    reference = challenge.reference_path.read_text(encoding="utf-8")
    folder = workdir / challenge_id
    if not folder.exists():
        import shutil

        shutil.copytree(challenge.path, folder, ignore=shutil.ignore_patterns("good"))
    bare = {**pack, challenge_id: replace(challenge, path=folder)}
    cohort = {name: {challenge_id: text} for name, text in honest.items()}
    cohort["copy"] = {challenge_id: disguise(honest[original])}
    cohort["leak"] = {challenge_id: disguise(reference)}
    return compare(cohort, bare, challenge_ids=[challenge_id]), original
