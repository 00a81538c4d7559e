"""``grader validate --mutants``: what the command does, apart from its click layer."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence

import click

from grader.challenges import Challenge
from grader.mutants.report import render_json, render_text
from grader.sanitize import counted
from sandbox.backend import Backend


def validate_mutants(
    challenges: Sequence[Challenge],
    backend: Backend,
    *,
    bar: float,
    fmt: str,
    notice: Callable[[str], None],
) -> int:
    """Run the mutants of ``challenges`` on ``backend``, print the report in ``fmt`` on stdout
    (progress on stderr), and return the exit code: 0 when every challenge meets ``bar``."""
    from grader.mutants.run import run_mutants

    show = sys.stderr.isatty()
    notice(
        f"mutating the references of {counted(len(challenges), 'challenge')} and running their "
        "hidden tests..."
    )

    def progress(challenge: str, done: int, total: int) -> None:
        if show and done == total:
            notice(f"  {challenge}: {total - 1} mutants run")

    started = time.monotonic()
    results = run_mutants(challenges, backend, bar=bar, progress=progress)
    duration = time.monotonic() - started
    click.echo(render_json(results, duration) if fmt == "json" else render_text(results, duration), nl=False)
    return 0 if all(r.ok for r in results) else 1
