"""The local backend: a submission's challenges in limited processes on this machine.

Two tiers, said in every report (``isolation``):

``bwrap`` (where a working ``bwrap`` from the distribution is on PATH): the
supervisor runs inside bubblewrap with every namespace unshared (user, pid,
network, ipc, uts, cgroup), so the network is loopback only and ``/proc``
shows only the sandbox's processes; only what the interpreter needs is bound,
read-only (``/usr``, the libraries, the Python prefixes, a private copy of the
harness), with any installed ``grader`` package masked; the root and ``/dev``
are read-only, and ``/tmp`` (the working folder) and ``/dev/shm`` are private
tmpfs mounts with a size; no home folder, no host ``/etc`` beyond the loader
cache; ``--die-with-parent``, ``--new-session``, all capabilities dropped.
Killing bwrap ends every process of the sandbox, detached or not. Where the
host lets the grader make a cgroup (``sandbox.cgroup``), the whole sandbox is
in one: a memory ceiling and a process cap that holds for root too.

``rlimits`` (no bwrap): the process runs as the user who runs the grader and
can read and change what that user can. Both tiers give:

- one ``python -I`` supervisor per submission, in a session of its own,
  which forks a child per challenge and phase (its own process group, killed
  with SIGKILL at the challenge's time limit); the host kills every process of
  that session at the submission's wall-clock limit and when it ends;
- rlimits set before any candidate code runs: address space, CPU seconds,
  file size, open files, and processes where no cgroup caps them (``nproc``
  is not enforced for root);
- an environment with nothing from the host (only ``LC_ALL``, and ``HOME``
  and ``TMPDIR`` inside the private folder), a private 0700 working folder
  holding a copy of ``solution.py`` and nothing else of the submission;
- no network where the machine lets the harness open a new network namespace;
- stdout read with a byte cap (records only), stderr kept to its first 16 KiB.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Literal

from sandbox.backend import (
    Backend,
    ChallengeRun,
    Feed,
    Session,
    SessionResult,
    harness_files,
    harness_root,
    python_executable,
)
from sandbox.cgroup import Cgroup
from sandbox.harness.limits import processes
from sandbox.limits import SandboxLimits
from sandbox.pycs import PycStore
from sandbox.wire import Ended

STDERR_CAP = 16 * 1024
_BOOT = "import sys; sys.path.insert(0, sys.argv[1]); from sandbox.harness.supervisor import main; main()"
BWRAP_HARNESS = "/opt/grader/harness"  # where the harness copy appears inside bwrap
Tier = Literal["auto", "bwrap", "rlimits"]
_BWRAP_PROBE: dict[str, str | None] = {}


def find_bwrap() -> str | None:
    """The path of a ``bwrap`` that really works here (probed once per process), or None."""
    if "path" not in _BWRAP_PROBE:
        path = shutil.which("bwrap")
        if path is not None:
            probe = [path, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent",
                     "--new-session", "--cap-drop", "ALL", "--", "/bin/true"]  # fmt: skip
            try:
                done = subprocess.run(probe, capture_output=True, timeout=10, check=False)
                if done.returncode != 0:
                    path = None
            except (OSError, subprocess.TimeoutExpired):
                path = None
        _BWRAP_PROBE["path"] = path
    return _BWRAP_PROBE["path"]


def _prefixes() -> list[str]:
    """The Python installation this grader runs on: what bwrap must bind for it to start."""
    found: list[str] = []
    for candidate in (
        sys.prefix,
        sys.base_prefix,
        os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))),
    ):
        real = os.path.realpath(candidate)
        for path in {candidate, real}:
            if path not in found and os.path.isdir(path):
                found.append(path)
    return found


def bwrap_command(bwrap: str, harness_copy: str, tmp_mb: int = 64) -> list[str]:
    """bubblewrap's arguments for a supervisor that sees only what Python needs."""
    size = str(tmp_mb * 1024 * 1024)
    cmd = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
           "--clearenv", "--setenv", "LC_ALL", "C.UTF-8", "--setenv", "HOME", "/tmp",
           "--setenv", "TMPDIR", "/tmp", "--proc", "/proc", "--dev", "/dev",
           "--size", size, "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
           "--size", size, "--tmpfs", "/tmp", "--ro-bind", "/usr", "/usr"]  # fmt: skip
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    cmd += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    masks: list[str] = []
    for prefix in _prefixes():
        cmd += ["--ro-bind", prefix, prefix]
        for site in Path(prefix).glob("lib*/python3*/site-packages"):
            if (site / "grader").is_dir():
                masks.append(str(site / "grader"))  # the installed pack: hidden tests
    for mask in masks:
        cmd += ["--size", "4096", "--tmpfs", mask, "--remount-ro", mask]
    cmd += ["--ro-bind", harness_copy, BWRAP_HARNESS, "--remount-ro", "/", "--chdir", "/tmp", "--"]
    return [*cmd, python_executable(), "-I", "-c", _BOOT, BWRAP_HARNESS]


