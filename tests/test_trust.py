"""The trust issue's attacks, on both sandboxes (Docker, and local in bubblewrap).

Each attack is a hostile ``solution.py`` graded beside an honest challenge of
the same submission (``tests.helpers.hostile_pair``: the honest one keeps full
marks). A forger must never score: what it tries is refused, or found, and the
challenge is void (``error``, 0 points, a reason a reviewer reads). Text made
while hidden tests ran never reaches the candidate's view, in any encoding.
Each sandbox's ceilings hold.

Without Docker or bwrap the matching cases skip, unless ``GRADER_REQUIRE_DOCKER=1``
or ``GRADER_REQUIRE_BWRAP=1`` (CI sets both), which turns the skip into a failure.
"""

from __future__ import annotations

import base64
import json
import secrets
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.audience import for_audience
from grader.grading import grade
from grader.reports import FORMATS, render
from grader.results import ChallengeStatus
from sandbox.backend import Backend
from sandbox.limits import SandboxLimits
from tests.helpers import (
    CRUD_OK,
    HEADER,
    MODEL_BASICS_OK,
    bwrap_backend,
    docker_backend,
    docker_client,
    hostile_pair,
    leftover_containers,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["bwrap", pytest.param("docker", marks=pytest.mark.docker)])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "bwrap":
        with bwrap_backend() as made:
            yield made
        return
    client = docker_client()
    with docker_backend(client) as made:
        yield made
    assert leftover_containers(client, made) == [], "a sandbox container was left behind"


# -- forging: every way in is refused or found, and voids the challenge --------------

