"""The local backend against hostile solutions: limits hold and neighbours keep their verdicts.

Each test grades a small hostile ``solution.py`` beside an honest challenge in
the same submission; the honest one must be graded exactly as it is alone.
Time limits come from a copy of the pack with short limits, so nothing waits long.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.challenges import builtin_pack, load_pack
from grader.grading import grade
from grader.results import ChallengeStatus, TestStatus
from sandbox.local import LocalBackend
from tests.helpers import (
    CRUD_OK,
    HARNESS_ENV,
    HEADER,
    MODEL_BASICS_OK,
    REWRITE_TESTS,
    hostile_pair,
    loopback_listener,
)

pytestmark = pytest.mark.slow


def grade_pair(tmp_path: Path, pack: dict, hostile: str, honest: str = CRUD_OK):
    return hostile_pair(tmp_path, pack, LocalBackend(jobs=2), hostile, honest)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("while True:\n    pass\n", ChallengeStatus.TIMEOUT, "time limit"),
        (
            "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(600)\n",
            ChallengeStatus.TIMEOUT,
            "time limit",
        ),
        ("x = bytearray(8 * 1024 ** 3)\n", ChallengeStatus.ERROR, "MemoryError"),
        (
            "import sys\nchunk = 'x' * 2**20\nfor _ in range(300):\n    sys.stdout.write(chunk)\n",
            ChallengeStatus.ERROR,
            "File too large",
        ),
    ],
    ids=["infinite-loop-at-import", "sleep-ignoring-sigterm", "allocate-8-gib", "print-300-mib"],
)
def test_hostile_import_is_stopped_within_limits(tmp_path, fast_pack, body, status, message):
    result, elapsed = grade_pair(tmp_path, fast_pack, HEADER + body)
    assert result.status is status and message in result.message
    assert elapsed < 15  # one time limit (8 s), not two: the hidden phase is skipped


def test_a_hanging_test_times_out_alone(tmp_path, fast_pack):
    source = MODEL_BASICS_OK.replace(
        "    def __repr__",
        "    def __init__(self, **kw):\n"
        "        if kw.get('username') == 'linus':\n            while True:\n                pass\n"
        "        super().__init__(**kw)\n\n    def __repr__",
    )
    result, _ = grade_pair(tmp_path, fast_pack, source)
    by_name = {t.name: t for t in result.tests}
    assert by_name["test_duplicate_username_is_rejected_at_commit"].status == "timeout"
    assert by_name["test_row_round_trips"].status == "passed"
    assert result.status is ChallengeStatus.FAILED


def test_exit_in_the_middle_fails_the_rest(tmp_path, fast_pack):
    source = MODEL_BASICS_OK.replace(
        "    def __repr__",
        "    def __init__(self, **kw):\n"
        "        if kw.get('username') == 'linus':\n            import os; os._exit(0)\n"
        "        super().__init__(**kw)\n\n    def __repr__",
    )
    result, _ = grade_pair(tmp_path, fast_pack, source)
    assert result.status is ChallengeStatus.ERROR and "before reporting every test" in result.message
    by_name = {t.name: t for t in result.tests}
    assert by_name["test_row_round_trips"].status == "passed"
    assert by_name["test_duplicate_username_is_rejected_at_commit"].status == "error"
    assert result.score < result.max_score


def test_host_environment_is_not_visible(tmp_path, fast_pack, monkeypatch):
    monkeypatch.setenv("GRADER_TEST_SECRET", "hunter2")
    source = HEADER + "import os\nraise RuntimeError('ENV=' + ','.join(sorted(os.environ)))\n"
    result, _ = grade_pair(tmp_path, fast_pack, source)
    assert "ENV=" in result.message
    env_names = result.message.split("ENV=", 1)[1].split(",")
    assert "GRADER_TEST_SECRET" not in env_names
    assert set(env_names) <= HARNESS_ENV


def test_network_is_cut_off(tmp_path, fast_pack):
    with loopback_listener() as (source, accepted):
        result, _ = grade_pair(tmp_path, fast_pack, source)
    if "NET=blocked" not in result.message and not accepted:
        pytest.fail(result.message)
    if accepted:
        pytest.skip("this host does not allow a new network namespace")
    assert "NET=blocked" in result.message


def test_monkeypatching_stays_in_its_own_challenge(tmp_path, fast_pack):
    crud_bad = sorted((builtin_pack() / "crud" / "solutions" / "bad").glob("*.py"))[0].read_text()
    hostile = HEADER + (
        "import builtins, pytest, _pytest.reports\n"
        "builtins.isinstance = lambda *a: True\n"
        "_pytest.reports.TestReport.outcome = 'passed'\n"
    )
    sub = tmp_path / "sub"
    for cid, source in (("model-basics", hostile), ("crud", crud_bad)):
        (sub / cid).mkdir(parents=True)
        (sub / cid / "solution.py").write_text(source)
    together = grade(str(sub), [fast_pack["model-basics"], fast_pack["crud"]], LocalBackend(jobs=2))
    alone = grade(str(sub), [fast_pack["crud"]], LocalBackend(jobs=1))
    assert together.challenges[1].score == alone.challenges[0].score < alone.challenges[0].max_score
    assert [t.status for t in together.challenges[1].tests] == [t.status for t in alone.challenges[0].tests]


def test_work_folders_are_removed_after_the_run(tmp_path, fast_pack, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    grade_pair(tmp_path, fast_pack, HEADER + "open('left-behind.txt', 'w').write('x')\nraise SystemExit\n")
    assert list((tmp_path / "tmp").iterdir()) == []


def test_rewriting_the_test_files_at_import_changes_no_test(tmp_path, fast_pack):
    """pytest has imported every test module before the solution is imported, and candidate
    code may not open the test files at all."""
    result, _ = hostile_pair(tmp_path, fast_pack, LocalBackend(jobs=2, tier="rlimits"), REWRITE_TESTS)
    assert result.status is ChallengeStatus.ERROR and result.score == 0, result
    assert "it reads the test files" in result.message
    assert not any(t.status is TestStatus.PASSED for t in result.tests)


def test_a_prestarted_supervisor_takes_the_next_session_and_close_stops_an_unused_one(
    tmp_path, fast_pack, monkeypatch
):
    import tempfile

    from sandbox.harness.limits import processes

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    backend = LocalBackend(jobs=1)
    backend.prestart()
    ready = backend._ready
    assert ready is not None
    sub = tmp_path / "sub" / "model-basics"
    sub.mkdir(parents=True)
    (sub / "solution.py").write_text(MODEL_BASICS_OK)
    result = grade(str(sub.parent), [fast_pack["model-basics"]], backend)
    assert result.challenges[0].status is ChallengeStatus.PASSED
    assert ready.proc.poll() is not None and backend._ready is None, "the session did not use it"
    backend.prestart()
    unused = backend._ready
    assert unused is not None
    backend.close()
    assert unused.proc.poll() is not None
    assert not any(session == unused.proc.pid for _pid, _state, _pgid, session, _parent in processes())
    assert list((tmp_path / "tmp").iterdir()) == []


MEMORY_SCAN = """
import os, re

