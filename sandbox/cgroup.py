"""A cgroup for one local sandbox: a memory ceiling and a process cap for all of it.

Where the host lets this process make a child of its own cgroup (as root, or
where a cgroup is delegated to the user), the local backend puts the whole
sandbox into a new one: ``memory`` caps everything it holds at once, and
``pids`` caps its processes and threads, which, unlike ``RLIMIT_NPROC``,
holds for root too. Both cgroup v2 (the unified hierarchy) and v1 (one
hierarchy per controller) are understood. Where neither can be had,
``Cgroup.create`` says why and the backend falls back to per-process limits.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path


def _mounts() -> list[tuple[str, str, set[str]]]:
    """(mount point, file system type, options) of every cgroup mount."""
    found = []
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                left, _, right = line.partition(" - ")
                fields, tail = left.split(), right.split()
                if len(fields) > 4 and tail and tail[0] in ("cgroup", "cgroup2"):
                    options = set(tail[2].split(",")) if len(tail) > 2 else set()
                    found.append((fields[4], tail[0], options))
    except OSError:
        pass
    return found


def _own_paths() -> dict[str, str]:
    """This process's cgroup path per v1 controller, and under "" for v2."""
    paths: dict[str, str] = {}
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                parts = line.rstrip("\n").split(":", 2)
                if len(parts) == 3:
                    for controller in parts[1].split(",") if parts[1] else [""]:
                        paths[controller] = parts[2]
    except OSError:
        pass
    return paths


@dataclass
class Cgroup:
    """The cgroup folders of one sandbox (one for v2, one per controller for v1)."""

    folders: tuple[Path, ...]
    memory: Path  # where the memory controller's files are
    version: int

    @classmethod
    def create(cls, memory_bytes: int, pids: int) -> Cgroup | str:
        """A new cgroup with these limits, or why none can be made here."""
        name = f"grader-{secrets.token_hex(6)}"
        mounts = _mounts()
        own = _own_paths()
        unified = next((m for m in mounts if m[1] == "cgroup2"), None)
        v1 = {c: m for m in mounts if m[1] == "cgroup" for c in m[2] if c in ("memory", "pids")}
        try:
            if "memory" in v1 and "pids" in v1:
                folders = []
                for controller in ("memory", "pids"):
                    parent = Path(v1[controller][0]) / own.get(controller, "/").lstrip("/")
                    folder = parent / name
                    folder.mkdir()
                    folders.append(folder)
                memory, pid_folder = folders
                (memory / "memory.limit_in_bytes").write_text(str(memory_bytes))
                swap = memory / "memory.memsw.limit_in_bytes"
                if swap.exists():
                    swap.write_text(str(memory_bytes))
                (pid_folder / "pids.max").write_text(str(pids))
                return cls(tuple(folders), memory, 1)
            if unified is not None:
                parent = Path(unified[0]) / own.get("", "/").lstrip("/")
                available = set((parent / "cgroup.subtree_control").read_text().split())
                if not {"memory", "pids"} <= available:
                    return "the memory and pids controllers are not delegated to this cgroup"
                folder = parent / name
                folder.mkdir()
                (folder / "memory.max").write_text(str(memory_bytes))
                swap = folder / "memory.swap.max"
                if swap.exists():
                    swap.write_text("0")
                (folder / "pids.max").write_text(str(pids))
                return cls((folder,), folder, 2)
        except OSError as exc:
            return f"a cgroup cannot be made here ({exc.strerror or exc})"
        return "no cgroup hierarchy with the memory and pids controllers is mounted"

    @property
    def procs(self) -> list[str]:
        """The files a process writes its pid to, to join."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def oom_kills(self) -> int:
        """How many processes the kernel killed for memory in this cgroup."""
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        try:
            for line in (self.memory / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def remove(self) -> None:
        """Remove the cgroup once its processes are gone (they were killed just before)."""
        for folder in self.folders:
            for _ in range(100):
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)  # a killed process is still leaving it
