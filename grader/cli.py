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
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

import click

from grader import __version__, github, outputs
from grader.assessment import Assessment, load_assessment
from grader.audience import Audience, default_audience, for_audience
from grader.backends import BackendSettings, make_backend, tiers
from grader.batch import Batch, find_submissions, unique_names
from grader.challenges import Challenge, load_pack, pack_dir, require_hidden, select
from grader.cohort import Cohort, Row
from grader.errors import BackendError, GraderError, UsageError
from grader.grading import grade
from grader.kit import make_kit
from grader.reports import render, render_check
from grader.reports.leaderboard import (
    render_batch_json,
    render_batch_junit,
    render_leaderboard_html,
    render_leaderboard_markdown,
    render_leaderboard_text,
)
from grader.results import ChallengeResult, GradeResult, Outcome, RunStatus
from grader.sanitize import exception_line, file_name, one_line
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


class _Group(click.Group):
    """Turns the grader's own errors into one line on stderr and their exit code, and any other
    crash into one line and exit 3: never 1, which says "below --min-score"."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GraderError as exc:
            click.echo(f"grader: error: {one_line(exc.message, 2_000)}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # the outermost boundary: a bug must not read as a verdict
            if os.environ.get("GRADER_DEBUG"):
                traceback.print_exc()
            why = exception_line(exc)
            click.echo(
                f"grader: internal error: {why} (a bug in grader; GRADER_DEBUG=1 shows where)", err=True
            )
            ctx.exit(3)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grader")
def cli() -> None:
    """Grade Flask-SQLAlchemy challenge submissions with hidden pytest checks.

    \b
    Hiring teams:  grader kit DEST, then grader grade SUBMISSION
    Candidates:    grader check (inside your kit folder)
    Authors:       grader validate (prove a challenge's tests are right)
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
    click.echo(c.statement_path.read_text(encoding="utf-8").rstrip())


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
    challenges_dir: Path | None, ids: tuple[str, ...], assessment_spec: str | None
) -> tuple[list[Challenge], Assessment | None]:
    pack = _pack(challenges_dir)
    if assessment_spec is None:
        return select(pack, ids), None
    if ids:
        raise UsageError("give --assessment or --challenge, not both")
    assessment = load_assessment(assessment_spec)
    return assessment.challenges(pack), assessment


@cli.command()
@click.argument("dest", type=click.Path(path_type=Path))
@challenge_ids_option
@assessment_option
@challenges_option
def kit(dest: Path, ids: tuple[str, ...], assessment_spec: str | None, challenges_dir: Path | None) -> None:
    """Write a candidate workspace to DEST: statements, starters, public tests.

    No hidden test, reference or known-bad solution is ever copied.
    """
    challenges, assessment = _chosen(challenges_dir, ids, assessment_spec)
    make_kit(dest, challenges, assessment)
    click.echo(f"wrote a kit with {len(challenges)} challenge(s) to {dest}")
    click.echo(f"candidates run `grader check` inside {dest} to test their work")


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
    with make_backend(_settings("local", None, None, None, cpus)) as backend:
        backend.prestart()  # the sandbox imports its stack while the rest is read
        result = _check(workspace, ids, challenges_dir, backend)
    click.echo(render_check(result), nl=False)
    sys.exit(0 if result.status is RunStatus.PASSED else 1)