MODEL = "class User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
FORGERS = {
    # The forger: a module __getattr__ that finds the reporter through the collector.
    "gc-walk-from-module-getattr": (
        "import gc\n"
        "def _forge():\n"
        "    for obj in gc.get_objects():\n"
        "        if type(obj).__name__ == 'Reporter' and hasattr(obj, '_finish'):\n"
        "            def finish(nodeid, state, _done=obj._finish):\n"
        "                if not state.name.endswith(('_pass', '_fail')):  # the old canaries' names\n"
        "                    state.status = type(state.status)('passed'); state.message = ''\n"
        "                _done(nodeid, state)\n"
        "            obj._finish = finish\n"
        "def __getattr__(name):\n    _forge()\n    raise AttributeError(name)\n"
        "_forge()\n"
    ),
    "frames-from-getframe": (
        "import sys\n"
        "f = sys._getframe()\n"
        "while f:\n"
        "    s = f.f_locals.get('self')\n"
        "    if type(s).__name__ == 'Reporter': s.items.clear()\n"
        "    f = f.f_back\n"
    ),
    "frames-from-a-traceback": (
        "try:\n    raise ValueError\nexcept ValueError as e:\n    f = e.__traceback__.tb_frame\n"
        "while f:\n    f = f.f_back\n"
    ),
    "frames-from-inspect": "import inspect\nFRAMES = inspect.stack()\n",
    "frames-from-a-generator": "def g():\n    yield\nF = g().gi_frame\n",
    "trace-function": "import sys\nsys.settrace(lambda *a: None)\n",
    "profile-function-on-a-thread": (
        "import threading\nthreading.setprofile(lambda *a: None)\n"
        "threading.Thread(target=len, args=((),)).start()\n"
    ),
    "ctypes-memory": "import ctypes\nctypes.string_at(id(object()), 8)\n",
    "gc-walk-on-a-thread": (
        "import gc, threading\nfound = []\n"
        "t = threading.Thread(target=lambda: found.append(len(gc.get_objects())))\nt.start(); t.join()\n"
        "assert found, 'refused'\n"
    ),
    "gc-walk-in-exec": "exec('import gc\\nOBJECTS = gc.get_objects()')\n",
    "patch-pytest-runner": (
        "import _pytest.runner as r\n_orig = r.call_and_report\n"
        "def call_and_report(item, when, log=True, **kw):\n"
        "    rep = _orig(item, when, log=False, **kw)\n    rep.outcome = 'passed'; rep.longrepr = None\n"
        "    if log:\n        item.ihook.pytest_runtest_logreport(report=rep)\n    return rep\n"
        "r.call_and_report = call_and_report\n"
    ),
    "patch-pytest-runner-and-restore-around-the-checks": (
        "import _pytest.runner as r\n_orig = r.call_and_report\n"
        "def call_and_report(item, when, log=True, **kw):\n"
        "    r.call_and_report = _orig\n"
        "    try:\n"
        "        rep = _orig(item, when, log=False, **kw)\n"
        "        rep.outcome = 'passed'; rep.longrepr = None\n"
        "        if log:\n            item.ihook.pytest_runtest_logreport(report=rep)\n        return rep\n"
        "    finally:\n        r.call_and_report = call_and_report\n"
        "r.call_and_report = call_and_report\n"
    ),
    "patch-a-pytest-class": (
        "from _pytest.reports import TestReport\nTestReport.passed = property(lambda self: True)\n"
    ),
    "patch-the-harness-class": (
        "import sandbox.harness.plugin as p\np.Reporter._finish = lambda self, nodeid, state: None\n"
    ),
    "patch-a-harness-module": (
        "import sandbox.wire as w\n_orig = w.encode_record\n"
        "def encode_record(record, nonce):\n"
        "    if getattr(record, 'kind', '') == 'test':\n"
        "        record = type(record)(record.name, record.case, 'passed')\n"
        "    return _orig(record, nonce)\n"
        "w.encode_record = encode_record\n"
    ),
    "patch-builtins": "import builtins\n_len = len\nbuiltins.len = lambda x: _len(x)\n",
    "replace-a-module-the-tests-use": (
        "import sys, types\nfake = types.ModuleType('sqlalchemy.exc')\nfake.IntegrityError = Exception\n"
        "sys.modules['sqlalchemy.exc'] = fake\n"
    ),
    "forge-records-on-the-record-stream": (
        "import os\nfor fd in range(3, 8):\n    try:\n"
        '        os.write(fd, b\'@@grader:0000 {"kind": "done"}\\n\')\n    except OSError:\n        pass\n'
    ),
    "signal-handler-for-frames": (
        "import os, signal\nFRAMES = []\nsignal.signal(signal.SIGUSR1, lambda n, f: FRAMES.append(f))\n"
        "os.kill(os.getpid(), signal.SIGUSR1)\n"
    ),
    "compile-under-a-harness-file-name": (
        "code = compile('import gc', '/usr/lib/python3/dist-packages/harness.py', 'exec')\n"
    ),
    "new-code-object": "CODE = (lambda: 1).__code__.replace(co_filename='/usr/lib/x.py')\n",
    "read-the-test-files": "import glob\nSOURCES = [open(p).read() for p in glob.glob('tests/*/*.py')]\n",
    "link-the-test-files": (
        "import glob, os\nfor i, p in enumerate(glob.glob('tests/*/*.py')):\n"
        "    os.link(p, f'/tmp/copy{i}.py')\n"
    ),
    "process-memory": "MEM = open('/proc/self/mem', 'rb')\n",
    "audit-hook-of-its-own": "import sys\nsys.addaudithook(lambda event, args: None)\n",
}


@pytest.mark.parametrize("part", [0, 1])
def test_no_forger_scores(tmp_path: Path, pack: dict, backend: Backend, part: int) -> None:
    """Each forger in a challenge folder of its own, half of them per grading, beside an honest
    answer: every forger's challenge is void with a reason, the honest one keeps full marks."""
    names = sorted(FORGERS)[part::2]
    ids = sorted(pack)[: len(names)]
    honest = sorted(pack)[len(names)]
    sub = tmp_path / "sub"
    for cid, name in [*zip(ids, names, strict=True), (honest, "")]:
        (sub / cid).mkdir(parents=True)
        source = HEADER + FORGERS[name] + MODEL if name else pack[cid].reference_path.read_text()
        (sub / cid / "solution.py").write_text(source)
    result = grade(str(sub), [pack[c] for c in [*ids, honest]], backend)
    by_id = {c.id: c for c in result.challenges}
    assert by_id[honest].status is ChallengeStatus.PASSED, by_id[honest].message
    for cid, name in zip(ids, names, strict=True):
        got = by_id[cid]
        assert got.score == 0 and got.status is ChallengeStatus.ERROR, (name, got.message)
        assert any(word in got.message for word in ("refuses", "tampered", "does not allow")), (
            name,
            got.message,
        )


