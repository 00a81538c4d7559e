"""The local backend's tiers against hostile solutions: bwrap stops them, rlimits does not.

Each case grades a hostile ``solution.py`` beside an honest challenge
(``tests.hostile.hostile_pair``: the honest one keeps full marks) and then
looks at the host side. On the bwrap tier every case must hold. The same cases
on the rlimits tier document what that tier does not stop: they are marked
expected-to-fail (strict, so a case that starts passing is noticed), not skipped.

Without a working ``bwrap`` the bwrap cases skip, unless ``GRADER_REQUIRE_BWRAP=1``
(CI sets it), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import secrets
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.local import LocalBackend, find_bwrap
from tests.helpers import HEADER, hostile_pair, loopback_listener

pytestmark = [pytest.mark.slow, pytest.mark.bwrap]

REQUIRED = os.environ.get("GRADER_REQUIRE_BWRAP") == "1"
NOT_ISOLATED = pytest.mark.xfail(strict=True, reason="the rlimits tier has no file or process isolation")


@pytest.fixture(params=["bwrap", pytest.param("rlimits", marks=NOT_ISOLATED)])
def tier_backend(request: pytest.FixtureRequest) -> LocalBackend:
    if request.param == "bwrap" and find_bwrap() is None:
        if REQUIRED:
            pytest.fail("GRADER_REQUIRE_BWRAP=1 but no working bwrap is on PATH")
        pytest.skip("no working bwrap on PATH (apt install bubblewrap)")
    return LocalBackend(jobs=2, tier=request.param)


@pytest.fixture
def bwrap_backend() -> LocalBackend:
    if find_bwrap() is None:
        if REQUIRED:
            pytest.fail("GRADER_REQUIRE_BWRAP=1 but no working bwrap is on PATH")
        pytest.skip("no working bwrap on PATH (apt install bubblewrap)")
    return LocalBackend(jobs=2, tier="bwrap")


@pytest.fixture
def planted(tmp_path: Path) -> Iterator[list[Path]]:
    """A secret file in the user's home folder and one in another temporary folder."""
    token = secrets.token_hex(8)
    files = [Path.home() / f".grader-test-secret-{token}", tmp_path / "elsewhere" / "secret.txt"]
    files[1].parent.mkdir()
    for path in files:
        path.write_text(f"SECRET-{token}")
    yield files
    for path in files:
        path.unlink(missing_ok=True)


def read_attempt(paths: list[Path]) -> str:
    return HEADER + (
        "found = []\n"
        f"for path in {[str(p) for p in paths]!r}:\n"
        "    try:\n        found.append(open(path).read())\n    except OSError:\n        pass\n"
        "raise RuntimeError(f'READ={found}')\n"
    )


def test_planted_files_cannot_be_read(tmp_path, fast_pack, tier_backend, planted):
    result, _ = hostile_pair(tmp_path, fast_pack, tier_backend, read_attempt(planted))
    assert "READ=[]" in result.message, result.message


def test_nothing_is_written_outside(tmp_path, fast_pack, tier_backend):
    token = secrets.token_hex(8)
    targets = [Path.home() / f".grader-test-escape-{token}", tmp_path / f"escape-{token}"]
    hostile = HEADER + (
        f"for path in {[str(p) for p in targets]!r}:\n"
        "    try:\n        open(path, 'w').write('x')\n    except OSError:\n        pass\n"
    )
    try:
        hostile_pair(tmp_path, fast_pack, tier_backend, hostile)
        assert [p for p in targets if p.exists()] == []
    finally:
        for path in targets:
            path.unlink(missing_ok=True)


def test_host_processes_are_invisible(tmp_path, fast_pack, tier_backend):
    hostile = (
        HEADER + f"import os\nraise RuntimeError('SEES_HOST=' + str(os.path.exists('/proc/{os.getpid()}')))\n"
    )
    result, _ = hostile_pair(tmp_path, fast_pack, tier_backend, hostile)
    assert "SEES_HOST=False" in result.message, result.message


def test_no_process_is_left_running(tmp_path, fast_pack, tier_backend):
    token = secrets.token_hex(8)
    hostile = HEADER + (
        "import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        f"        os.execv('/bin/sh', ['/bin/sh', '-c', 'sleep 300; : {token}'])\n    os._exit(0)\n"
    )
    try:
        hostile_pair(tmp_path, fast_pack, tier_backend, hostile)
        assert _processes_with(token) == []
    finally:
        for pid in _processes_with(token):
            os.kill(pid, signal.SIGKILL)


def test_the_network_is_loopback_only(tmp_path, fast_pack, bwrap_backend):
    with loopback_listener() as (hostile, accepted):
        result, _ = hostile_pair(tmp_path, fast_pack, bwrap_backend, hostile)
    assert accepted == [] and "NET=blocked" in result.message


def test_the_results_name_the_tier(tmp_path, fast_pack, bwrap_backend):
    from grader.grading import grade
    from tests.helpers import MODEL_BASICS_OK

    sub = tmp_path / "sub" / "model-basics"
    sub.mkdir(parents=True)
    (sub / "solution.py").write_text(MODEL_BASICS_OK)
    result = grade(str(sub.parent), [fast_pack["model-basics"]], bwrap_backend)
    assert result.as_json()["isolation"] == "bwrap" and result.backend == "local"
    assert result.challenges[0].score == result.challenges[0].max_score
    assert result.notes == ()


def _processes_with(token: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if token.encode() in f.read():
                        found.append(int(entry))
            except OSError:
                continue
    return found