def _check(
    workspace: Path, ids: tuple[str, ...], challenges_dir: Path | None, backend: Backend
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
    return grade(str(workspace), challenges, backend, visibilities=("public",))


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
@click.option(
    "--min-score",
    type=click.FloatRange(0, 100),
    metavar="PERCENT",
    help="Exit 1 when the score is below this percentage.",
)
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

    Challenges without a folder in the submission are reported as missing,
    unless --challenge names the ones to grade. Reports: --format text (the
    default), json, junit, markdown, html or gradescope, each to standard
    output or to the --output after it. Under GitHub Actions the Markdown
    summary also goes to the job summary, and failing public tests become
    annotations on the candidate's file. Exit 0 when graded, 1 when
    --min-score is not met, 2 for bad input, 3 when grading itself failed.
    """
    challenges, assessment = _chosen(challenges_dir, ids, assessment_spec)
    require_hidden(challenges)
    reports = outputs.pair_reports(report_specs, formats, output_paths)
    check_submission_path(submission)  # bad input fails before any image is built
    with make_backend(_settings(backend, jobs, runtime, base_image, cpus), notice=_notice) as chosen:
        result = grade(
            str(submission), challenges, chosen, progress=_progress(len(challenges)), assessment=assessment
        )
    view = for_audience(result, audience or default_audience(), challenges)
    outputs.emit(
        reports,
        lambda fmt, _: render(fmt, view),
        f"score {result.score:g}/{result.max_score:g} ({result.percent:.1f}%), {result.status}",
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
        return 1
    return 0


BATCH_RENDERERS: dict[str, Callable[[Cohort], str]] = {
    "text": render_leaderboard_text,
    "json": render_batch_json,
    "junit": render_batch_junit,
    "markdown": render_leaderboard_markdown,
}


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
            click.echo(
                f"resuming: {reused} submission(s) already graded in {self.out}, {todo} to grade", err=True
            )
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
    """SIGTERM (a cancelled CI job, ``timeout``) stops a batch the way Ctrl-C does."""

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
@backend_options("Where candidate code runs (as for grade).")
@cpus_option
@outputs.report_options
@challenges_option
def batch_cmd(
    submissions: tuple[Path, ...],
    out: Path,
    jobs: int,
    resume: bool,
    ids: tuple[str, ...],
    backend: str,
    runtime: str | None,
    base_image: str | None,
    cpus: int | None,
    report_specs: tuple[outputs.Report, ...],
    formats: tuple[str, ...],
    output_paths: tuple[Path, ...],
    audience: Audience | None,
    challenges_dir: Path | None,
) -> None:
    """Grade many SUBMISSIONS at once: each a submission folder or archive, or a folder of them.

    Writes each submission's JSON and HTML report into --out as it completes,
    then leaderboard.csv, leaderboard.html and cohort.json (pass rates per
    challenge and per test), and for reviewers similarity.json and
    similarity.html (see grader similarity). Standard output gets the
    leaderboard (--format text, json, junit, markdown or html). An interrupted
    batch goes on with --resume. Exit 0 when every submission has a row, 2 for
    bad input, 3 when grading itself failed for some submission, 130 when
    interrupted.
    """
    pack = _pack(challenges_dir)
    challenges = select(pack, ids)
    require_hidden(challenges)
    reports = outputs.pair_reports(report_specs, formats, output_paths)
    if any(fmt == "gradescope" for fmt, _ in reports):
        raise UsageError("gradescope results are per submission: use grader grade --format gradescope")
    found, skipped = find_submissions(submissions, pack, exclude=out)
    if not found:
        raise UsageError(f"no submission folders or archives in {', '.join(map(str, submissions))}")
    if skipped:
        names = ", ".join(file_name(p.name) for p in skipped[:5]) + (", ..." if len(skipped) > 5 else "")
        click.echo(f"skipped {len(skipped)} file(s) that are not folders or archives: {names}", err=True)
    # Each submission gets a container of its own; --jobs of them wait, warm, for the next.
    # They share the host's CPUs (--cpus is each one's, when given).
    settings = _settings(backend, None, runtime, base_image, cpus or share_cpus(jobs))
    chosen = make_backend(settings, notice=_notice, spares=jobs)
    runner = Batch(out, challenges, chosen, audience or default_audience(), pack=pack)
    with ExitStack() as stack, _sigterm_interrupts():
        stack.enter_context(chosen)
        progress = _BatchProgress(out, stack)
        cohort = runner.run(found, jobs=jobs, resume=resume, on_row=progress.row, on_start=progress.start)

    def render_batch(fmt: str, target: Path | None) -> str:
        if fmt == "html":  # the page's links lead from where it is written to the batch folder
            prefix = os.path.relpath(out.resolve(), (target.parent if target else Path()).resolve())
            return render_leaderboard_html(cohort, prefix + "/")
        return BATCH_RENDERERS[fmt](cohort)

    graded = sum(1 for r in cohort.rows if r.graded)
    outputs.emit(reports, render_batch, f"{graded} of {len(cohort.rows)} submission(s) graded")
    similarity = ", similarity.json, similarity.html" if cohort.similar_to is not None else ""
    click.echo(
        f"wrote {out}/leaderboard.html, leaderboard.csv, cohort.json{similarity} and submissions/", err=True
    )
    if github.active():
        github.write_summary(render_leaderboard_markdown(cohort))
    failed = any(not r.saved or r.result.outcome is Outcome.FAILED for r in cohort.rows)
    sys.exit(3 if failed else 0)


def _compared(summary: ChallengeSummary, done: int, total: int) -> None:
    """One line per challenge compared, on a terminal (a large cohort takes tens of seconds)."""
    if sys.stderr.isatty():
        click.echo(
            f"[{done}/{total}] {summary.id}: {summary.answers} answer(s), {summary.flagged_pairs} pair(s) "
            f"flagged, {summary.flagged_references} too close to a known solution",
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
        click.echo(f"skipped {len(skipped)} file(s) that are not folders or archives", err=True)
    sources, problems = read_sources(found, unique_names(found), chosen or list(pack))
    for problem in problems:
        click.echo(f"skipped {problem}", err=True)
    report = compare(sources, pack, challenge_ids=chosen, threshold=threshold, progress=_compared)
    summary = (
        f"{len(sources)} submission(s) compared: {len(report.flagged_pairs)} pair(s) flagged, "
        f"{len(report.flagged_references)} answer(s) too close to a known solution"
    )
    outputs.emit(reports, lambda fmt, _: renderers[fmt](report), summary)


@cli.command("validate")
@challenge_ids_option
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Solutions graded at once.")
@challenges_option
def validate_cmd(ids: tuple[str, ...], jobs: int | None, challenges_dir: Path | None) -> None:
    """Prove each challenge's tests: the reference and known-good solutions score full
    marks, the starter and known-bad solutions do not. Exit 1 on any surprise."""
    challenges = select(_pack(challenges_dir), ids)
    require_hidden(challenges)
    show = sys.stderr.isatty()

    def progress(check: Check) -> None:
        if show:
            click.echo(f"  {check.challenge}: {check.file}", err=True)

    with make_backend("local", jobs) as backend:
        checks = validate(challenges, backend, progress=progress)
    widths = (max(len(c.challenge) for c in checks), max(len(c.file) for c in checks))
    for c in checks:
        got = f"{c.result.status} {c.result.score:g}/{c.result.max_score:g}" if c.result else "-"
        mark = click.style("ok", fg="green") if c.ok else click.style("SURPRISE", fg="red", bold=True)
        click.echo(
            f"{c.challenge.ljust(widths[0])}  {c.kind:<9}  {c.file.ljust(widths[1])}  "
            f"{got:<16}  {mark}" + (f"  {c.problem}" if c.problem else "")
        )
    surprises = [c for c in checks if not c.ok]
    click.echo(
        f"\n{len(checks) - len(surprises)} of {len(checks)} checks as expected "
        f"across {len(challenges)} challenge(s)"
    )
    sys.exit(1 if surprises else 0)


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
    click.echo(f"removed {removed} container(s)")


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
) -> None:
    """Run the review service: assessments, invitations, grading, review and the API.

    Upgrades the database first and says so. Sign in with a user from `grader users add`.
    """
    from grader.service.config import Settings
    from grader.service.server import serve

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
    )
    serve(settings, host, port, server, threads, _notice)


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
        password = sys.stdin.readline().rstrip("\r\n")
    click.echo(add_user(Settings.make(instance, database), email, password, role, name))


@cli.group("tokens")
def tokens_group() -> None:
    """API tokens of the review service (for CI)."""


@tokens_group.command("add")
@click.argument("name")
@service_options
def tokens_add(name: str, instance: str | None, database: str | None) -> None:
    """Make an API token and print it once (only its hash is stored)."""
    from grader.service.commands import add_token
    from grader.service.config import Settings

    click.echo(add_token(Settings.make(instance, database), name))
    click.echo("store it now: it is not shown again (use it as Authorization: Bearer TOKEN)", err=True)


def main() -> None:
    """Console entry point."""
    cli(prog_name="grader")