# A known-bad answer (one SELECT per author) that makes the SQL the tests read leave out
# its own statements, and no others: the control checks, which run "SELECT n", still see
# theirs. It changes a library's module function, which raises no audit event, or a
# library's class through a standard-library helper, which the audit hook does not take for
# the candidate's doing. Each scored full marks before the end of the run checked the ORM
# stack's modules and classes.
_SQL_FILTER = (
    "import re\n"
    "def _filtered(fn, identifier):\n"
    "    if type(getattr(fn, '__self__', None)).__name__ == 'SQLRecorder' and identifier in (\n"
    "        'before_cursor_execute', 'after_cursor_execute'):\n"
    "        def only_the_controls(conn, cursor, statement, *rest):\n"
    "            if re.fullmatch(r'SELECT \\d+', statement.strip()):\n"
    "                return fn(conn, cursor, statement, *rest)\n"
    "        return only_the_controls\n"
    "    def passed_on(*a, **k):  # SQLAlchemy reads a listener's code: never the harness's\n"
    "        return fn(*a, **k)\n"
    "    return passed_on\n"
)
SQL_FORGERS = {
    "module-function": _SQL_FILTER
    + (
        "import sqlalchemy.event as _event\n_listen = _event.listen\n"
        "def listen(target, identifier, fn, *args, **kw):\n"
        "    return _listen(target, identifier, _filtered(fn, identifier), *args, **kw)\n"
        "_event.listen = listen\n"
    ),
    "class-through-a-stdlib-helper": _SQL_FILTER
    + (
        "import functools, types\nfrom sqlalchemy.event.registry import _EventKey\n"
        "_listen = _EventKey.listen\n"
        "def listen(self, *args, **kw):\n"
        "    return _listen(self.with_wrapper(_filtered(self.fn, self.identifier)), *args, **kw)\n"
        "functools.update_wrapper(_EventKey, types.SimpleNamespace(listen=listen), "
        "assigned=('listen',), updated=())\n"
    ),
}


def known_bad(pack: dict, challenge_id: str, name: str) -> str:
    """A known-bad answer of the pack, for an attack to start from."""
    return (pack[challenge_id].path / "solutions" / "bad" / name).read_text()


@pytest.mark.parametrize("how", sorted(SQL_FORGERS))
def test_a_patched_library_cannot_hide_statements_from_the_tests(
    tmp_path: Path, pack: dict, backend: Backend, how: str
) -> None:
    hostile = SQL_FORGERS[how] + known_bad(pack, "eager-loading", "lazy_n_plus_one.py")
    result, _ = hostile_pair(tmp_path, pack, backend, hostile, hostile_id="eager-loading")
    assert result.score == 0 and result.status is ChallengeStatus.ERROR, result.message
    assert "tampered" in result.message and "listen was replaced" in result.message, result.message


# Fair code: a warning at the caller's line (stacklevel=2) names a line of the test that
# called. Showing it read that test file with solution.py on the stack, which the guard
# refuses, and Python records it in the test module (``__warningregistry__``, a name the
# integrity checks then found added, even for a warning that is not shown): either way a
# right answer scored 0.
WARNS = CRUD_OK.replace(
    "def create_user(name: str, email: str | None = None) -> User:\n",
    "def create_user(name: str, email: str | None = None) -> User:\n"
    "    import warnings\n\n"
    "    warnings.warn('create_user is called here', UserWarning, stacklevel=2)\n"
    "    warnings.warn('email will be required', DeprecationWarning, stacklevel=2)\n",
)


