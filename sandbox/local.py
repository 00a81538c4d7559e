"""The local backend: each challenge in a limited subprocess on this machine.

Weaker than Docker and said so in every report: the process runs as the user
who runs the grader and can read what that user can read. What it does give:

- a fresh ``python -I`` process per challenge, in its own session (process
  group), killed whole with SIGKILL at the wall-clock limit;
- rlimits set before any candidate code runs: address space, CPU seconds,
  file size, open files, processes (``nproc`` is not enforced for root);
- an environment with nothing from the host (only ``LC_ALL``, and ``HOME``
  and ``TMPDIR`` inside the private folder), a private 0700 working folder
  holding a copy of ``solution.py`` and nothing else of the submission;
- no network where the machine lets the harness open a new network namespace;
- stdout read with a byte cap (records only), stderr kept to its first 16 KiB.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import threading
import time
from typing import IO

from sandbox.backend import (
    Backend,
    ChallengeRun,
    Ended,
    RunOutcome,
    harness_root,
    new_job,
    outcome_from_stream,
    prepare_workdir,
    python_executable,
    remove_workdir,
)

STDOUT_CAP = 8 * 1024 * 1024
STDERR_CAP = 16 * 1024
_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); from sandbox.harness.runner import main; main(sys.argv[2:])"
)


class _CappedReader(threading.Thread):
    """Drains a pipe, keeping at most ``cap`` bytes; ``overflowed`` is set past the cap."""

    def __init__(self, pipe: IO[bytes], cap: int, on_overflow: threading.Event | None) -> None:
        super().__init__(daemon=True)
        self.pipe = pipe
        self.cap = cap
        self.on_overflow = on_overflow
        self.chunks: list[bytes] = []
        self.size = 0

    def run(self) -> None:
        try:
            while chunk := self.pipe.read1(65536):  # type: ignore[attr-defined]
                if self.size < self.cap:
                    self.chunks.append(chunk[: self.cap - self.size])
                self.size += len(chunk)
                if self.size > self.cap and self.on_overflow is not None:
                    self.on_overflow.set()
        except (OSError, ValueError):
            pass

    def data(self) -> bytes:
        return b"".join(self.chunks)


def _user_process_count() -> int:
    uid = os.getuid()
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += 1
            except OSError:
                continue
    return count


class LocalBackend(Backend):
    """Runs each challenge in a limited subprocess of this machine's Python."""

    name = "local"

    def __init__(
        self,
        jobs: int | None = None,
        *,
        memory_mb: int = 2048,
        max_processes: int = 32,
        file_size_mb: int = 64,
        open_files: int = 256,
        isolate_network: bool = True,
    ) -> None:
        super().__init__(jobs if jobs is not None else min(4, os.cpu_count() or 1))
        self.memory_mb = memory_mb
        self.max_processes = max_processes
        self.file_size_mb = file_size_mb
        self.open_files = open_files
        self.isolate_network = isolate_network

    @property
    def isolation(self) -> str:
        return "rlimits"

    def _rlimits(self, run: ChallengeRun) -> dict[str, int]:
        limits = {
            "as": self.memory_mb * 1024 * 1024,
            "cpu": math.ceil(run.time_limit) + 1,
            "fsize": self.file_size_mb * 1024 * 1024,
            "nofile": self.open_files,
        }
        if os.getuid() != 0:  # root ignores RLIMIT_NPROC; for others it counts every process
            limits["nproc"] = _user_process_count() + self.max_processes
        return limits

    def run_one(self, run: ChallengeRun) -> RunOutcome:
        job = new_job(run, isolate_network=self.isolate_network, rlimits=self._rlimits(run))
        work = prepare_workdir(run, job)
        env = {"LC_ALL": "C.UTF-8", "HOME": str(work), "TMPDIR": str(work / "tmp")}
        cmd = [python_executable(), "-I", "-c", _BOOT, str(harness_root()), str(work / "job.json")]
        started = time.monotonic()
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=work,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            remove_workdir(work)
            return RunOutcome(run.challenge_id, "failed_to_start", 0.0, stderr=f"cannot start Python: {exc}")
        assert proc.stdout is not None and proc.stderr is not None
        overflow = threading.Event()
        out = _CappedReader(proc.stdout, STDOUT_CAP, overflow)
        err = _CappedReader(proc.stderr, STDERR_CAP, None)
        out.start()
        err.start()
        ended: Ended = "completed"
        deadline = started + run.time_limit
        try:
            while proc.poll() is None:
                if overflow.is_set():
                    ended = "output_limit"
                    break
                if time.monotonic() >= deadline:
                    ended = "timeout"
                    break
                time.sleep(0.02)
        finally:
            # Kill the whole group, whether the harness finished or not, so that nothing it
            # started lingers; then reap.
            _kill_group(proc.pid)
            proc.wait()
            duration = time.monotonic() - started
            out.join(timeout=2)
            err.join(timeout=2)
            proc.stdout.close()
            proc.stderr.close()
            remove_workdir(work)
        return outcome_from_stream(
            run,
            out.data(),
            job.nonce,
            ended=ended,
            duration=duration,
            exit_code=proc.returncode,
            stderr=err.data().decode("utf-8", errors="replace"),
        )


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
