"""Limits the harness applies to its own process before any candidate code runs."""

from __future__ import annotations

import ctypes
import os
import resource
import signal
from collections.abc import Iterator

_RLIMITS = {
    "as": resource.RLIMIT_AS,
    "cpu": resource.RLIMIT_CPU,
    "fsize": resource.RLIMIT_FSIZE,
    "nproc": resource.RLIMIT_NPROC,
    "nofile": resource.RLIMIT_NOFILE,
}
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def apply_rlimits(limits: dict[str, int]) -> None:
    """Lower this process's resource limits (names: as, cpu, fsize, nproc, nofile)."""
    for name, value in limits.items():
        which = _RLIMITS[name]
        _soft, hard = resource.getrlimit(which)
        new_hard = value if hard == resource.RLIM_INFINITY else min(value, hard)
        # CPU gets a hard limit one second above the soft one: SIGXCPU first, then SIGKILL.
        soft = min(value, new_hard)
        if name == "cpu" and (hard == resource.RLIM_INFINITY or hard > value + 1):
            new_hard = value + 1
        resource.setrlimit(which, (soft, new_hard))
    # A write past RLIMIT_FSIZE then fails with EFBIG instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def isolate_network() -> bool:
    """Move this process into a new, empty network namespace; False where the host forbids it."""
    libc = ctypes.CDLL(None, use_errno=True)
    if os.geteuid() == 0:
        return bool(libc.unshare(_CLONE_NEWNET) == 0)
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        return False
    try:
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"{gid} {gid} 1")
    except OSError:
        # The namespaces exist (so the network is already cut off); only the id
        # mapping failed, which leaves files readable as "nobody". Say isolated.
        return True
    return True


def processes() -> Iterator[tuple[int, bytes, int, int, int]]:
    """``(pid, state, process group, session, parent)`` of every process this one can see in /proc."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            yield int(entry), fields[0], int(fields[2]), int(fields[3]), int(fields[1])
        except (OSError, IndexError, ValueError):
            continue  # it ended while we looked
