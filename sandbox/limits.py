"""The limits every backend enforces, in one place: ``SandboxLimits``.

Resolved once (defaults, then the command line; a challenge adds its own time
limits to each run) and given to the backend, which applies each limit with
the strongest means it has. The README's limits table says the same, value by
value; ``grader sandbox status`` prints them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxLimits:
    """What one submission's sandbox may use."""

    memory_mb: int = 512  # address space of each challenge's test process (RLIMIT_AS), on every backend
    processes: int = 64  # processes and threads in the whole sandbox
    file_size_mb: int = 64  # the largest file a process may write (RLIMIT_FSIZE)
    tmp_mb: int = 64  # writable /tmp per test process running at once (see sandbox_tmp_mb)
    open_files: int = 256  # descriptors per process (RLIMIT_NOFILE)
    cpus: float = 1.0  # CPUs for the whole sandbox
    startup_s: float = 30.0  # seconds a session may take beyond its challenges' limits (start, imports)

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
