"""Helpers shared by the project's tests: solutions, submissions, hostile code, engines.

Fixtures live in ``conftest.py``; everything else a test module shares with
another lives here, so that no test module imports another.
"""

from __future__ import annotations

import html
import json
import os
import socket
import threading
import time
import xml.etree.ElementTree as ET
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
