"""Where reports go: ``--report FORMAT[=PATH]``, ``--format``/``--output``, ``--audience``.

``--report`` says both at once and repeats (``--report text --report junit=junit.xml``);
``PATH`` ``-`` is standard output. ``--format`` and ``--output`` also work: one
format and one output go together; otherwise each output goes with the format
its extension names (``.json``, ``.xml`` for JUnit, ``.md``, ``.html``, ``.txt``,
or the format's own name: ``report.junit``), and an output with no ``--format``
at all takes the format of its extension. At most one report goes to standard
output. Click parses every option; nothing here reads the command line again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from grader import github
from grader.audience import AUDIENCES
from grader.batch import write_atomically
from grader.errors import UsageError
from grader.reports import FORMATS

F = TypeVar("F", bound=Callable[..., Any])

MACHINE_FORMATS = {"json", "junit", "html", "gradescope"}  # nothing else may share stdout with these
# A file's extension names its format; so does the format's own name (report.junit).
EXTENSIONS = {".json": "json", ".xml": "junit", ".md": "markdown", ".html": "html", ".htm": "html",
              ".txt": "text"} | {f".{fmt}": fmt for fmt in FORMATS}  # fmt: skip
Report = tuple[str, Path | None]  # a format, and its file (None: standard output)


def report_options(func: F) -> F:
    """``--report``, ``--format``, ``--output`` (all repeatable) and ``--audience``."""
    return report_options_for(FORMATS)(func)


def report_options_for(choices: Sequence[str], *, audience: bool = True) -> Callable[[F], F]:
    """The report options of a command whose reports are ``choices`` (and ``--audience``
    unless told otherwise)."""

    def parse(_ctx: click.Context, _param: click.Parameter, values: Sequence[str]) -> tuple[Report, ...]:
        reports = []
        for value in values:
            fmt, eq, path = value.partition("=")
            if fmt not in choices:
                raise click.BadParameter(f"{fmt!r} is not a format; choose from {', '.join(choices)}")
            if eq and not path:
                raise click.BadParameter(f"{value!r} names no file; give {fmt}=PATH, or just {fmt}")
            reports.append((fmt, None if not eq or path == "-" else Path(path)))
        return tuple(reports)

    def decorate(func: F) -> F:
        if audience:
            func = click.option(
                "--audience",
                type=click.Choice(AUDIENCES),
                help=(
                    "Who reads the reports: reviewer sees everything; candidate sees hidden tests' "
                    "rubric line and status only. Default: candidate when CI is set, else reviewer."
                ),
            )(func)
        func = click.option(
            "--output",
            "-o",
            "output_paths",
            multiple=True,
            metavar="PATH",
            type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
            help="Write a report to PATH (repeatable): the --format its extension names "
            "(.json .xml .md .html .txt), or the only --format given.",
        )(func)
        func = click.option(
            "--format",
            "formats",
            multiple=True,
            type=click.Choice(choices),
            help="Report format (repeatable). Default: text.",
        )(func)
        return click.option(
            "--report",
            "report_specs",
            multiple=True,
            metavar="FORMAT[=PATH]",
            callback=parse,
            help=f"A report and where it goes, repeatable: {', '.join(choices)}; PATH - or none is "
            "standard output. E.g. --report text --report json=out.json.",
        )(func)

    return decorate


def pair_reports(
    reports: Sequence[Report],
    formats: Sequence[str],
    outputs: Sequence[Path],
    choices: Sequence[str] = FORMATS,
) -> list[Report]:
    """Every report asked for (of ``choices``), each with where it goes (``None`` for
    standard output)."""
    pairs = list(reports)
    chosen = list(formats)
    if len(chosen) == 1 and len(outputs) == 1:
        pairs.append((chosen[0], outputs[0]))
    else:
        left = list(chosen)
        for target in outputs:
            if str(target) == "-":
                continue  # standard output: where the formats left over go anyway
            fmt = _format_of(target, left if chosen else choices, given=bool(chosen))
            if chosen:
                left.remove(fmt)
            pairs.append((fmt, target))
        pairs += [(fmt, None) for fmt in left]
    if not pairs:
        pairs = [("text", None)]
    pairs = [(fmt, None if target is not None and str(target) == "-" else target) for fmt, target in pairs]
    to_stdout = [fmt for fmt, target in pairs if target is None]
    if len(to_stdout) > 1:
        raise UsageError(
            f"only one report can go to standard output, not {', '.join(to_stdout)}: "
            "give the others a file (--report FORMAT=PATH)"
        )
    return pairs


def _format_of(target: Path, formats: Sequence[str], *, given: bool) -> str:
    """The format an ``--output`` is for: the one its extension names among ``formats``
    (the ``--format`` values left, or every format the command writes when none was given)."""
    fmt = EXTENSIONS.get(target.suffix.lower())
    if fmt == "json" and "json" not in formats and "gradescope" in formats:
        fmt = "gradescope"
    if fmt is None or fmt not in formats:
        hint = f"--report FORMAT={target}"
        if not given:
            raise UsageError(f"cannot tell the format of {target} from its extension: give {hint}")
        raise UsageError(f"no --format left for {target} (its extension names {fmt or 'none'}): give {hint}")
    return fmt


def write_report(path: Path, content: str) -> None:
    """Write ``content`` without terminal colours to ``path``, making its folder; a usage error if not."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    write_atomically(path, click.unstyle(content))  # never an empty or half-written report


def emit(reports: Sequence[Report], render_one: Callable[[str, Path | None], str], summary: str) -> None:
    """Write each report to its file, or standard output; say on stderr what was written."""
    in_github = github.active()
    written = []
    for fmt, target in reports:
        content = render_one(fmt, target)
        if target is None:
            with github.commands_stopped(in_github):
                click.echo(content, nl=False)
        else:
            write_report(target, content)
            written.append(str(target))
    if written:
        click.echo(f"wrote {', '.join(written)}: {summary}", err=True)