def test_a_right_answer_that_warns_keeps_full_marks(tmp_path: Path, pack: dict, backend: Backend) -> None:
    assert WARNS != CRUD_OK
    sub = tmp_path / "sub"
    (sub / "crud").mkdir(parents=True)
    (sub / "crud" / "solution.py").write_text(WARNS)
    result = grade(str(sub), [pack["crud"]], backend)
    (crud,) = result.challenges
    assert crud.status is ChallengeStatus.PASSED and crud.score == crud.max_score, crud.message
    assert any("create_user is called here" in t.output for t in crud.tests), "the warning is shown"


# A known-bad answer (no ORDER BY: its pages hold whatever rows SQLite gives first) that
# turns off the order the tests rely on exposing, with one SQL statement of its own,
# through the session or the raw connection. It scored full marks.
UNORDERED = {
    "session": 'db.session.execute(text("PRAGMA reverse_unordered_selects = OFF"))',
    "raw-connection": (
        "db.session.connection().connection.dbapi_connection.execute("
        '"PRAGMA reverse_unordered_selects = OFF")'
    ),
}


@pytest.mark.parametrize("how", sorted(UNORDERED))
def test_an_answer_cannot_turn_off_the_reversed_row_order(
    tmp_path: Path, pack: dict, backend: Backend, how: str
) -> None:
    bad, start = known_bad(pack, "pagination", "no_order_by.py"), "    total = db.session.execute("
    assert start in bad
    first = f"    from sqlalchemy import text\n\n    {UNORDERED[how]}\n"
    hostile = bad.replace(start, first + start)
    result, _ = hostile_pair(tmp_path, pack, backend, hostile, hostile_id="pagination")
    assert result.score < result.max_score / 2, result


# Challenges run side by side as one user: for 8 s from its import, one challenge's code
# rewrites every test file (and pyc) that appears in another challenge's folder, so that
# each test returns at once, before that challenge's pytest reads it. The control checks
# are made in memory, untouched. A known-bad answer beside it scored full marks, in both
# phases, and nothing was flagged.
REWRITE_SIBLINGS = CRUD_OK + """
import os as _os
import re as _re
import time as _time

_mine = _os.getcwd()
_done = set()
_end = _time.monotonic() + 8
while _time.monotonic() < _end:
    for _root, _dirs, _files in _os.walk(_os.path.dirname(_mine)):
        for _path in [_os.path.join(_root, n) for n in _files if "/tests/" in _root]:
            if _path in _done or _path.startswith(_mine + "/"):
                continue
            _done.add(_path)
            try:
                if _path.endswith(".pyc"):
                    _os.remove(_path)  # pytest then compiles the source it reads
                elif _path.endswith(".py"):
                    with open(_path) as _f:
                        _text = _re.sub(r"(\\ndef test_\\w+\\([^)]*\\):\\n)", r"\\1    return\\n", _f.read())
                    with open(_path, "w") as _f:
                        _f.write(_text)
            except OSError:
                pass
    _time.sleep(0.001)
"""


def test_a_challenge_cannot_rewrite_the_tests_of_the_one_beside_it(
    tmp_path: Path, pack: dict, backend: Backend
) -> None:
    """Three challenges on two CPUs: the one that starts after the first pair runs while the
    rewriter watches."""
    sub = tmp_path / "sub"
    answers = {
        "crud": REWRITE_SIBLINGS,
        "model-basics": MODEL_BASICS_OK,
        "pagination": known_bad(pack, "pagination", "no_order_by.py"),
    }
    for cid, source in answers.items():
        (sub / cid).mkdir(parents=True)
        (sub / cid / "solution.py").write_text(source)
    assert backend.jobs >= 2, "the attack needs two challenges side by side"
    result = grade(str(sub), [pack[c] for c in answers], backend)
    rewritten = {c.id: c for c in result.challenges}["pagination"]
    assert rewritten.score == 0 and rewritten.status is ChallengeStatus.ERROR, rewritten.message
    assert "was changed on disk before it was loaded" in rewritten.message, rewritten.message


