"""GitHub Actions: the job summary, annotations on the candidate's file, and safe output.

Under GitHub Actions (``GITHUB_ACTIONS=true``) the runner reads workflow
commands (lines such as ``::error ...``) from a step's output. Reports print
text that candidate code wrote, so anything the grader prints there is
wrapped in ``::stop-commands::`` with a fresh token: a candidate cannot issue
commands through a test message.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import click

from grader.errors import UsageError
from grader.results import GradeResult
from grader.sanitize import clean

MAX_ANNOTATIONS = 10  # GitHub shows at most 10 error annotations per step


def active(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the grader runs as a GitHub Actions step."""
    return environ.get("GITHUB_ACTIONS") == "true"


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def _repo_path(path: Path, environ: Mapping[str, str]) -> str:
    """``path`` relative to the checked-out repository (what annotations need), when inside it."""
    workspace = environ.get("GITHUB_WORKSPACE")
    if workspace:
        try:
            return path.resolve().relative_to(Path(workspace).resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def error_commands(result: GradeResult, environ: Mapping[str, str] = os.environ) -> list[str]:
    """``::error`` commands for failing public tests whose traceback passes through ``solution.py``.

    Hidden tests never get one, whoever the report is for: annotations are
    shown to everyone who can see the pull request.
    """
    commands: list[str] = []
    for challenge in result.challenges:
        file = clean(_repo_path(Path(result.submission) / challenge.id / "solution.py", environ))
        for test in challenge.tests:
            if test.visibility != "public" or test.status == "passed" or test.line is None:
                continue
            title = clean(f"{challenge.id}: {test.name} {test.status}")
            message = clean(test.message).strip() or f"the test {test.status}"
            commands.append(
                f"::error file={_property(file)},line={test.line},title={_property(title)}::{_data(message)}"
            )
    return commands[:MAX_ANNOTATIONS]


def write_summary(markdown: str, environ: Mapping[str, str] = os.environ) -> None:
    """Append ``markdown`` to the job summary (``$GITHUB_STEP_SUMMARY``), when the runner gave one."""
    target = environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as f:
            f.write(markdown + "\n")
    except OSError as exc:
        raise UsageError(f"cannot write the job summary {target}: {exc.strerror}") from None


@contextmanager
def commands_stopped(enabled: bool, err: bool = False) -> Iterator[None]:
    """While inside, the runner treats nothing printed (to stdout, or stderr with ``err``) as a command."""
    if not enabled:
        yield
        return
    token = secrets.token_hex(16)
    click.echo(f"::stop-commands::{token}", err=err)
    try:
        yield
    finally:
        click.echo(f"::{token}::", err=err)
