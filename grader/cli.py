"""The ``grader`` command line: a thin click layer over functions that tests call directly.

Exit codes: 0 done (graded, or all checks passed), 1 a verdict below what was
asked (``--min-score`` not met, a public test failing in ``check``, a surprise
in ``validate``), 2 bad usage or bad input, 3 grading itself failed, 130 a
batch interrupted (``--resume`` goes on from there).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

import click

from grader import __version__, github, outputs
from grader.assessment import Assessment
from grader.audience import Audience, default_audience, for_audience
from grader.backends import BackendSettings, make_backend, tiers
from grader.batch import Batch, find_submissions, unique_names
from grader.challenges import Challenge, load_pack, pack_dir, require_hidden, select
from grader.cohort import Cohort, Row
from grader.errors import BackendError, GraderError, UsageError
from grader.grading import grade
from grader.heartbeat import Heartbeat
from grader.kit import choose, make_kit
from grader.reports import render, render_check, render_grade
from grader.reports.leaderboard import (
    render_batch_json,
    render_batch_junit,
    render_leaderboard_html,
    render_leaderboard_markdown,
    render_leaderboard_text,
)
from grader.reports.text import threshold_verdict
from grader.results import ChallengeResult, GradeResult, Outcome, RunStatus
from grader.sanitize import counted, exception_line, file_name, one_line
from grader.scaffold import init_pack, new_challenge
from grader.statements import full_statement
from grader.submission import check_submission_path
from grader.validate import Check, validate

if TYPE_CHECKING:
    from grader.similarity import ChallengeSummary
from sandbox.backend import Backend
from sandbox.limits import SandboxLimits, share_cpus

F = TypeVar("F", bound=Callable[..., Any])
BACKENDS = ("auto", "local", "docker")


def challenges_option(func: F) -> F:
    return click.option(
        "--challenges",
        "challenges_dir",
        metavar="DIR",
        envvar="GRADER_CHALLENGES",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder of challenges to use instead of the built-in pack [env: GRADER_CHALLENGES].",
    )(func)


def challenge_ids_option(func: F) -> F:
    return click.option(
        "--challenge",
        "-c",
        "ids",
        multiple=True,
        metavar="ID",
        help="Only this challenge (repeatable). Default: all.",
    )(func)


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)


def queue_option(help_text: str, required: bool = False) -> Callable[[F], F]:
    """``--queue URL``: the Redis of the distributed queue (``grader.queue.celery``)."""
    return click.option(
        "--queue",
        "queue_url",
        metavar="URL",
        envvar="GRADER_QUEUE",
        required=required,
        help=f"{help_text} A redis://[:PASSWORD@]HOST:PORT/DB URL [env: GRADER_QUEUE].",
    )


def _celery() -> Any:
    """``grader.queue.celery``, or a ``UsageError`` saying how to install what it needs."""
    try:
        from grader.queue import celery
    except ImportError as exc:
        raise UsageError(
            f"the distributed queue needs Celery and redis-py ({exc.name} is missing): "
            "pip install 'grader[queue]'"
        ) from None
    return celery


def _pack(challenges_dir: Path | None) -> dict[str, Challenge]:
    return load_pack(pack_dir(challenges_dir))


def _notice(line: str) -> None:
    click.echo(line, err=True)


def _progress(total: int) -> Callable[[ChallengeResult], None] | None:
    if not sys.stderr.isatty():
        return None
    done = [0]

    def show(result: ChallengeResult) -> None:
        done[0] += 1
        click.echo(
            f"[{done[0]}/{total}] {result.id}: {result.status} {result.score:g}/{result.max_score:g}",
            err=True,
        )

    return show


VERBOSE = "--verbose"


class _Group(click.Group):
    """Turns the grader's own errors into one line on stderr and their exit code, and any other
    crash into one line and exit 3: never 1, which says "below --min-score". Usage errors are
    one line too (exit 2; ``--verbose`` shows click's usage block), and Ctrl-C is exit 130."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        given = list(sys.argv[1:] if args is None else args)
        # --verbose is the group's, but a newcomer puts it anywhere: take it from wherever it is.
        end = given.index("--") if "--" in given else len(given)
        verbose = VERBOSE in given[:end]
        if verbose:
            given = [VERBOSE] + [a for a in given[:end] if a != VERBOSE] + given[end:]
        try:
            code = super().main(given, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # a bare group: its help is the answer
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            if verbose:
                exc.show()
            else:
                where = exc.ctx.command_path if exc.ctx else prog_name or "grader"
                message = one_line(exc.format_message(), 2_000)
                click.echo(f"grader: error: {message} (see {where} --help)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"grader: error: {one_line(exc.format_message(), 2_000)}", err=True)
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt, EOFError):
            click.echo("grader: interrupted", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GraderError as exc:
            click.echo(f"grader: error: {one_line(exc.message, 2_000)}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # the outermost boundary: a bug must not read as a verdict
            if os.environ.get("GRADER_DEBUG") or ctx.params.get("verbose"):
                traceback.print_exc()
            why = exception_line(exc)
            click.echo(
                f"grader: internal error: {why} (a bug in grader; GRADER_DEBUG=1 shows where)", err=True
            )
            ctx.exit(3)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grader")
@click.option(
    VERBOSE, "verbose", is_flag=True, help="On errors, show the full usage or where the grader failed."
)
def cli(verbose: bool) -> None:
    """Grade Flask-SQLAlchemy challenge submissions with hidden pytest checks.

    \b
    Hiring teams:  grader kit DEST, then grader grade SUBMISSION
    Candidates:    grader check (inside your kit folder)
    Authors:       grader pack init DIR, grader new ID --pack DIR, then
                   grader validate (prove a challenge's tests are right)
    """


@cli.command("list")
@format_option
@challenges_option
def list_cmd(fmt: str, challenges_dir: Path | None) -> None:
    """List the challenges of the pack."""
    pack = _pack(challenges_dir)
    if fmt == "json":
        rows = [
            {
                "id": c.id,
                "title": c.title,
                "summary": c.summary,
                "difficulty": c.difficulty,
                "tags": list(c.tags),
                "max_score": c.max_score(),
                "time_limit": c.time_limit,
                "tests": {
                    "public": len(c.tests_of(["public"])),
                    "hidden": c.hidden_count,
                },
            }
            for c in pack.values()
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(c.id) for c in pack.values())
    for c in pack.values():
        click.echo(f"{c.id.ljust(width)}  {c.difficulty:<6}  {c.title} — {c.summary}")


@cli.command()
@click.argument("challenge_id", metavar="ID")
@challenges_option
def show(challenge_id: str, challenges_dir: Path | None) -> None:
    """Show a challenge's details and the statement a candidate reads."""
    (c,) = select(_pack(challenges_dir), [challenge_id])
    click.echo(click.style(f"{c.id}: {c.title}", bold=True))
    click.echo(f"{c.summary}")
    click.echo(
        f"difficulty {c.difficulty} · tags {', '.join(c.tags) or '-'} · "
        f"{len(c.tests_of(['public']))} public and {c.hidden_count} hidden tests · "
        f"{c.max_score():g} points · time limit {c.time_limit:g} s"
    )
    click.echo("")
    click.echo(full_statement(c).rstrip())


def backend_options(help_text: str) -> Callable[[F], F]:
    """``--backend``, ``--runtime`` and ``--base-image``: where candidate code runs."""

    def decorate(func: F) -> F:
        func = base_image_option(func)
        func = click.option(
            "--runtime",
            metavar="NAME",
            help="Docker runtime for the containers, e.g. runsc where gVisor is installed.",
        )(func)
        return click.option(
            "--backend", type=click.Choice(BACKENDS), default="auto", show_default=True, help=help_text
        )(func)

    return decorate


def base_image_option(func: F) -> F:
    return click.option(
        "--base-image",
        metavar="IMAGE",
        envvar="GRADER_BASE_IMAGE",
        help="Image the Docker sandbox is built FROM (needs python3; default python:3.12-slim) "
        "[env: GRADER_BASE_IMAGE].",
    )(func)


def cpus_option(func: F) -> F:
    return click.option(
        "--cpus",
        type=click.IntRange(1, 64),
        envvar="GRADER_CPUS",
        help="CPUs for each sandbox; it runs that many challenges at once, each with its own "
        "memory limit [default: the host's CPUs, at most 4; batch and serve divide the host's "
        "among the gradings they run at once; env: GRADER_CPUS].",
    )(func)


def _settings(
    backend: str, jobs: int | None, runtime: str | None, base_image: str | None, cpus: int | None = None
) -> BackendSettings:
    limits = SandboxLimits(cpus=cpus) if cpus else SandboxLimits()
    return BackendSettings(backend, jobs, runtime, base_image, limits)


def min_score_option(help_text: str) -> Callable[[F], F]:
    """``--min-score PERCENT``: the threshold a CI step's exit code follows."""
    return click.option("--min-score", type=click.FloatRange(0, 100), metavar="PERCENT", help=help_text)


def assessment_option(func: F) -> F:
    return click.option(
        "--assessment",
        "-a",
        "assessment_spec",
        metavar="NAME|FILE",
        help="An assessment: a built-in one (junior, mid, senior) or a TOML file of challenge "
        "ids, weights and a time limit. Not with --challenge.",
    )(func)


def _chosen(
    pack: dict[str, Challenge], ids: tuple[str, ...], assessment_spec: str | None
) -> tuple[list[Challenge], Assessment | None]:
    chosen = choose(pack, ids, assessment_spec)
    return chosen.challenges, chosen.assessment


@cli.command()
@click.argument("dest", type=click.Path(path_type=Path))
@challenge_ids_option
@assessment_option
@challenges_option
def kit(dest: Path, ids: tuple[str, ...], assessment_spec: str | None, challenges_dir: Path | None) -> None:
    """Write a candidate workspace to DEST: statements, starters, public tests.

    No hidden test, reference or known-bad solution is ever copied.
    """
    challenges, assessment = _chosen(_pack(challenges_dir), ids, assessment_spec)
    make_kit(dest, challenges, assessment)
    click.echo(f"wrote a kit with {counted(len(challenges), 'challenge')} to {dest}")
    click.echo(f"candidates run `grader check` inside {dest} to test their work")
    weights = " with their weights" if assessment else ""
    click.echo(f"`grader grade` on what comes back grades these challenges{weights} (grader-kit.json)")


@cli.command()
@click.argument("workspace", default=".", type=click.Path(path_type=Path))
@challenge_ids_option
@cpus_option
@challenges_option
def check(workspace: Path, ids: tuple[str, ...], cpus: int | None, challenges_dir: Path | None) -> None:
    """Run the public tests against your solutions (no Docker needed).

    WORKSPACE is your kit folder (default: the current folder), or one
    challenge's folder inside it. Exit 0 when every public test passes.
    """
    beat = Heartbeat(_notice if sys.stderr.isatty() else None)  # a stuck import is not silence
    with _sigterm_interrupts(), make_backend(_settings("local", None, None, None, cpus)) as backend, beat:
        backend.prestart()  # the sandbox imports its stack while the rest is read
        result = _check(workspace, ids, challenges_dir, backend, beat)
    click.echo(render_check(result), nl=False)
    sys.exit(0 if result.status is RunStatus.PASSED else 1)


def _check(
    workspace: Path, ids: tuple[str, ...], challenges_dir: Path | None, backend: Backend, beat: Heartbeat
) -> GradeResult:
    pack = _pack(challenges_dir)
    if not workspace.is_dir():
        raise UsageError(f"{workspace} is not a folder; run grader check inside your kit")
    if not ids and (workspace / "solution.py").exists() and workspace.resolve().name in pack:
        ids = (workspace.resolve().name,)
        workspace = workspace.resolve().parent
    if ids:
        challenges = select(pack, ids)
    else:
        challenges = [c for c in pack.values() if (workspace / c.id).is_dir()]
        if not challenges:
            raise UsageError(
                f"no challenge folders in {workspace}; run grader check inside a kit "
                "(grader kit DEST makes one)"
            )
    beat.expect([c.id for c in challenges])
    return grade(str(workspace), challenges, backend, visibilities=("public",), progress=beat.done)


@cli.command("grade")
@click.argument("submission", type=click.Path(path_type=Path))
@challenge_ids_option
@backend_options(
    "Where candidate code runs: docker (one hardened container per submission), "
    "local (processes of this machine: inside bubblewrap where bwrap works, else with "
    "rlimits only), or auto: docker when an engine is reachable (building the image on "
    "first use), else local. `grader sandbox status` shows what this host offers."
)
@outputs.report_options
@min_score_option("Exit 1 when the score is below this percentage, saying so on stderr.")
@click.option(
    "--jobs", "-j", type=click.IntRange(1, 64), help="Challenges run at once [default: --cpus]."
)
@cpus_option
@assessment_option
@challenges_option
def grade_cmd(
    submission: Path,
    ids: tuple[str, ...],
    assessment_spec: str | None,
    backend: str,
    runtime: str | None,
    base_image: str | None,
    report_specs: tuple[outputs.Report, ...],
    formats: tuple[str, ...],
    output_paths: tuple[Path, ...],
    audience: Audience | None,
    min_score: float | None,
    jobs: int | None,
    cpus: int | None,
    challenges_dir: Path | None,
) -> None:
    """Grade SUBMISSION (a folder of <challenge-id>/solution.py, or a .zip/.tar.gz/.tgz of one).

    A kit, or a submission made from one, is graded on the kit's challenges
    and weights (its grader-kit.json); otherwise every challenge of the pack.
    --challenge or --assessment choose instead. Challenges without a folder in
    the submission are reported as missing. Reports: --format text (the
    default), json, junit, markdown, html or gradescope, each to standard
    output or to the --output after it. Under GitHub Actions the Markdown
    summary also goes to the job summary, and failing public tests become
    annotations on the candidate's file. Exit 0 when graded, 1 when
    --min-score is not met, 2 for bad input, 3 when grading itself failed.
    """
    picked = choose(_pack(challenges_dir), ids, assessment_spec, [submission])  # a kit grades its own
    challenges, assessment = picked.challenges, picked.assessment
    require_hidden(challenges)
    reports = outputs.pair_reports(report_specs, formats, output_paths)
    check_submission_path(submission, [c.id for c in challenges])  # bad input fails before any image is built
    settings = _settings(backend, jobs, runtime, base_image, cpus)
    with _sigterm_interrupts(), make_backend(settings, notice=_notice) as chosen:
        result = grade(
            str(submission), challenges, chosen, progress=_progress(len(challenges)), assessment=assessment
        )
    result = replace(result, notes=(picked.note, *result.notes)) if picked.note else result
    view = for_audience(result, audience or default_audience(), challenges)
    summary = f"score {result.score:g}/{result.max_score:g} ({result.percent:.1f}%), {result.status}"
    if min_score is not None:
        summary += f", {threshold_verdict(result, min_score)[1]}"
    outputs.emit(
        reports,
        lambda fmt, _: render_grade(view, min_score) if fmt == "text" else render(fmt, view),
        summary,
    )
    if github.active():
        github.write_summary(render("markdown", view))
        machine_on_stdout = any(t is None and f in outputs.MACHINE_FORMATS for f, t in reports)
        for command in github.error_commands(view):
            click.echo(command, err=machine_on_stdout)
    sys.exit(_exit_code(result, min_score))


def _exit_code(result: GradeResult, min_score: float | None) -> int:
    if result.outcome is Outcome.FAILED:
        return 3
    if min_score is not None and result.percent < min_score:
        # Exit 1 says why on stderr: a CI log shows it beside the step that failed.
        click.echo(f"grader: score {result.percent:.1f}% is below --min-score {min_score:g}", err=True)
        return 1
    return 0


BATCH_RENDERERS: dict[str, Callable[[Cohort], str]] = {
    "text": render_leaderboard_text,
    "json": render_batch_json,
    "junit": render_batch_junit,
    "markdown": render_leaderboard_markdown,
}
BATCH_FORMATS = (*BATCH_RENDERERS, "html")  # html: rendered with the links' prefix


SIMILARITY_FORMATS = ("text", "json", "html")
SIMILARITY_THRESHOLD = 0.5  # grader.similarity.DEFAULTS.threshold; a test keeps them equal


class _BatchProgress:
    """A progress bar with ETA on a terminal, else one line per submission (with ETA) on stderr."""

    def __init__(self, out: Path, stack: ExitStack) -> None:
        self.out = out
        self.stack = stack
        self.started = time.monotonic()
        self.bar: Any = None

    def start(self, reused: int, todo: int) -> None:
        if reused:
            done = counted(reused, "submission")
            click.echo(f"resuming: {done} already graded in {self.out}, {todo} to grade", err=True)
        if todo and sys.stderr.isatty():
            self.bar = self.stack.enter_context(
                click.progressbar(
                    length=todo,
                    label="grading",
                    show_eta=True,
                    show_pos=True,
                    file=sys.stderr,
                    item_show_func=lambda row: row.name if row is not None else None,
                )
            )

    def row(self, row: Row, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(1, row)
            return
        elapsed = time.monotonic() - self.started
        eta = elapsed / done * (total - done)
        r = row.result
        verdict = f"{r.status} {r.percent:.1f}%" if row.graded else f"error: {one_line(row.reason)}"
        click.echo(f"[{done}/{total}] {row.name}: {verdict} (ETA {_clock(eta)})", err=True)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (a cancelled CI job, ``timeout``) stops a command the way Ctrl-C does: its
    sandboxes are killed, not left to run to their time limit."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@cli.command("batch")
@click.argument("submissions", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for each submission's results and reports, the leaderboard and cohort.json.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=lambda: min(8, os.cpu_count() or 1),
    show_default="the number of CPUs, at most 8",
    help="Submissions graded at once.",
)
@click.option("--resume", is_flag=True, help="Reuse the results already saved in --out; grade the rest.")
@challenge_ids_option
@assessment_option
@backend_options("Where candidate code runs (as for grade).")
@outputs.report_options_for(BATCH_FORMATS)
@min_score_option(
    "Exit 1 when any submission scores below this percentage (one that cannot be read scores "
    "nothing), naming them on stderr."
)
@cpus_option
@challenges_option
@queue_option("Send the gradings to the workers of this queue (grader worker) instead of grading here.")
def batch_cmd(
    submissions: tuple[Path, ...],
    out: Path,
    jobs: int,
    resume: bool,
    queue_url: str | None,
    ids: tuple[str, ...],
    assessment_spec: str | None,
    backend: str,
    runtime: str | None,
    base_image: str | None,
    cpus: int | None,
    report_specs: tuple[outputs.Report, ...],
    formats: tuple[str, ...],
    output_paths: tuple[Path, ...],
    audience: Audience | None,
    min_score: float | None,
    challenges_dir: Path | None,
) -> None:
    """Grade many SUBMISSIONS at once: each a submission folder or archive, or a folder of them.

    Writes each submission's JSON and HTML report into --out as it completes,
    then leaderboard.csv, leaderboard.html and cohort.json (pass rates per
    challenge and per test), and for reviewers similarity.json and
    similarity.html (see grader similarity). Standard output gets the
    leaderboard (--format text, json, junit, markdown or html). An interrupted
    batch (Ctrl-C, SIGTERM) stops its sandboxes at once, writes the leaderboard
    of what is done, and goes on with --resume. Exit 0 when every submission has
    a row, 1 when some score below --min-score, 2 for bad input, 3 when grading
    itself failed for some submission, 130 when interrupted.
    """
    pack = _pack(challenges_dir)
    reports = outputs.pair_reports(report_specs, formats, output_paths, BATCH_FORMATS)
    found, skipped = find_submissions(submissions, pack, exclude=out)
    if not found:
        raise UsageError(f"no submission folders or archives in {', '.join(map(str, submissions))}")
    picked = choose(pack, ids, assessment_spec, found)  # submissions of one kit are graded on its challenges
    challenges = picked.challenges
    require_hidden(challenges)
    if picked.note:
        click.echo(picked.note, err=True)
    if skipped:
        names = ", ".join(file_name(p.name) for p in skipped[:5]) + (", ..." if len(skipped) > 5 else "")
        click.echo(f"skipped {counted(len(skipped), 'file')} (not folders or archives): {names}", err=True)
    view = audience or default_audience()
    with ExitStack() as stack, _sigterm_interrupts():
        if queue_url:  # the queue's workers grade, each with its own backend
            queue = _celery().CeleryQueue(queue_url, pack)
            stack.callback(queue.close)
            queue.ping()
            if not queue.status().beats:  # else the batch would wait without a word
                _notice(
                    "warning: no worker has sent a heartbeat to this queue in the last 30 s; the "
                    "submissions wait until one runs: grader worker --queue URL"
                )
            runner = Batch(out, challenges, None, view, pack=pack, assessment=picked.assessment, queue=queue)
        else:
            # Each submission gets a container of its own; --jobs of them wait, warm, for the next.
            # They share the host's CPUs (--cpus is each one's, when given).
            settings = _settings(backend, None, runtime, base_image, cpus or share_cpus(jobs))
            chosen = make_backend(settings, notice=_notice, spares=jobs)
            stack.enter_context(chosen)
            runner = Batch(out, challenges, chosen, view, pack=pack, assessment=picked.assessment)
        progress = _BatchProgress(out, stack)
        cohort = runner.run(found, jobs=jobs, resume=resume, on_row=progress.row, on_start=progress.start)

    def render_batch(fmt: str, target: Path | None) -> str:
        if fmt == "html":  # the page's links lead from where it is written to the batch folder
            prefix = os.path.relpath(out.resolve(), (target.parent if target else Path()).resolve())
            return render_leaderboard_html(cohort, prefix + "/")
        return BATCH_RENDERERS[fmt](cohort)

    graded = sum(1 for r in cohort.rows if r.graded)
    outputs.emit(reports, render_batch, f"{graded} of {counted(len(cohort.rows), 'submission')} graded")
    similarity = ", similarity.json, similarity.html" if cohort.similar_to is not None else ""
    click.echo(
        f"wrote {out}/leaderboard.html, leaderboard.csv, cohort.json{similarity} and submissions/", err=True
    )
    if github.active():
        github.write_summary(render_leaderboard_markdown(cohort))
    failed = any(not r.saved or r.result.outcome is Outcome.FAILED for r in cohort.rows)
    below = _below(cohort, min_score)
    sys.exit(3 if failed else 1 if below else 0)


def _below(cohort: Cohort, min_score: float | None) -> list[Row]:
    """The rows below ``--min-score``, named on stderr."""
    if min_score is None:
        return []
    below = [r for r in cohort.rows if r.result.percent < min_score]
    if below:
        names = ", ".join(f"{one_line(r.name, 80)} ({r.result.percent:.1f}%)" for r in below[:5])
        more = f" and {len(below) - 5} more" if len(below) > 5 else ""
        of = counted(len(cohort.rows), "submission")
        click.echo(f"grader: {len(below)} of {of} below --min-score {min_score:g}: {names}{more}", err=True)
    return below


def _compared(summary: ChallengeSummary, done: int, total: int) -> None:
    """One line per challenge compared, on a terminal (a large cohort takes tens of seconds)."""
    if sys.stderr.isatty():
        click.echo(
            f"[{done}/{total}] {summary.id}: {counted(summary.answers, 'answer')}, "
            f"{counted(summary.flagged_pairs, 'pair')} flagged, "
            f"{summary.flagged_references} too close to a known solution",
            err=True,
        )


@cli.command("similarity")
@click.argument("submissions", nargs=-1, required=True, type=click.Path(path_type=Path))
@challenge_ids_option
@outputs.report_options_for(SIMILARITY_FORMATS, audience=False)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=SIMILARITY_THRESHOLD,
    show_default=True,
    help="The similarity from which a pair can be flagged (it must also stand out from the cohort).",
)
@challenges_option
def similarity_cmd(
    submissions: tuple[Path, ...],
    ids: tuple[str, ...],
    report_specs: tuple[outputs.Report, ...],
    formats: tuple[str, ...],
    output_paths: tuple[Path, ...],
    threshold: float,
    challenges_dir: Path | None,
) -> None:
    """Find answers too alike to be independent, and answers too close to a known solution.

    SUBMISSIONS are as for batch: submission folders or archives, or folders of
    them. Each challenge's answers are compared pair by pair, and with the
    challenge's reference and good solutions (when the pack has them). A pair is
    flagged at --threshold or above when it also stands out from the cohort's
    own pairs. For reviewers only; nothing is graded and no score changes.
    Exit 0 when compared, 2 for bad input.
    """
    # Imported here: every other command (grader check above all) starts faster without it.
    from grader.similarity import compare, read_sources, render_html, render_json, render_text

    renderers = {"text": render_text, "json": render_json, "html": render_html}
    pack = _pack(challenges_dir)
    chosen = [c.id for c in select(pack, ids)] if ids else None
    reports = outputs.pair_reports(report_specs, formats, output_paths, SIMILARITY_FORMATS)
    found, skipped = find_submissions(submissions, pack)
    if not found:
        raise UsageError(f"no submission folders or archives in {', '.join(map(str, submissions))}")
    if skipped:
        click.echo(f"skipped {counted(len(skipped), 'file')} (not folders or archives)", err=True)
    sources, problems = read_sources(found, unique_names(found), chosen or list(pack))
    for problem in problems:
        click.echo(f"skipped {problem}", err=True)
    report = compare(sources, pack, challenge_ids=chosen, threshold=threshold, progress=_compared)
    summary = (
        f"{counted(len(sources), 'submission')} compared: {counted(len(report.flagged_pairs), 'pair')} "
        f"flagged, {counted(len(report.flagged_references), 'answer')} too close to a known solution"
    )
    outputs.emit(reports, lambda fmt, _: renderers[fmt](report), summary)


@cli.command("validate")
@challenge_ids_option
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Solutions graded at once.")
@challenges_option
@click.option(
    "--mutants",
    is_flag=True,
    help="Instead: measure the hidden tests' strength, as the share of the reference's mutants they kill.",
)
@click.option(
    "--bar",
    type=click.FloatRange(0, 1),
    help="With --mutants: the least mutation score each challenge must reach [default: 0.9].",
)
@format_option
def validate_cmd(
    ids: tuple[str, ...],
    jobs: int | None,
    challenges_dir: Path | None,
    mutants: bool,
    bar: float | None,
    fmt: str,
) -> None:
    """Prove each challenge's tests: the reference and known-good solutions score full
    marks, the starter and known-bad solutions do not. Exit 1 on any surprise.

    With --mutants, prove the hidden tests strong instead: each challenge's reference
    is mutated (a constraint, key, cascade or query step dropped, an order reversed,
    a limit off by one, a comparison changed...), every mutant runs against the hidden
    tests in the sandbox (two sessions; each run stops at its first failing test), and
    each challenge's mutation score (killed mutants
    over all but those its challenge.toml lists as equivalent) must reach --bar.
    Surviving mutants are shown as diffs. Exit 1 when a challenge is below the bar.
    """
    challenges = select(_pack(challenges_dir), ids)
    require_hidden(challenges)
    if bar is not None and not mutants:
        raise UsageError("--bar is the least mutation score: give it with --mutants")
    if mutants:
        from grader.mutants.cli import validate_mutants
        from grader.mutants.run import DEFAULT_BAR

        with make_backend("local", jobs) as backend:
            code = validate_mutants(challenges, backend, bar=bar or DEFAULT_BAR, fmt=fmt, notice=_notice)
        sys.exit(code)
    show = sys.stderr.isatty()

    def progress(check: Check) -> None:
        if show:
            click.echo(f"  {check.challenge}: {check.file}", err=True)

    with make_backend("local", jobs) as backend:
        checks = validate(challenges, backend, progress=progress)
    surprises = [c for c in checks if not c.ok]
    if fmt == "json":
        fields = ("challenge", "kind", "file", "expected", "ok", "problem")
        rows = [{f: getattr(c, f) for f in fields} | {"status": c.result and c.result.status} for c in checks]
        click.echo(json.dumps(rows, indent=2))
        sys.exit(1 if surprises else 0)
    widths = (max(len(c.challenge) for c in checks), max(len(c.file) for c in checks))
    for c in checks:
        got = f"{c.result.status} {c.result.score:g}/{c.result.max_score:g}" if c.result else "-"
        mark = click.style("ok", fg="green") if c.ok else click.style("SURPRISE", fg="red", bold=True)
        click.echo(
            f"{c.challenge.ljust(widths[0])}  {c.kind:<9}  {c.file.ljust(widths[1])}  "
            f"{got:<16}  {mark}" + (f"  {c.problem}" if c.problem else "")
        )
    click.echo(
        f"\n{len(checks) - len(surprises)} of {len(checks)} checks as expected "
        f"across {counted(len(challenges), 'challenge')}"
    )
    sys.exit(1 if surprises else 0)


@cli.command("new")
@click.argument("challenge_id", metavar="ID")
@click.option(
    "--pack",
    "pack",
    metavar="DIR",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="The pack folder to add the challenge to.",
)
def new_cmd(challenge_id: str, pack: Path) -> None:
    """Write a new challenge, ID, into a pack: a small complete example (statement, starter,
    public and hidden tests, reference, good and bad solutions) that grader validate already
    accepts, with TODOs where yours goes."""
    folder = new_challenge(pack, challenge_id)
    click.echo(f"wrote {folder}; change it step by step and run: grader validate --challenges {pack}")


@cli.group("pack")
def pack_group() -> None:
    """Private challenge packs: start one."""


@pack_group.command("init")
@click.argument("dest", metavar="DIR", type=click.Path(path_type=Path))
def pack_init(dest: Path) -> None:
    """Start a private challenge pack in DIR (new or empty), with a README on keeping it private."""
    for path in init_pack(dest):
        click.echo(f"wrote {path}")
    click.echo(f"next: grader new ID --pack {dest}")


@cli.group()
def sandbox() -> None:
    """Inspect and prepare where candidate code runs (Docker image, tiers)."""


@sandbox.command("status")
@base_image_option
def sandbox_status(base_image: str | None) -> None:
    """Say which isolation tiers this host offers and which one --backend auto picks."""
    found = tiers(base_image)
    chosen = next(t for t in found if t.available)
    for tier in found:
        mark = "yes" if tier.available else "no "
        click.echo(f"{tier.name + ' / ' + tier.isolation:<17} {mark}  {tier.detail}")
    click.echo(f"--backend auto uses: {chosen.name} ({chosen.isolation})")
    click.echo("limits, on every backend:")
    for name, value in SandboxLimits().rows():
        click.echo(f"  {name:<32} {value}")


@sandbox.command("build")
@base_image_option
@click.option("--force", is_flag=True, help="Rebuild even when the current image exists.")
def sandbox_build(base_image: str | None, force: bool) -> None:
    """Build the sandbox image (pinned wheels fetched on this host; no network inside the build).

    The tag is a hash of the harness, the pins and the base, so an unchanged tree
    reuses its image and any change builds a new one.
    """
    from sandbox.docker import DEFAULT_BASE_IMAGE, DockerUnavailable, build_image, connect

    try:
        client = connect()
        tag = build_image(client, base_image or DEFAULT_BASE_IMAGE, _notice, force=force)
    except DockerUnavailable as exc:
        raise BackendError(str(exc)) from None
    click.echo(tag)


@sandbox.command("clean")
def sandbox_clean() -> None:
    """Remove sandbox containers that an interrupted or crashed run left behind."""
    from sandbox.docker import DockerUnavailable, connect, sweep

    try:
        removed = sweep(connect())
    except DockerUnavailable as exc:
        raise BackendError(str(exc)) from None
    click.echo(f"removed {counted(removed, 'container')}")


# -- the review service (grader.service) -------------------------------------------------


def service_options(func: F) -> F:
    func = click.option(
        "--instance",
        metavar="DIR",
        envvar="GRADER_INSTANCE",
        help="The service's folder: its secret and, by default, its SQLite database "
        "[default: ./grader-instance; env: GRADER_INSTANCE].",
    )(func)
    return click.option(
        "--database",
        metavar="URL",
        envvar="GRADER_DATABASE_URL",
        help="SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/db [default: SQLite in the "
        "instance folder; env: GRADER_DATABASE_URL].",
    )(func)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@service_options
@challenges_option
@backend_options("Where the service's workers run candidate code (as for grade).")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="Gradings at once."
)
@cpus_option
@click.option(
    "--server",
    type=click.Choice(["auto", "gunicorn", "dev"]),
    default="auto",
    show_default=True,
    help="gunicorn (auto: when installed), or Werkzeug's development server (loopback only).",
)
@click.option(
    "--threads", type=click.IntRange(1, 256), default=8, show_default=True, help="Requests at once."
)
@click.option(
    "--trust-proxy", is_flag=True, envvar="GRADER_TRUST_PROXY", help="Behind a reverse proxy (TLS)."
)
@queue_option("Grade on the workers of this queue (grader worker) instead of in this process.")
def serve_cmd(
    host: str,
    port: int,
    instance: str | None,
    database: str | None,
    challenges_dir: Path | None,
    backend: str,
    runtime: str | None,
    base_image: str | None,
    workers: int,
    cpus: int | None,
    server: str,
    threads: int,
    trust_proxy: bool,
    queue_url: str | None,
) -> None:
    """Run the review service: assessments, invitations, grading, review and the API.

    Upgrades the database first and says so. Sign in with a user from `grader users add`.
    """
    from grader.service.config import Settings
    from grader.service.server import serve

    if queue_url:
        _celery().check_url(queue_url)  # installed, and a Redis URL: say so before starting
    settings = Settings.make(
        instance,
        database,
        challenges_dir=challenges_dir,
        backend=backend,
        runtime=runtime,
        base_image=base_image,
        workers=workers,
        cpus=cpus,
        trust_proxy=trust_proxy,
        queue_url=queue_url,
    )
    serve(settings, host, port, server, threads, _notice)


@cli.command("worker")
@queue_option("The queue to take gradings from.", required=True)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=lambda: os.cpu_count() or 1,
    show_default="the number of CPUs",
    help="Gradings at once (one process each).",
)
@click.option("--name", metavar="NAME", help="This worker's name [default: grader@HOSTNAME].")
@click.option(
    "--retry-delay",
    type=click.FloatRange(0, 3600),
    default=5.0,
    show_default=True,
    help="Seconds before retrying an infrastructure failure; doubled each time.",
)
@backend_options("Where this worker runs candidate code (as for grade).")
@cpus_option
@challenges_option
def worker_cmd(
    queue_url: str,
    concurrency: int,
    name: str | None,
    retry_delay: float,
    backend: str,
    runtime: str | None,
    base_image: str | None,
    cpus: int | None,
    challenges_dir: Path | None,
) -> None:
    """Grade the submissions producers put on the queue (grader serve --queue, grader batch --queue).

    Each process grades one submission at a time in its own sandbox. Every worker of a
    queue needs the same grader version and challenge pack as its producers (both are
    part of each job's identity). SIGTERM finishes the gradings in hand, then stops;
    if the worker dies instead, its gradings are delivered again to another.
    """
    celery = _celery()
    pack = _pack(challenges_dir)
    require_hidden(list(pack.values()))  # a public-only pack cannot grade: say so now, not per job
    # Its processes share the host's CPUs, as a batch's sandboxes do (--cpus is each one's).
    settings = _settings(backend, None, runtime, base_image, cpus or share_cpus(concurrency))
    celery.CeleryQueue(queue_url, pack).ping()
    with make_backend(settings, notice=_notice) as chosen:  # fail now, and build the image once
        label = f"{chosen.name} ({chosen.isolation})"
    _notice(f"worker: grading with {label}, {concurrency} process(es), from {celery.redacted(queue_url)}")
    config = celery.WorkerConfig(queue_url, pack, settings, name or "", concurrency, retry_delay, label)
    celery.run_worker(config)


@cli.command("workers")
@queue_option("The queue to look at.", required=True)
@format_option
def workers_cmd(queue_url: str, fmt: str) -> None:
    """Show the workers of a queue (from their heartbeats), its depth and what is being graded."""
    celery = _celery()
    status = celery.read_status(queue_url)
    shown = json.dumps(celery.status_json(status), indent=2) if fmt == "json" else celery.status_text(status)
    click.echo(shown)


@cli.group("users")
def users_group() -> None:
    """Accounts of the review service."""


@users_group.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "reviewer"]), default="reviewer", show_default=True)
@click.option("--name", default="", help="Shown beside comments and overrides.")
@service_options
def users_add(email: str, role: str, name: str, instance: str | None, database: str | None) -> None:
    """Add a user; the password is read from stdin when it is not a terminal, else asked twice."""
    from grader.service.commands import add_user
    from grader.service.config import Settings

    if sys.stdin.isatty():
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        # Bytes that are not UTF-8 come through as surrogates, which add_user refuses in one line.
        password = sys.stdin.buffer.readline().decode("utf-8", "surrogateescape").rstrip("\r\n")
    click.echo(add_user(Settings.make(instance, database), email, password, role, name))


@cli.group("tokens")
def tokens_group() -> None:
    """API tokens of the review service (for CI)."""


@tokens_group.command("add")
@click.argument("name")
@click.option(
    "--audience",
    type=click.Choice(["candidate", "reviewer"]),
    default="candidate",
    show_default=True,
    help="What the token's API answers show of a result: the candidate's view (no hidden "
    "test's text, for a pipeline whose logs a candidate can read) or the reviewer's (for your "
    "own CI only).",
)
@service_options
def tokens_add(name: str, audience: str, instance: str | None, database: str | None) -> None:
    """Make an API token and print it once (only its hash is stored)."""
    from grader.service.commands import add_token
    from grader.service.config import Settings

    click.echo(add_token(Settings.make(instance, database), name, audience))
    click.echo("store it now: it is not shown again (use it as Authorization: Bearer TOKEN)", err=True)


def main() -> None:
    """Console entry point."""
    cli(prog_name="grader")
