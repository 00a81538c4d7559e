"""The composite GitHub Action and the example workflow: their scripts run, their names agree."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import MODEL_BASICS_OK, assert_valid_junit

yaml = pytest.importorskip("yaml", reason="pyyaml is in the [dev] extra")

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
WORKFLOW = yaml.safe_load((ROOT / "docs" / "github-workflow-example.yml").read_text())
GRADER_BIN = str(Path(sys.executable).with_name("grader"))


def step(step_id_or_name: str) -> dict:
    (found,) = [s for s in ACTION["runs"]["steps"] if step_id_or_name in (s.get("id"), s.get("name"))]
    return found


def step_env(found: dict, inputs: dict[str, str], outputs: dict[str, str] | None = None) -> dict[str, str]:
    """The step's ``env:`` with ``${{ inputs.x }}`` and ``${{ steps.grade.outputs.x }}`` filled in."""
    values = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()} | inputs

    def fill(text: str) -> str:
        text = re.sub(r"\$\{\{\s*github\.action_path\s*\}\}", lambda m: str(ROOT), text)
        text = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], text)
        return re.sub(
            r"\$\{\{\s*steps\.grade\.outputs\.([\w-]+)\s*\}\}", lambda m: (outputs or {})[m.group(1)], text
        )

    return {k: fill(str(v)) for k, v in found.get("env", {}).items()}


def run_step(found: dict, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", found["run"]],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_the_grade_step_writes_reports_and_outputs(tmp_path):
    sub = tmp_path / "submission" / "model-basics"
    sub.mkdir(parents=True)
    (sub / "solution.py").write_text(MODEL_BASICS_OK.replace("String(80)", "String(20)"))
    outputs, summary = tmp_path / "github_output", tmp_path / "summary.md"
    env = step_env(
        step("grade"), {"submission": "submission", "min-score": "95", "challenges": "model-basics"}
    )
    env |= {
        "GRADER_BIN": GRADER_BIN,
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(tmp_path),
        "CI": "true",
    }
    done = run_step(step("grade"), env, tmp_path)
    assert done.returncode == 0, done.stderr  # the step itself never fails: it records the exit code
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert values["exit-code"] == "1" and values["status"] == "failed"
    assert 0 < float(values["percent"]) < 95 and values["max-score"] == "9"
    assert set(values) >= {name for name in ACTION["outputs"]}
    assert_valid_junit((tmp_path / values["junit"]).read_text())
    assert (tmp_path / values["html"]).read_text().startswith("<!doctype html>")
    assert '"audience": "candidate"' in (tmp_path / values["json"]).read_text()
    assert summary.read_text().startswith("## Grading:")

    enforce = step("Enforce the threshold")
    failed = run_step(enforce, step_env(enforce, {"min-score": "95"}, values), tmp_path)
    assert failed.returncode == 1 and "::error title=Score below the threshold::" in failed.stdout


def test_every_action_output_comes_from_the_grade_step():
    for name, output in ACTION["outputs"].items():
        assert output["value"] == f"${{{{ steps.grade.outputs.{name} }}}}"


@pytest.mark.slow
def test_the_example_workflow_grades_uploads_and_fails_under_the_threshold():
    trigger = WORKFLOW.get("on", WORKFLOW.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in trigger
    steps = WORKFLOW["jobs"]["grade"]["steps"]
    grade = next(s for s in steps if s.get("id") == "grade")
    assert set(grade["with"]) <= set(ACTION["inputs"]) and grade["with"]["fail"] == "false"
    upload = next(s for s in steps if "upload-artifact" in s.get("uses", ""))
    assert upload["if"] == "always()"
    assert "outputs.junit" in upload["with"]["path"] and "outputs.html" in upload["with"]["path"]
    used = set(
        re.findall(
            r"steps\.grade\.outputs\.([\w-]+)", (ROOT / "docs" / "github-workflow-example.yml").read_text()
        )
    )
    assert used <= set(ACTION["outputs"])
    last = steps[-1]
    assert "exit-code" in last["if"] and "exit 1" in last["run"]


def test_the_example_workflow_gets_the_base_image_before_grading_in_docker():
    """On a stock runner Docker is there but the base image is not: without it, auto grades
    on the local backend. The workflow gets the image grader builds from, then asks for Docker."""
    from sandbox.docker import DEFAULT_BASE_IMAGE

    job = WORKFLOW["jobs"]["grade"]
    steps = job["steps"]
    names = [s.get("name", "") for s in steps]
    image_step = next(s for s in steps if "base image" in s.get("name", "").lower())
    grade = next(s for s in steps if s.get("id") == "grade")
    assert names.index(image_step["name"]) < steps.index(grade)
    assert job["env"]["GRADER_BASE_IMAGE"] == DEFAULT_BASE_IMAGE
    assert '"$GRADER_BASE_IMAGE"' in image_step["run"] and "docker pull" in image_step["run"]
    assert grade["with"]["backend"] == "docker" and "docker" in ACTION["inputs"]["backend"]["description"]


@pytest.mark.docker
def test_the_base_image_step_makes_auto_choose_docker(tmp_path):
    """The step's own script, run for real on this host's engine with the base image the tests
    use: afterwards `grader sandbox status` says auto uses Docker."""
    from tests.helpers import docker_client

    docker_client()  # skips without an engine, unless GRADER_REQUIRE_DOCKER=1
    image = os.environ.get("GRADER_BASE_IMAGE") or "local/python-base:bookworm"
    steps = WORKFLOW["jobs"]["grade"]["steps"]
    image_step = next(s for s in steps if "base image" in s.get("name", "").lower())
    ran = subprocess.run(
        ["bash", "-e", "-c", image_step["run"]],
        env={**os.environ, "GRADER_BASE_IMAGE": image},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if ran.returncode != 0:
        from tests.helpers import REQUIRED

        message = f"base image {image} cannot be had here: {ran.stderr.strip()[:200]}"
        pytest.fail(message) if REQUIRED else pytest.skip(message)
    status = subprocess.run(
        [GRADER_BIN, "sandbox", "status"],
        env={**os.environ, "GRADER_BASE_IMAGE": image},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "--backend auto uses: docker" in status.stdout, status.stdout
