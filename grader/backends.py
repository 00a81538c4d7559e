"""Choosing where candidate code runs, and saying plainly what each choice protects.

Tiers, strongest first: Docker (an engine is reachable), then the local
backend inside bubblewrap (a working ``bwrap`` on PATH), then the local backend
with rlimits only. ``auto`` takes the first this host offers. ``grader sandbox status``
lists them all with what is missing for each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import BackendError
from sandbox.backend import Backend
from sandbox.limits import SandboxLimits

Notice = Callable[[str], None]

RLIMITS_WARNING = (
    "warning: no Docker engine and no bwrap; grading with rlimits only, where the submission's "
    "code can read and change this user's files. For isolation, `apt install bubblewrap` "
    "(or your distribution's package) or start Docker."
)


@dataclass(frozen=True)
class Tier:
    """One way this host can run candidate code."""

    name: str  # what --backend takes
    isolation: str
    available: bool
    detail: str  # what it is, or what is missing and how to get it


@dataclass(frozen=True)
class BackendSettings:
    """Everything that chooses and configures a backend, resolved once by the CLI."""

    name: str = "auto"  # auto, local or docker
    jobs: int | None = None
    runtime: str | None = None
    base_image: str | None = None  # None: the Docker backend's default
    limits: SandboxLimits = field(default_factory=SandboxLimits)
    cache: Path | None = None  # None: sandbox.pycs.cache_root()


def make_backend(
    settings: BackendSettings | str = "auto",
    jobs: int | None = None,
    *,
    notice: Notice | None = None,
    spares: int = 0,
) -> Backend:
    """The backend ``settings`` ask for (or just its name); ``auto`` falls back to local with
    one notice. Use it as a context manager: closing it removes what it started.

    ``spares``: Docker containers to keep started ahead of the sessions that will use
    them, one session each (for a batch)."""
    if isinstance(settings, str):
        settings = BackendSettings(settings, jobs)
    elif jobs is not None:
        settings = BackendSettings(
            settings.name, jobs, settings.runtime, settings.base_image, settings.limits, settings.cache
        )
    name, runtime = settings.name, settings.runtime
    say = notice or (lambda _line: None)
    if name in ("docker", "auto"):
        from sandbox.docker import DockerBackend, DockerUnavailable, connect

        try:
            client = connect(timeout=5)
        except DockerUnavailable as exc:
            if name == "docker":
                raise BackendError(str(exc)) from None
        else:
            try:
                return DockerBackend(
                    settings.jobs,
                    client=client,
                    base=settings.base_image,
                    runtime=runtime,
                    limits=settings.limits,
                    progress=say,
                    spares=spares,
                    cache=settings.cache,
                )
            except DockerUnavailable as exc:
                if name == "docker":
                    raise BackendError(str(exc)) from None
                say(f"warning: Docker is reachable but its sandbox cannot be used: {exc}; grading locally")
    if runtime:
        raise BackendError("--runtime applies to the docker backend only")
    from sandbox.local import LocalBackend

    local = LocalBackend(jobs=settings.jobs, limits=settings.limits, cache=settings.cache)
    if local.isolation == "rlimits":
        say(RLIMITS_WARNING)
    return local


def tiers(base_image: str | None = None) -> list[Tier]:
    """What this host offers, strongest first."""
    from sandbox.docker import DEFAULT_BASE_IMAGE, DockerUnavailable, base_present, connect, current_image

    found: list[Tier] = []
    try:
        client = connect(timeout=5)
    except DockerUnavailable as exc:
        found.append(Tier("docker", "docker", False, str(exc)))
    else:
        base = base_image or DEFAULT_BASE_IMAGE
        tag, image_id = current_image(client, base)
        usable = True
        if image_id:
            detail = f"engine reachable; image {tag} is built (from {base})"
        elif not base_present(client, base):
            # What grade would meet: no image, and nothing to build it from (builds are offline).
            usable = False
            detail = (
                f"engine reachable, but image {tag} is not built and its base {base} is not on this "
                f"machine: `docker pull {base}`, or name a local image with --base-image / "
                "GRADER_BASE_IMAGE; then `grader sandbox build`"
            )
        else:
            detail = (
                f"engine reachable; image {tag} is not built yet: run `grader sandbox build` "
                f"(base {base}; GRADER_BASE_IMAGE or --base-image change it), or let the first "
                "grading build it"
            )
        found.append(Tier("docker", "docker", usable, detail))
        client.close()
    from sandbox.local import find_bwrap

    bwrap = find_bwrap()
    found.append(
        Tier(
            "local",
            "bwrap",
            bwrap is not None,
            f"bubblewrap at {bwrap}: every namespace unshared, only Python's files bound read-only, "
            "a private /tmp"
            if bwrap
            else "no working bwrap on PATH: install the distribution's package (`apt install bubblewrap`)",
        )
    )
    found.append(
        Tier(
            "local",
            "rlimits",
            True,
            "a limited process of this machine's Python: no file isolation (the code can read and "
            "change this user's files); a network namespace where the host allows one",
        )
    )
    return found
