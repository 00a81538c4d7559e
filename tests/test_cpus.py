"""How many CPUs a sandbox gets, and how many challenges it runs at once (--cpus, GRADER_CPUS)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.cli import cli
from sandbox.limits import MAX_DEFAULT_CPUS, SandboxLimits, host_cpus, share_cpus
from sandbox.local import LocalBackend
from tests.helpers import MODEL_BASICS_OK


@pytest.mark.parametrize(
    ("sandboxes", "total", "each"),
    [(1, 4, 4), (2, 4, 2), (3, 4, 1), (8, 2, 1), (2, 5, 2)],
    ids=["one-takes-all", "halves", "rounds-down", "never-zero", "odd-host"],
)
def test_share_cpus_divides_rather_than_multiplies(sandboxes: int, total: int, each: int) -> None:
    assert share_cpus(sandboxes, total) == each
    assert each * sandboxes <= total or each == 1


def test_default_is_the_hosts_cpus_at_most_four() -> None:
    limits = SandboxLimits()
    assert limits.cpus == min(host_cpus(), MAX_DEFAULT_CPUS)
    assert limits.parallel == int(limits.cpus)
    assert SandboxLimits(cpus=1.5).parallel == 1


def test_memory_ceiling_grows_with_parallelism_and_each_child_keeps_its_own() -> None:
    one, three = SandboxLimits(cpus=1), SandboxLimits(cpus=3)
    assert three.sandbox_memory_mb(three.parallel) - one.sandbox_memory_mb(one.parallel) == 2 * one.memory_mb
    assert dict(three.rlimits(10))["as"] == dict(one.rlimits(10))["as"] == 512 * 1024 * 1024


def test_backend_runs_as_many_challenges_as_cpus() -> None:
    assert LocalBackend(limits=SandboxLimits(cpus=3), tier="rlimits").jobs == 3
    assert LocalBackend(2, limits=SandboxLimits(cpus=3), tier="rlimits").jobs == 2  # --jobs wins


def _kit(tmp_path: Path) -> Path:
    sub = tmp_path / "sub" / "model-basics"
    sub.mkdir(parents=True)
    (sub / "solution.py").write_text(MODEL_BASICS_OK)
    return sub.parent


def test_grade_records_the_cpus_it_was_given(runner, tmp_path: Path) -> None:
    sub = _kit(tmp_path)
    args = ["grade", str(sub), "-c", "model-basics", "--backend", "local", "--format", "json"]
    given = runner.invoke(cli, [*args, "--cpus", "3"])
    assert given.exit_code == 0, given.output
    sandbox = json.loads(given.stdout)["sandbox"]
    assert (sandbox["cpus"], sandbox["parallel"]) == (3, 3)
    from_env = runner.invoke(cli, args, env={"GRADER_CPUS": "2"})
    assert from_env.exit_code == 0, from_env.output
    assert json.loads(from_env.stdout)["sandbox"]["parallel"] == 2


@pytest.mark.parametrize("command", ["grade", "check", "batch", "serve"])
def test_bad_cpus_is_a_usage_error(runner, tmp_path: Path, command: str) -> None:
    args = [command, str(tmp_path), "--cpus", "0"]
    if command == "batch":
        args += ["--out", str(tmp_path / "out")]
    if command == "serve":
        args = [command, "--cpus", "0"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "--cpus" in result.stderr and "Traceback" not in result.output


@pytest.mark.slow
def test_batch_divides_the_hosts_cpus_among_its_sandboxes(runner, tmp_path: Path) -> None:
    for name in ("ann", "bob"):
        _kit(tmp_path / name)
    subs = [str(tmp_path / name / "sub") for name in ("ann", "bob")]
    out = tmp_path / "out"
    common = ["-c", "model-basics", "--backend", "local", "--jobs", "2"]
    result = runner.invoke(cli, ["batch", *subs, "--out", str(out), *common])
    assert result.exit_code == 0, result.output
    saved = [json.loads(p.read_text()) for p in sorted((out / "submissions").glob("*.json"))]
    assert [s["sandbox"]["cpus"] for s in saved] == [share_cpus(2)] * 2
    given = runner.invoke(cli, ["batch", *subs, "--out", str(tmp_path / "out2"), *common, "--cpus", "3"])
    assert given.exit_code == 0, given.output
    saved = [json.loads(p.read_text()) for p in sorted((tmp_path / "out2" / "submissions").glob("*.json"))]
    assert [s["sandbox"]["parallel"] for s in saved] == [3, 3]