def copy_harness(dest: Path) -> None:
    """Copy the harness (and only it) to ``dest``, for a sandbox that must not see the project."""
    for rel, data in harness_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


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
        limits: SandboxLimits | None = None,
        isolate_network: bool = True,
        tier: Tier = "auto",
        cache: Path | None = None,
    ) -> None:
        limits = limits or SandboxLimits()
        super().__init__(jobs if jobs is not None else limits.parallel, limits)
        self.isolate_network = isolate_network
        self.bwrap = find_bwrap() if tier != "rlimits" else None
        if tier == "bwrap" and self.bwrap is None:
            raise RuntimeError("no working bwrap on PATH (install the distribution's bubblewrap)")
        self._ready: _Started | None = None
        self._ready_lock = threading.Lock()
        self.pycs = PycStore(_local_namespace, _compile_here, cache=cache)  # namespace: when first used
        self._cgroup_probe: str | None = None  # why no cgroup can be had, once known

    @property
    def isolation(self) -> str:
        return "bwrap" if self.bwrap else "rlimits"

    @property
    def network_cut_off(self) -> bool:
        return self.bwrap is not None

    @property
    def details(self) -> dict[str, object]:
        """Which limits hold for the whole sandbox: a cgroup's, or only each process's."""
        why = self._cgroup_probe
        return {"cgroup": "yes" if why == "" else f"no ({why})" if why else "unknown"}

    def build_session(self, runs: Sequence[ChallengeRun]) -> Session:
        # Under bwrap, /tmp is the sandbox's own; else a private folder, removed afterwards.
        work = "/tmp/work" if self.bwrap else os.path.join(tempfile.mkdtemp(prefix="grader-work-"), "work")
        return Session.build(
            runs,
            work=work,
            parallel=self.jobs,
            clean_all=bool(self.bwrap),  # bwrap: the supervisor's pid namespace and /tmp are its own
            job_options=self._job_options,
            startup=self.limits.startup_s,
        )

    def _job_options(self, run: ChallengeRun) -> dict[str, object]:
        limits = list(self.limits.rlimits(run.time_limit))
        if os.getuid() != 0:  # root ignores RLIMIT_NPROC; for others it counts every process
            limits.append(("nproc", _user_process_count() + self.limits.processes))
        # Under bwrap the network namespace is already empty (and a nested one is refused).
        return {"isolate_network": self.isolate_network and not self.bwrap, "rlimits": tuple(limits)}

    def command(self, base: str) -> list[str]:
        """The command that starts the supervisor: inside bwrap, or as a plain process."""
        if self.bwrap:
            copy_harness(Path(base) / "harness")
            tmp_mb = self.limits.sandbox_tmp_mb(self.jobs)
            return bwrap_command(self.bwrap, str(Path(base) / "harness"), tmp_mb)
        return [python_executable(), "-I", "-c", _BOOT, str(harness_root())]

    def prestart(self) -> None:
        """Start the next session's supervisor now: it imports the stack (the slow part of
        a small check) while the caller is still preparing that session."""
        with self._ready_lock:
            if self._ready is not None:
                return
            try:
                self._ready = self._spawn()
            except OSError:  # the session will try again, and say why
                pass

    def close(self) -> None:
        """Stop a prestarted supervisor that no session took."""
        with self._ready_lock:
            ready, self._ready = self._ready, None
        if ready is not None:
            ready.stop()

    def _spawn(self) -> _Started:
        base = tempfile.mkdtemp(prefix="grader-")
        cgroup = self._cgroup()
        command = self.command(base)
        if isinstance(cgroup, Cgroup):
            # Join the cgroup before exec, so that every process of the sandbox is in it.
            command = ["/bin/sh", "-c", _JOIN, "sh", str(len(cgroup.procs)), *cgroup.procs, *command]
        try:
            proc = subprocess.Popen(
                command,
                cwd=base,
                env={"LC_ALL": "C.UTF-8", "HOME": base, "TMPDIR": base},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError:
            shutil.rmtree(base, ignore_errors=True)
            if isinstance(cgroup, Cgroup):
                cgroup.remove()
            raise
        return _Started(proc, base, cgroup if isinstance(cgroup, Cgroup) else None)

    def _cgroup(self) -> Cgroup | str:
        """A cgroup for the next sandbox (bwrap tier only), or why there is none."""
        if not self.bwrap or self._cgroup_probe not in (None, ""):
            return self._cgroup_probe or "the rlimits tier has no cgroup"
        made = Cgroup.create(self.limits.sandbox_memory_mb(self.jobs) * 1024 * 1024, self.limits.processes)
        self._cgroup_probe = "" if isinstance(made, Cgroup) else made
        return made

    def run_session(self, session: Session, feed: Feed) -> SessionResult:
        with self._ready_lock:
            started, self._ready = self._ready, None
        try:
            started = started or self._spawn()
        except OSError as exc:
            return SessionResult(Ended.FAILED_TO_START, stderr=f"cannot start the sandbox: {exc}")
        try:
            return self._supervise(session, feed, started)
        finally:
            started.stop()
            if not self.bwrap:
                shutil.rmtree(os.path.dirname(session.work), ignore_errors=True)

    def _supervise(self, session: Session, feed: Feed, started: _Started) -> SessionResult:
        proc = started.proc
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        overflow = threading.Event()
        out = _CappedReader(proc.stdout, session.stream_cap, overflow, feed)
        err = _CappedReader(proc.stderr, STDERR_CAP, None)
        out.start()
        err.start()
        feeder = threading.Thread(target=_feed, args=(proc.stdin, session.payload), daemon=True)
        feeder.start()
        ended = Ended.COMPLETED
        deadline = time.monotonic() + session.wall_limit
        try:
            while proc.poll() is None:
                if overflow.is_set():
                    ended = Ended.OUTPUT_LIMIT
                    break
                if time.monotonic() >= deadline:
                    ended = Ended.TIMEOUT
                    break
                if self.cancelled:  # a stop (Ctrl-C on a batch) does not wait for the time limit
                    ended = Ended.CRASHED
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
            _close_pipes(proc)
        if ended is Ended.COMPLETED and proc.returncode != 0:
            ended = Ended.CRASHED
        return SessionResult(ended, stderr=err.data().decode("utf-8", errors="replace"))


# Joins the cgroups named by its arguments, then runs the rest: sh -c JOIN sh N procs... cmd...
_JOIN = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"'


class _Started:
    """A started supervisor: its process, its private folder, its cgroup."""

    def __init__(self, proc: subprocess.Popen[bytes], base: str, cgroup: Cgroup | None) -> None:
        self.proc = proc
        self.base = base
        self.cgroup = cgroup

    def stop(self) -> None:
        """Kill every process of its session, and remove its folder and cgroup."""
        kill_session(self.proc.pid)
        self.proc.wait()
        _close_pipes(self.proc)
        shutil.rmtree(self.base, ignore_errors=True)
        if self.cgroup is not None:
            self.cgroup.remove()


def _local_namespace() -> str:
    from importlib.metadata import version

    return f"local {python_executable()} {sys.version} pytest {version('pytest')}"


def _compile_here(sources: list[bytes]) -> tuple[str, list[bytes]]:
    """The local sandbox's Python and pytest are this process's: its pycs can be made here
    (rewriting and compiling run no code of the test modules)."""
    from sandbox.harness.precompile import compile_tests

    return compile_tests(sources)


def _close_pipes(proc: subprocess.Popen[bytes]) -> None:
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:  # stdin's last flush, to a supervisor already gone
                pass


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
        for pid, _state, _pgid, session, _parent in processes():
            if session == sid:
                found = True
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if not found:
            return
        time.sleep(0.005)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
