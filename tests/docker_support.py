"""Shared by the Docker tests: reach an engine or skip (or fail, when CI demands Docker)."""

from __future__ import annotations

import os
from typing import Any

import pytest

REQUIRED = os.environ.get("GRADER_REQUIRE_DOCKER") == "1"


def docker_client() -> Any:
    """A client that answered a ping; skips without an engine, fails when Docker is required."""
    from sandbox.docker import DockerUnavailable, connect

    try:
        return connect(timeout=5)
    except DockerUnavailable as exc:
        _unavailable(exc)


def docker_backend(client: Any, **options: Any) -> Any:
    """The Docker backend on ``client``, its image built if need be; skips (or fails, when
    Docker is required) where the image cannot be had, e.g. no base image on this machine."""
    from sandbox.docker import DockerBackend, DockerUnavailable

    try:
        return DockerBackend(client=client, progress=print, **options)
    except DockerUnavailable as exc:
        _unavailable(exc)


def _unavailable(exc: Exception) -> None:
    if REQUIRED:
        pytest.fail(f"GRADER_REQUIRE_DOCKER=1 but {exc}")
    pytest.skip(f"Docker cannot be used here: {exc}")


def leftover_containers(client: Any) -> list[Any]:
    from sandbox.docker import SESSION_LABEL

    return list(client.containers.list(all=True, filters={"label": SESSION_LABEL}))
