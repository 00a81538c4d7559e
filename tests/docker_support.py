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
        if REQUIRED:
            pytest.fail(f"GRADER_REQUIRE_DOCKER=1 but {exc}")
        pytest.skip(f"no Docker engine: {exc}")


def leftover_containers(client: Any) -> list[Any]:
    from sandbox.docker import SESSION_LABEL

    return list(client.containers.list(all=True, filters={"label": SESSION_LABEL}))
