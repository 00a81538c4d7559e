"""Grading a hostile solution beside an honest one, on any backend.

Time limits come from a copy of the pack with short limits (``fast_pack`` in
conftest), so nothing waits long.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grader.challenges import Challenge, builtin_pack
from grader.grading import grade
from grader.results import ChallengeResult, ChallengeStatus
from sandbox.backend import Backend

# All a solution may find in its environment: the harness's own variables, and pytest's
# version (set by pytest while it runs; the solution is imported from inside the run).
HARNESS_ENV = {"HOME", "LC_ALL", "TMPDIR", "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PYTEST_VERSION"}
HEADER = "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n"
CRUD_OK = (builtin_pack() / "crud" / "solutions" / "reference.py").read_text()
MODEL_BASICS_OK = (builtin_pack() / "model-basics" / "solutions" / "reference.py").read_text()
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
