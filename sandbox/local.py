"""The local backend: each challenge in a limited subprocess on this machine.

Weaker than Docker and said so in every report: the process runs as the user
who runs the grader and can read what that user can read. What it does give:

- one ``python -I`` supervisor per submission, in a session of its own,
  which forks a child per challenge and phase (its own process group, killed
  with SIGKILL at the challenge's time limit); the host kills every process of
  that session at the submission's wall-clock limit and when it ends;
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
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from typing import IO, Any

from sandbox.backend import (
    Backend,
    ChallengeRun,
    Ended,
    FrameReader,
    Session,
    SessionResult,
    harness_root,
    python_executable,
)

STDERR_CAP = 16 * 1024
_BOOT = "import sys; sys.path.insert(0, sys.argv[1]); from sandbox.harness.supervisor import main; main()"


class _CappedReader(threading.Thread):
    """Drains a pipe, keeping (or passing to ``sink``) at most ``cap`` bytes; ``on_overflow``
    is set past the cap."""

    def __init__(
        self,
        pipe: IO[bytes],
        cap: int,
        on_overflow: threading.Event | None,
        sink: Callable[[bytes], None] | None = None,
    ) -> None:
        super().__init__(daemon=True)
        self.pipe = pipe
        self.cap = cap
        self.on_overflow = on_overflow
        self.sink = sink
        self.chunks: list[bytes] = []
        self.size = 0

    def run(self) -> None:
        try:
            while chunk := self.pipe.read1(65536):  # type: ignore[attr-defined]
                if self.size < self.cap:
                    kept = chunk[: self.cap - self.size]
                    if self.sink is not None:
                        self.sink(kept)
                    else:
                        self.chunks.append(kept)
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
    """Runs a submission's challenges in a limited supervisor process of this machine's Python."""

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

    def _job_options(self, run: ChallengeRun) -> dict[str, Any]:
        limits = {
            "as": self.memory_mb * 1024 * 1024,
            "cpu": math.ceil(run.time_limit) + 1,
            "fsize": self.file_size_mb * 1024 * 1024,
            "nofile": self.open_files,
        }
        if os.getuid() != 0:  # root ignores RLIMIT_NPROC; for others it counts every process
            limits["nproc"] = _user_process_count() + self.max_processes
        return {"isolate_network": self.isolate_network, "rlimits": limits}

    def command(self, work: str) -> list[str]:
        """The command that starts the supervisor (a subclass may wrap it)."""
        return [python_executable(), "-I", "-c", _BOOT, str(harness_root())]

    def run_session(
        self,
        runs: Sequence[ChallengeRun],
        on_frame: Callable[[Session, int, dict[str, Any], bytes], None],
    ) -> tuple[Session, SessionResult]:
        base = tempfile.mkdtemp(prefix="grader-")
        work = os.path.join(base, "work")
        session = Session.build(
            runs,
            work=work,
            parallel=self.jobs,
            clean_all=self.owns_pid_namespace,
            job_options=self._job_options,
        )
        reader = FrameReader(session, lambda i, h, p: on_frame(session, i, h, p))
        try:
            return session, self._supervise(session, reader, base)
        finally:
            shutil.rmtree(base, ignore_errors=True)

    def _supervise(self, session: Session, reader: FrameReader, base: str) -> SessionResult:
        env = {"LC_ALL": "C.UTF-8", "HOME": base, "TMPDIR": base}
        try:
            proc = subprocess.Popen(
                self.command(base),
                cwd=base,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            return SessionResult("failed_to_start", stderr=f"cannot start Python: {exc}")
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        overflow = threading.Event()
        out = _CappedReader(proc.stdout, session.stream_cap, overflow, reader.feed)
        err = _CappedReader(proc.stderr, STDERR_CAP, None)
        out.start()
        err.start()
        feeder = threading.Thread(target=_feed, args=(proc.stdin, session.payload), daemon=True)
        feeder.start()
        ended: Ended = "completed"
        deadline = time.monotonic() + session.wall_limit
        try:
            while proc.poll() is None:
                if overflow.is_set():
                    ended = "output_limit"
                    break
                if time.monotonic() >= deadline:
                    ended = "timeout"
                    break
                time.sleep(0.01)
        finally:
            # Kill the whole session, whether the supervisor finished or not, so that
            # nothing the candidate started lingers; then reap.
            kill_session(proc.pid)
            proc.wait()
            out.join(timeout=2)
            err.join(timeout=2)
            feeder.join(timeout=2)
            for pipe in (proc.stdin, proc.stdout, proc.stderr):
                try:
                    pipe.close()
                except OSError:
                    pass
        if ended == "completed" and proc.returncode != 0:
            ended = "crashed"
        return SessionResult(ended, stderr=err.data().decode("utf-8", errors="replace"))


def _feed(pipe: IO[bytes], payload: bytes) -> None:
    try:
        pipe.write(payload)
        pipe.close()
    except OSError:  # the supervisor died before reading it all
        pass


def kill_session(sid: int) -> None:
    """SIGKILL every process of session ``sid`` (and its leader's group), as long as any is left."""
    _kill_group(sid)
    for _ in range(20):
        found = False
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                if int(fields[3]) != sid:
                    continue
                found = True
                os.kill(int(entry), signal.SIGKILL)
            except (OSError, IndexError, ValueError):
                continue
        if not found:
            return
        time.sleep(0.005)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
