"""The sandbox's one long-lived process: import the stack once, fork a child per run.

Started by a backend inside its boundary (a container, a bwrap sandbox, or a
plain process group), it reads one *session* from stdin, imports Flask,
SQLAlchemy and pytest once, and runs each job of the session in a forked
child: fresh module state for the candidate's code, its own process group,
limits and time limit, monkeypatching contained. It writes nothing to stdout
but *frames*, one per job, in the order jobs finish (``sandbox.wire``): a
``FrameHeader`` and what the child wrote on its record stream. The host
validates each frame header and reads the payload as records; nothing here is
trusted more than that.

Secrecy of hidden tests. Candidate code may read whatever this user can read,
so hidden test files exist on disk only while hidden jobs run, and every job
of the ``public`` phase finishes before the first ``hidden`` job starts. File
contents are kept in ``bytearray`` buffers that each child zeroes, except its
own, right after the fork and before any candidate code runs; this process is
made non-dumpable so that children cannot read its memory.

The session arrives on stdin: a ``SessionHeader`` line, then the files' bytes.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import os
import resource
import selectors
import shutil
import signal
import time
from pathlib import Path

from sandbox.harness.limits import processes
from sandbox.wire import MAX_SESSION_HEADER, Ended, FrameHeader, JobSpec, SessionHeader

_PR_SET_DUMPABLE = 4
_PR_SET_CHILD_SUBREAPER = 36
# Processes (and threads) a job may add to those running when it starts, when jobs run side
# by side: a fork bomb then holds a part of the sandbox's process cap, not all of it, and the
# job beside it keeps enough of the CPUs (measured: with the cap of 64 to itself, one left its
# neighbour a 57th of the CPU, and its tests timed out). Not fewer: the kernel counts this per
# user across the host, and other containers run as the same uid (with 4, a candidate's
# double fork failed while other graders' containers ran on the host).
JOB_PROCESSES = 16


def _warm() -> None:
    """Import what every run needs, once, so that forked children start warm."""
    import importlib
    import readline  # noqa: F401  (each of these was otherwise imported again in every child)
    import sqlite3  # noqa: F401

    import _pytest._argcomplete  # noqa: F401
    import flask  # noqa: F401
    import flask_sqlalchemy
    import flask_sqlalchemy.cli  # noqa: F401
    import pytest  # noqa: F401
    import sqlalchemy
    import sqlalchemy.dialects.sqlite
    import sqlalchemy.orm  # noqa: F401
    from _pytest.config import default_plugins

    import sandbox.harness.checks
    import sandbox.harness.fixtures
    import sandbox.harness.plugin
    import sandbox.harness.runner  # noqa: F401
    from sandbox.harness.guard import remember_stack

    for name in default_plugins:
        try:
            importlib.import_module(f"_pytest.{name}")
        except ImportError:  # pragma: no cover - a plugin this pytest does not ship
            pass
    remember_stack()  # once here rather than in every run (tens of milliseconds each)
    # What is loaded now lives as long as the supervisor: out of the collector's sight, a
    # child's garbage collections walk only what the child made. Collection (pytest's
    # assertion rewriting) ran 35% faster in children with this, measured.
    gc.collect()
    gc.freeze()


class _Job:
    def __init__(self, spec: JobSpec, buffers: list[tuple[str, bytearray]]) -> None:
        self.spec = spec
        self.index = spec.index
        self.phase = spec.phase
        self.challenge_id = spec.job.challenge_id
        self.time_limit = spec.time_limit
        self.record_cap = spec.record_cap
        self.files = buffers
        self.pid = 0
        self.fd = -1
        self.data = bytearray()
        self.started = 0.0
        self.ended = Ended.COMPLETED
        self.status: int | None = None
        self.oom_before = 0
        self.eof = False  # its record stream ended (it may still be running)


def _read_exact(fd: int, size: int) -> bytearray:
    """``size`` bytes from ``fd`` straight into a new buffer: no intermediate copy (such as a
    buffered reader's) is left behind in memory for a child to find."""
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = os.readv(fd, [view[got:]])
        if not n:
            raise EOFError("the session ended early")
        got += n
    return buf


def _read_line(fd: int, limit: int) -> bytes:
    line = bytearray()
    while not line.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte or len(line) >= limit:
            raise EOFError("the session header is missing or too long")
        line += byte
    return bytes(line)


def read_session(fd: int) -> tuple[SessionHeader, list[_Job]]:
    session = SessionHeader.decode(_read_line(fd, MAX_SESSION_HEADER))
    jobs = []
    for spec in session.jobs:
        jobs.append(_Job(spec, [(f.path, _read_exact(fd, f.size)) for f in spec.files]))
    return session, jobs


def _oom_kills() -> int:
    """The cgroup's OOM kill count (cgroup v2, else v1), 0 where there is none to read."""
    for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
        try:
            with open(path) as f:
                for line in f:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except (OSError, ValueError):
            continue
    return 0


class Supervisor:
    def __init__(self, session: SessionHeader, jobs: list[_Job], out_fd: int) -> None:
        self.nonce = session.nonce
        self.parallel = session.parallel
        self.clean_all = session.clean_all
        self.work = Path(session.work)
        self.jobs = jobs
        self.out_fd = out_fd
        self.selector = selectors.DefaultSelector()
        self.active: dict[int, _Job] = {}
        # Challenges whose public phase ran out of time, memory or output: their hidden
        # phase would only do the same (the same import runs first), so it is not run.
        self.gave_up: dict[str, Ended] = {}

    # -- the child ---------------------------------------------------------

    def _child(self, job: _Job, write_fd: int) -> None:
        try:
            # Orphans of this job's processes become its children rather than the sandbox's
            # init's: however they detach (a new session, a double fork), while the job runs
            # each has it as an ancestor, which is how _sweep knows whose they are.
            _prctl(_PR_SET_CHILD_SUBREAPER, 1)
            for other in self.jobs:
                if other is not job:
                    for _rel, buf in other.files:
                        buf[:] = b"\0" * len(buf)
                    other.files = []
            os.setpgid(0, 0)
            if self.parallel > 1:
                _cap_processes(JOB_PROCESSES)
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
                signal.signal(sig, signal.SIG_DFL)
            try:
                with open("/proc/self/oom_score_adj", "w") as f:
                    f.write("1000")  # under memory pressure, this child goes first
            except OSError:
                pass
            folder = self.work / str(job.index)
            folder.mkdir(mode=0o700)
            sent: dict[str, bytes] = {}  # what each file must hold: other jobs can write there
            for rel, buf in job.files:
                target = folder / rel
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                target.write_bytes(buf)
                sent[str(target)] = hashlib.sha256(buf).digest()
                buf[:] = b"\0" * len(buf)
            job.files = []
            (folder / "tmp").mkdir(exist_ok=True)
            os.environ.clear()
            os.environ.update(LC_ALL="C.UTF-8", HOME=str(folder), TMPDIR=str(folder / "tmp"))
            # The record stream on a descriptor of its own; fd 2 stays the session's stderr
            # until the runner points 1 and 2 at its capture file.
            record_fd = 3
            if write_fd != record_fd:
                os.dup2(write_fd, record_fd, inheritable=False)
            os.closerange(record_fd + 1, 65536)
            os.chdir(folder)
            from sandbox.harness.runner import run

            run(job.spec.job, folder, record_fd, sent)
        except BaseException:
            pass
        os._exit(70)

    # -- the parent --------------------------------------------------------

    def _start(self, job: _Job) -> None:
        read_fd, write_fd = os.pipe()
        job.oom_before = _oom_kills()
        job.started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            self._child(job, write_fd)
        os.close(write_fd)
        os.set_blocking(read_fd, False)
        try:
            os.setpgid(pid, pid)  # also done by the child; whichever runs first
        except OSError:
            pass
        job.pid, job.fd = pid, read_fd
        self.active[pid] = job
        self.selector.register(read_fd, selectors.EVENT_READ, job)

    def _drain(self, job: _Job) -> bool:
        """Read what is there; False at end of stream."""
        while True:
            try:
                chunk = os.read(job.fd, 65536)
            except BlockingIOError:
                return True
            except OSError:
                return False
            if not chunk:
                return False
            room = job.record_cap - len(job.data)
            job.data += chunk[: max(room, 0)]
            if len(chunk) > room:
                job.ended = Ended.OUTPUT_LIMIT
                _killpg(job.pid)
                return False

    def _finish(self, job: _Job) -> None:
        self._drain(job)
        _killpg(job.pid)
        if not job.eof:
            self.selector.unregister(job.fd)
        os.close(job.fd)
        del self.active[job.pid]
        leftover = self._sweep(job)
        shutil.rmtree(self.work / str(job.index), ignore_errors=True)
        if self.clean_all:
            self._scrub_tmp()
        status = job.status
        exit_code: int | None = None
        if status is not None:
            exit_code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        if job.ended is Ended.COMPLETED and exit_code == -signal.SIGKILL and _oom_kills() > job.oom_before:
            job.ended = Ended.OOM
        if job.phase == "public" and job.ended in (Ended.TIMEOUT, Ended.OOM, Ended.OUTPUT_LIMIT):
            self.gave_up[job.challenge_id] = job.ended
        self._frame(job, round(time.monotonic() - job.started, 4), exit_code, leftover)

    def _frame(self, job: _Job, duration: float, exit_code: int | None, leftover: int) -> None:
        header = FrameHeader(job.index, job.ended, duration, exit_code, len(job.data), leftover)
        frame = header.encode(self.nonce) + bytes(job.data)
        view = memoryview(frame)
        while view:
            view = view[os.write(self.out_fd, view) :]
        job.data = bytearray()

    def _owner(self, pid: int, pgid: int, parents: dict[int, int], finished: _Job) -> int | None:
        """The index of the job a process came from: by its process group, else by its
        ancestry (each job is its processes' subreaper, so a running job is an ancestor of
        every process it started, and the orphans of a job that ended are this process's
        children), else by its working folder (a detached process keeps the job folder it
        was started in; readable only with privilege, since children are non-dumpable)."""
        for job in self.jobs:
            if job.pid and job.pid in (pid, pgid):  # a job's own process keeps its pid
                return job.index
        running = {job.pid: job.index for job in self.active.values()}
        me, ancestor = os.getpid(), pid
        for _ in range(64):
            parent = parents.get(ancestor)
            if parent is None:
                break
            if parent in running:
                return running[parent]
            if parent == me:
                # An orphan: the job it came from has ended. Only the job being finished
                # has, unless another ended meanwhile (its sweep comes later).
                if not any(job.status is not None for job in self.active.values()):
                    return finished.index
                break
            ancestor = parent
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd").removesuffix(" (deleted)")
        except OSError:
            return None
        relative = Path(cwd).relative_to(self.work) if Path(cwd).is_relative_to(self.work) else None
        if relative is None or not relative.parts or not relative.parts[0].isdigit():
            return None
        return int(relative.parts[0])

    def _sweep(self, finished: _Job) -> int:
        """Kill what a finished job left behind: every process of this session (or, where
        this supervisor owns the whole pid namespace, every process) but this one and what
        belongs to jobs still running. How many of them were ``finished``'s own.

        A process's job is known by its process group, else by its working folder; where
        that cannot be read (children are non-dumpable, so without privilege it often
        cannot) and one job runs at a time, it can only be the finished job's, since the
        sweep after the job before it left nothing. With jobs in parallel, a process of
        no known job is killed but counted against none."""
        me, my_sid = os.getpid(), os.getsid(0)
        running = {job.index for job in self.active.values()}
        spared = {1, os.getppid()}  # a sandbox's init (bwrap's), which we cannot kill anyway
        killed: set[int] = set()
        for _ in range(50):  # a fork bomb keeps making more while we look
            found = False
            table = list(processes())
            parents = {pid: parent for pid, _state, _pgid, _sid, parent in table}
            for pid, state, pgid, sid, _parent in table:
                if pid == me or pid in spared or state == b"Z":
                    continue
                if not (self.clean_all or sid == my_sid):
                    continue
                owner = self._owner(pid, pgid, parents, finished)
                if owner in running:
                    continue
                found = True
                if owner == finished.index or (owner is None and self.parallel == 1):
                    killed.add(pid)
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            self._reap()
            if not found:
                break
            time.sleep(0.002)
        return len(killed)

    def _scrub_tmp(self) -> None:
        """Remove what jobs left in /tmp outside the work folder, in /dev/shm and in /dev/mqueue
        (only where this supervisor owns the sandbox: in a container or under bwrap, those
        are ours alone), so that no job finds what an earlier one wrote."""
        mounts = _mount_points()
        for folder in ("/tmp", "/dev/shm", "/dev/mqueue"):
            try:
                entries = list(Path(folder).iterdir())
            except OSError:
                continue  # not there (Docker's ipc none has no /dev/shm), or not ours
            for entry in entries:
                if entry == self.work or any(m == str(entry) or m.startswith(f"{entry}/") for m in mounts):
                    continue  # the work folder, or where a sandbox bound something read-only
                try:
                    if entry.is_dir() and not entry.is_symlink():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink()
                except OSError:
                    pass

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            job = self.active.get(pid)
            if job is not None and job.status is None:
                job.status = status

    def run(self) -> None:
        for phase in ("public", "hidden"):
            pending = [j for j in self.jobs if j.phase == phase]
            while pending or self.active:
                while pending and len(self.active) < self.parallel:
                    job = pending.pop(0)
                    given_up = self.gave_up.get(job.challenge_id)
                    if given_up:
                        job.ended = given_up
                        self._frame(job, 0.0, None, 0)
                    else:
                        self._start(job)
                if not self.active:
                    continue
                now = time.monotonic()
                wait = min(j.started + j.time_limit for j in self.active.values()) - now
                for key, _ in self.selector.select(timeout=min(max(wait, 0.0), 0.05)):
                    job = key.data
                    if not self._drain(job) and not job.eof:
                        job.eof = True  # stop watching a closed stream: it would wake us forever
                        self.selector.unregister(job.fd)
                self._reap()
                now = time.monotonic()
                for job in list(self.active.values()):
                    if job.status is None and now >= job.started + job.time_limit:
                        job.ended = Ended.TIMEOUT
                        _killpg(job.pid)
                        self._wait_for(job)
                    if job.status is not None or job.ended is Ended.OUTPUT_LIMIT:
                        if job.status is None:
                            self._wait_for(job)
                        self._finish(job)

    def _wait_for(self, job: _Job) -> None:
        try:
            _, status = os.waitpid(job.pid, 0)
            job.status = status
        except ChildProcessError:
            job.status = job.status if job.status is not None else 0


def _mount_points() -> list[str]:
    try:
        with open("/proc/self/mountinfo") as f:
            return [line.split()[4] for line in f if len(line.split()) > 4]
    except OSError:
        return []


def _cap_processes(extra: int) -> None:
    """Let this process and its descendants start at most ``extra`` more processes than are
    running now (RLIMIT_NPROC counts a user's processes: every process in sight is counted,
    which is this sandbox's user's in a container, and more than that elsewhere, where the
    backend sets its own cap too; the kernel ignores it for root)."""
    running = sum(1 for entry in os.listdir("/proc") if entry.isdigit())
    _soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    cap = running + extra if hard == resource.RLIM_INFINITY else min(running + extra, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NPROC, (cap, cap))
    except (OSError, ValueError):  # pragma: no cover - a hard limit lower than we can see
        pass


def _prctl(option: int, value: int) -> None:
    try:
        ctypes.CDLL(None).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _killpg(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass


def main() -> None:
    out_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)  # stray prints from imports must not reach the frame stream
    _prctl(_PR_SET_DUMPABLE, 0)
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)  # where this is not pid 1, orphans still come here
    _warm()  # first: the host is still sending the session meanwhile
    session, jobs = read_session(0)
    os.dup2(devnull, 0)
    Path(session.work).mkdir(mode=0o700, parents=True, exist_ok=True)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    Supervisor(session, jobs, out_fd).run()
    os._exit(0)


if __name__ == "__main__":
    main()