FORGING_FILE = HEADER + FORGERS["gc-walk-from-module-getattr"]


def test_one_forging_file_in_every_challenge_scores_at_most_a_fifth(
    tmp_path: Path, pack: dict, backend: Backend
) -> None:
    """The issue's forger scored 255/255 on the whole pack."""
    sub = tmp_path / "sub"
    for cid in pack:
        (sub / cid).mkdir(parents=True)
        (sub / cid / "solution.py").write_text(FORGING_FILE)
    result = grade(str(sub), list(pack.values()), backend)
    assert result.percent <= 20, result.percent
    assert all(c.status is not ChallengeStatus.PASSED for c in result.challenges)


# -- hidden-phase text never reaches the candidate's view ---------------------------

HIDDEN_PHASE_LEAK = """
import base64, os, zlib

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
TOKEN = "{token}"
if os.path.isdir("tests/hidden"):
    secret = TOKEN + repr(sorted(os.listdir("tests/hidden")))
    packed = base64.b85encode(zlib.compress(secret.encode())).decode()
    print(packed)
    raise ImportError(packed + " " + TOKEN)
"""


def test_hidden_phase_text_never_reaches_the_candidate(
    tmp_path: Path, fast_pack: dict, backend: Backend
) -> None:
    token = secrets.token_hex(8)
    source = HIDDEN_PHASE_LEAK.replace("{token}", token) + MODEL_BASICS_OK.split("db = SQLAlchemy()", 1)[1]
    sub = tmp_path / "sub"
    for cid, text in (("model-basics", source), ("crud", CRUD_OK)):
        (sub / cid).mkdir(parents=True)
        (sub / cid / "solution.py").write_text(text)
    challenges = [fast_pack["model-basics"], fast_pack["crud"]]
    result = grade(str(sub), challenges, backend)
    reviewer = json.dumps(result.as_json())
    assert token in reviewer, "the reviewer sees what happened"
    view = for_audience(result, "candidate", challenges)
    packed = base64.b85encode(zlib.compress((token + "['").encode())).decode()[:12]
    for fmt in FORMATS:
        text = render(fmt, view)
        assert token not in text and packed not in text, fmt
        assert "test_hidden.py" not in text, fmt


# Code in a hidden phase chooses how long each hidden test takes: the first call in each
# test (each has an app of its own) sleeps 0.1 s, plus 0.5 s for a one bit of a byte it
# learnt there. Shown to a candidate, the tests' times carried the byte out, one bit a test.
TIMING_LEAK = CRUD_OK + """
import os as _os
import time as _time

import flask as _flask

TOKEN = {token}
_apps = []


def _signal():
    if _os.path.isdir("tests/hidden"):
        app = id(_flask.current_app._get_current_object())
        if app not in _apps:
            _apps.append(app)
            _time.sleep(0.1 + 0.5 * (TOKEN >> (len(_apps) - 1) % 8 & 1))


_create_user = create_user


def create_user(*args, **kwargs):
    _signal()
    return _create_user(*args, **kwargs)
"""


def test_hidden_phase_timing_never_reaches_the_candidate(
    tmp_path: Path, pack: dict, backend: Backend
) -> None:
    token = secrets.randbelow(128) * 2 + 1  # odd: the first test that calls sleeps 0.6 s
    sub = tmp_path / "sub"
    (sub / "crud").mkdir(parents=True)
    (sub / "crud" / "solution.py").write_text(TIMING_LEAK.replace("{token}", str(token)))
    result = grade(str(sub), [pack["crud"]], backend)
    (reviewed,) = result.challenges
    assert reviewed.status is ChallengeStatus.PASSED, reviewed.message
    assert max(t.duration for t in reviewed.tests if t.visibility == "hidden") >= 0.6, "the attack ran"
    view = for_audience(result, "candidate", [pack["crud"]])
    (seen,) = view.challenges
    hidden = len(pack["crud"].tests_of(["hidden"]))
    assert [t.duration for t in seen.tests if t.visibility == "hidden"] == [0.0] * hidden
    assert seen.duration == sum(t.duration for t in seen.tests if t.visibility == "public")
    assert view.duration == round(view.duration), "the whole grading's time in whole seconds"


