"""Stopping: Ctrl-C or SIGTERM on a batch kills its sandboxes at once, says truly what was
saved and writes the leaderboard of that; Ctrl-C on grade or check exits 130 too.

The batch runs as a real process on the local backend with a submission that never ends
(a loop at import, under the built-in 60 s limit), so a stop that waited for the limit
would show; the process's temporary folder is its own, so that its sandboxes can be told
from anything else running on the machine.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.helpers import (
    MODEL_BASICS_OK,
    docker_backend,
    docker_client,
    leftover_containers,
    processes_in,
    write_sub,
)

HANG = "while True:\n    pass\n"
COMMAND = [sys.executable, "-c", "from grader.cli import main; main()"]


def _ctrl_c_reaches_it() -> None:
    """In the child before it runs: SIGINT at its default, as at a terminal. A shell runs
    background commands with SIGINT ignored, and a suite started that way (CI's runner, a
    nohup) would hand that on, and Python keeps an inherited ignore: Ctrl-C would never come."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """The grader command running ``args``, its output captured, Ctrl-C reaching it."""
    return subprocess.Popen(
        [*COMMAND, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ctrl_c_reaches_it,
    )


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_batch_kills_the_hanging_sandbox_at_once_and_writes_what_is_done(tmp_path, sig):
    cohort = tmp_path / "cohort"
    write_sub(cohort, "a-done", MODEL_BASICS_OK)
    write_sub(cohort, "b-hangs", HANG)
    write_sub(cohort, "c-never", MODEL_BASICS_OK)
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    out = tmp_path / "out"
    env = {**os.environ, "TMPDIR": str(own_tmp)}
    args = ["batch", str(cohort), "--out", str(out), "-c", "model-basics", "--backend", "local", "-j", "1"]
    proc = _start(args, env)
    try:
        _wait_for(lambda: (out / "submissions" / "a-done.json").exists(), 60, "the first submission")
        time.sleep(1.0)  # b-hangs is now in its endless loop, far from its 60 s limit
        assert processes_in(own_tmp), "the hanging submission's sandbox should be running"
        stopped = time.monotonic()
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=30)
        took = time.monotonic() - stopped
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr
    assert took < 2.0, f"the stop took {took:.1f} s"
    assert processes_in(own_tmp) == [], "a sandbox process outlived the stop"
    last = stderr.strip().splitlines()[-1]
    assert "1 of 3 submissions graded and saved" in last, stderr
    assert "--resume" in last and "other 2" in last, stderr
    assert "Traceback" not in stderr
    rows = list(csv.DictReader((out / "leaderboard.csv").open()))
    assert [r["candidate"] for r in rows] == ["a-done"]
    assert sorted(p.name for p in (out / "submissions").glob("*.json")) == ["a-done.json"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "sig"),
    [("grade", signal.SIGINT), ("check", signal.SIGINT), ("grade", signal.SIGTERM)],
    ids=["grade-ctrl-c", "check-ctrl-c", "grade-sigterm"],
)
def test_a_stopped_grade_or_check_exits_130_not_1_and_leaves_nothing_running(tmp_path, command, sig):
    if command == "grade":
        target = write_sub(tmp_path / "cohort", "ann", HANG)
        args = ["grade", str(target), "-c", "model-basics", "--backend", "local"]
    else:
        kit = tmp_path / "kit"
        subprocess.run([*COMMAND, "kit", str(kit), "-c", "model-basics"], check=True, capture_output=True)
        (kit / "model-basics" / "solution.py").write_text(HANG)
        args = ["check", str(kit)]
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(own_tmp)}
    proc = _start(args, env)
    try:
        _wait_for(lambda: bool(processes_in(own_tmp)), 30, "the sandbox to start")
        time.sleep(1.0)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr
    assert stderr.strip().splitlines() == ["grader: interrupted"]
    assert processes_in(own_tmp) == []


@pytest.mark.slow
@pytest.mark.docker
def test_cancel_kills_a_running_container_at_once(pack):
    from grader.grading import challenge_run
    from sandbox.backend import Cancelled

    client = docker_client()
    backend = docker_backend(client)
    run = challenge_run(pack["model-basics"], HANG.encode(), ("public", "hidden"))
    raised: list[BaseException] = []

    def grade_it() -> None:
        try:
            backend.run([run])
        except Cancelled as exc:
            raised.append(exc)

    worker = threading.Thread(target=grade_it)
    try:
        worker.start()
        _wait_for(lambda: bool(leftover_containers(client, backend)), 60, "the container to start")
        time.sleep(1.0)
        stopped = time.monotonic()
        backend.cancel()
        worker.join(timeout=30)
        took = time.monotonic() - stopped
    finally:
        backend.close()
    assert raised and not worker.is_alive()
    assert took < 2.0, f"the stop took {took:.1f} s"
    assert leftover_containers(client, backend) == []
