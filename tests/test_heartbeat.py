"""`grader check` says what it waits for, and an import that never ends is told in seconds."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.challenges import builtin_pack, load_pack
from grader.heartbeat import Heartbeat
from grader.results import ChallengeResult, ChallengeStatus

STUCK = "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\nwhile True:\n    pass\n"


def _result(cid: str) -> ChallengeResult:
    return ChallengeResult(id=cid, title=cid, status=ChallengeStatus.PASSED, score=1, max_score=1)


def test_a_quick_wait_says_nothing():
    lines: list[str] = []
    with Heartbeat(lines.append, after=5.0) as beat:
        beat.expect(["crud", "order-by"])
        beat.done(_result("crud"))
        beat.done(_result("order-by"))
    assert lines == []


def test_a_long_wait_says_what_is_still_running_then_each_result():
    lines: list[str] = []
    with Heartbeat(lines.append, after=0.05, every=10.0) as beat:
        beat.expect(["crud", "order-by"])
        beat.done(_result("crud"))
        deadline = time.monotonic() + 5
        while not lines and time.monotonic() < deadline:
            time.sleep(0.01)
        beat.done(_result("order-by"))
    assert lines[0].startswith("still running after 0 s: order-by (1 of 2 done)"), lines
    assert lines[1:] == ["[2/2] order-by: passed"]


def test_without_a_terminal_it_is_silent_and_starts_no_thread():
    with Heartbeat(None, after=0.0) as beat:
        beat.expect(["crud"])
        beat.done(_result("crud"))
        assert beat.thread is None


def test_the_import_time_limit_is_read_from_the_challenge_with_a_default(tmp_path):
    assert all(c.import_timeout == 10 for c in load_pack().values())
    shutil.copytree(builtin_pack() / "crud", tmp_path / "crud")
    meta = tmp_path / "crud" / "challenge.toml"
    meta.write_text(meta.read_text() + "\nimport_timeout = 3\n")
    assert load_pack(tmp_path)["crud"].import_timeout == 3


@pytest.mark.slow
def test_check_on_a_terminal_shows_progress_and_stops_a_stuck_import_at_its_limit(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(builtin_pack() / "crud", pack / "crud")
    meta = pack / "crud" / "challenge.toml"
    meta.write_text(meta.read_text() + "\nimport_timeout = 3\n")
    kit = tmp_path / "kit"
    grader = [str(Path(sys.executable).parent / "grader")]
    subprocess.run([*grader, "kit", str(kit), "-c", "crud", "--challenges", str(pack)], check=True)
    (kit / "crud" / "solution.py").write_text(STUCK)
    primary, secondary = pty.openpty()  # stderr a terminal, as a candidate's is
    started = time.monotonic()
    proc = subprocess.run(
        [*grader, "check", "--challenges", str(pack)],
        cwd=kit,
        stdout=subprocess.PIPE,
        stderr=secondary,
        timeout=60,
        text=True,
    )
    took = time.monotonic() - started
    os.close(secondary)
    progress = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        progress += chunk
    os.close(primary)
    assert proc.returncode == 1
    assert "was still importing after 3 s (the import time limit)" in proc.stdout
    assert took < 20, took  # not the challenge's 60 s
    assert b"still running after 2 s: crud (0 of 1 done)" in progress, progress
    assert b"[1/1] crud: error" in progress