# -- the sandboxes' ceilings ---------------------------------------------------------

CEILINGS = """
import os, resource, time

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
facts = {"as": resource.getrlimit(resource.RLIMIT_AS)[0]}
try:
    open("/grader-root-write", "w").close()
    facts["root_writable"] = True
except OSError:
    facts["root_writable"] = False
written = 0
try:
    with open(os.path.join(os.environ["TMPDIR"], "fill"), "wb") as f:
        for _ in range(4096):
            f.write(b"x" * 2**20)
            written += 1
except OSError:
    pass
facts["tmp_mib"] = written
children = 0
try:
    for _ in range(400):
        if os.fork() == 0:
            time.sleep(1)
            os._exit(0)
        children += 1
except OSError:
    pass
facts["children"] = children
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
raise RuntimeError("FACTS=" + repr(facts))
"""


def _facts(result: Any) -> dict[str, Any]:
    import ast

    return dict(ast.literal_eval(result.message.split("FACTS=", 1)[1].split("\n")[0]))


def test_the_sandbox_has_ceilings_and_both_backends_the_same_memory_limit(
    tmp_path: Path, fast_pack: dict, backend: Backend
) -> None:
    result, _ = hostile_pair(tmp_path, fast_pack, backend, CEILINGS)
    facts = _facts(result)
    limits = SandboxLimits()
    assert facts["as"] == limits.memory_mb * 1024 * 1024, "both backends apply one memory limit"
    assert facts["root_writable"] is False
    assert facts["tmp_mib"] <= limits.file_size_mb, "a file past RLIMIT_FSIZE, or a /tmp with no size"
    if backend.name == "local" and backend.details.get("cgroup") == "yes":
        assert facts["children"] < limits.processes, "the cgroup's process cap holds, for root too"


# All public phases end before the first hidden one starts: the writer writes in its public
# phase, and the readers (right answers otherwise) look in their hidden phase and fail the
# import if they find anything, so nothing runs at the same time.
SHARED_MEMORY_WRITE = HEADER + (
    "import os\nwritten = []\n"
    "for folder in ('/dev/shm', '/dev/mqueue', '/tmp') if os.path.isdir('tests/public') else ():\n"
    "    try:\n        open(os.path.join(folder, 'left-by-one-challenge'), 'w').close()\n"
    "        written.append(folder)\n    except OSError:\n        pass\n"
    "raise RuntimeError(f'WROTE={written}')\n"
)
SHARED_MEMORY_CHECK = (
    "\nimport os as _os\n"
    "if _os.path.isdir('tests/hidden'):\n"
    "    _found = []\n"
    "    for _folder in ('/dev/shm', '/dev/mqueue', '/tmp'):\n"
    "        try:\n"
    "            _found += [f'{_folder}/{n}' for n in _os.listdir(_folder) if n.startswith('left-by')]\n"
    "        except OSError:\n"
    "            pass\n"
    "    if _found:\n"
    "        raise RuntimeError(f'FOUND={_found}')\n"
)


def test_no_challenge_finds_what_another_left_in_shared_memory(
    tmp_path: Path, pack: dict, backend: Backend
) -> None:
    sub = tmp_path / "sub"
    order = ["crud", "model-basics", "one-to-many"]
    for cid in order:
        (sub / cid).mkdir(parents=True)
        text = pack[cid].reference_path.read_text() + SHARED_MEMORY_CHECK
        (sub / cid / "solution.py").write_text(SHARED_MEMORY_WRITE if cid == "crud" else text)
    result = grade(str(sub), [pack[c] for c in order], backend)
    by_id = {c.id: c for c in result.challenges}
    assert "WROTE=" in by_id["crud"].message and "/tmp" in by_id["crud"].message
    for reader in ("model-basics", "one-to-many"):
        assert by_id[reader].status is ChallengeStatus.PASSED, by_id[reader].message
