"""Every command closes its backend: no sandbox process, container or folder outlives it.

Each command runs in this process (click's runner) with the temporary folder pointed at
one of its own, so that the supervisors it starts (their working folder is in there) and
the folders it makes can be told from those of anything else running on the machine. For
Docker, the backends the command makes are noted as they are made, and only their
containers are looked at.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from grader.cli import cli
from tests.helpers import (
    MODEL_BASICS_OK,
    REQUIRED,
    docker_client,
    leftover_containers,
    processes_in,
    write_sub,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def own_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _kit(runner: Any, tmp_path: Path) -> Path:
    kit = tmp_path / "kit"
    assert runner.invoke(cli, ["kit", str(kit), "-c", "model-basics"]).exit_code == 0
    (kit / "model-basics" / "solution.py").write_text(MODEL_BASICS_OK)
    return kit


@pytest.mark.parametrize("command", ["grade", "check", "batch", "validate"])
def test_a_local_command_leaves_nothing_running(runner, tmp_path, own_tmp, command):
    sub = write_sub(tmp_path / "cohort", "ann")
    args = {
        "grade": ["grade", str(sub), "-c", "model-basics", "--backend", "local"],
        "check": ["check", str(_kit(runner, tmp_path))],
        "batch": ["batch", str(sub.parent), "--out", str(tmp_path / "out"), "-c", "model-basics",
                  "--backend", "local"],
        "validate": ["validate", "-c", "model-basics"],
    }[command]  # fmt: skip
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert processes_in(own_tmp) == [], "a sandbox process outlived the command"
    assert list(own_tmp.iterdir()) == [], "a temporary folder outlived the command"


@pytest.mark.docker
@pytest.mark.parametrize("command", ["grade", "batch"])
def test_a_docker_command_leaves_no_container(runner, tmp_path, monkeypatch, command):
    import sandbox.docker as docker_module

    client = docker_client()
    made: list[Any] = []
    original = docker_module.DockerBackend.__init__

    def noting(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(docker_module.DockerBackend, "__init__", noting)
    sub = write_sub(tmp_path / "cohort", "ann")
    args = {
        "grade": ["grade", str(sub), "-c", "model-basics", "--backend", "docker"],
        "batch": ["batch", str(sub.parent), "--out", str(tmp_path / "out"), "-c", "model-basics",
                  "--backend", "docker", "--jobs", "2"],
    }[command]  # fmt: skip
    base = os.environ.get("GRADER_BASE_IMAGE")
    result = runner.invoke(cli, [*args, *(["--base-image", base] if base else [])])
    if not made:
        if REQUIRED:
            pytest.fail(f"GRADER_REQUIRE_DOCKER=1 but Docker could not be used: {result.output[:200]}")
        pytest.skip(f"Docker could not be used: {result.output.strip()[:200]}")
    assert result.exit_code == 0, result.output
    for backend in made:
        assert leftover_containers(client, backend) == [], "a container outlived the command"