import pytest


def _memory_holds(pattern):
    with open('/proc/self/maps') as maps, open('/proc/self/mem', 'rb', 0) as mem:
        for line in maps:
            where, perms = line.split()[:2]
            if not perms.startswith('r'):
                continue
            start, end = (int(x, 16) for x in where.split('-'))
            try:
                mem.seek(start)
                if re.search(pattern, mem.read(end - start)):
                    return True
            except (OSError, OverflowError, ValueError):
                continue
    return False


def test_memory_holds_no_hidden_test():
    assert not os.path.exists('tests/hidden')
    # The pattern never matches itself: its text has [M] where the marker has M.
    assert not _memory_holds(rb'HIDDEN[M]ARKER{token}'), 'FOUND the hidden test in memory'
"""


def test_public_phase_memory_holds_no_hidden_test(tmp_path, fast_pack):
    """A public-phase process searching all of its own memory finds no byte of a hidden test.
    (The search is a public test: the harness refuses /proc/self/mem to candidate code.)"""
    import secrets

    token = secrets.token_hex(6)
    root = tmp_path / "pack"
    shutil.copytree(fast_pack["model-basics"].path, root / "model-basics")
    (root / "model-basics" / "tests" / "hidden" / "test_marker.py").write_text(
        f"# HIDDENMARKER{token}\ndef test_marker():\n    assert True\n"
    )
    scan = MEMORY_SCAN.replace("{token}", token)
    (root / "model-basics" / "tests" / "public" / "test_memory.py").write_text(scan)
    pack = load_pack(root)
    sub = tmp_path / "sub" / "model-basics"
    sub.mkdir(parents=True)
    (sub / "solution.py").write_text(MODEL_BASICS_OK)
    result = grade(str(sub.parent), [pack["model-basics"]], LocalBackend(jobs=1))
    challenge = result.challenges[0]
    assert "FOUND" not in challenge.message, challenge.message
    assert challenge.status is ChallengeStatus.PASSED, challenge.message
