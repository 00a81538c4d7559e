"""The limits every backend enforces, in one place: ``SandboxLimits``.

Resolved once (defaults, then the command line; a challenge adds its own time
limits to each run) and given to the backend, which applies each limit with
the strongest means it has. The README's limits table says the same, value by
value; ``grader sandbox status`` prints them.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

MAX_DEFAULT_CPUS = 4  # a grading's default share of a larger host


def host_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, else the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def default_cpus() -> int:
    """The CPUs one sandbox gets unless told otherwise: the host's, at most ``MAX_DEFAULT_CPUS``."""
    return min(host_cpus(), MAX_DEFAULT_CPUS)


def share_cpus(sandboxes: int, total: int | None = None) -> int:
    """The CPUs each of ``sandboxes`` sandboxes running at once gets out of ``total`` (default:
    the host's): divided among them, never less than one, so that a batch or a service with
    several gradings at once does not ask for more CPUs than the host has."""
    return max(1, (total or host_cpus()) // max(1, sandboxes))


@dataclass(frozen=True)
class SandboxLimits:
    """What one submission's sandbox may use."""

    memory_mb: int = 512  # address space of each challenge's test process (RLIMIT_AS), on every backend
    processes: int = 64  # processes and threads in the whole sandbox
    file_size_mb: int = 64  # the largest file a process may write (RLIMIT_FSIZE)
    tmp_mb: int = 64  # writable /tmp per test process running at once (see sandbox_tmp_mb)
    open_files: int = 256  # descriptors per process (RLIMIT_NOFILE)
    # CPUs for the whole sandbox; its supervisor runs that many challenges at once (each
    # with its own memory_mb), and its memory ceiling is sized to that (sandbox_memory_mb).
    cpus: float = field(default_factory=default_cpus)
    startup_s: float = 30.0  # seconds a session may take beyond its challenges' limits (start, imports)

    @property
    def parallel(self) -> int:
        """Challenges run at once in one sandbox: one per whole CPU."""
        return max(1, math.floor(self.cpus))

    def rlimits(self, time_limit: float) -> tuple[tuple[str, int], ...]:
        """The rlimits of one challenge's test process: memory, CPU seconds just above its
        time limit, file size and descriptors (the process cap is set where it holds)."""
        return (
            ("as", self.memory_mb * 1024 * 1024),
            ("cpu", math.ceil(time_limit) + 1),
            ("fsize", self.file_size_mb * 1024 * 1024),
            ("nofile", self.open_files),
        )

    def sandbox_memory_mb(self, parallel: int) -> int:
        """The ceiling for a whole sandbox running ``parallel`` test processes at once, plus
        the supervisor (what a cgroup is set to)."""
        return self.memory_mb * max(1, parallel) + 256

    def sandbox_tmp_mb(self, parallel: int) -> int:
        """The size of a sandbox's /tmp when ``parallel`` test processes share it: a share each,
        and one more, so that one process's largest file (``file_size_mb``, which is no more
        than a share by default) leaves the others theirs."""
        return self.tmp_mb * (max(1, parallel) + 1)

    def rows(self) -> list[tuple[str, str]]:
        """(limit, value) for people: what ``grader sandbox status`` shows."""
        return [
            ("memory per test process", f"{self.memory_mb} MiB"),
            ("processes in the sandbox", str(self.processes)),
            ("largest file written", f"{self.file_size_mb} MiB"),
            ("writable /tmp per test process", f"{self.tmp_mb} MiB"),
            ("open files per process", str(self.open_files)),
            ("CPUs", f"{self.cpus:g}"),
        ]
