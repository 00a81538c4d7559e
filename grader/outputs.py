"""Where reports go: ``--format``/``--output`` pairs, files, standard output, ``--audience``.

Click keeps each option's values apart, so ``ReportsCommand`` records the
order in which ``--format`` and ``--output`` were given: each ``--output`` is
for the ``--format`` just before it.
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


def report_options(func: F) -> F:
    """``--format`` and ``--output`` (repeatable: each output is for the format before it), ``--audience``."""
    func = click.option(
        "--audience",
        type=click.Choice(AUDIENCES),
        help=(
            "Who reads the reports: reviewer sees everything; candidate sees hidden tests' rubric "
            "line and status only. Default: candidate when CI is set, else reviewer."
        ),
    )(func)
    func = click.option(
        "--output",
        "-o",
        "output_paths",
        multiple=True,
        metavar="PATH",
        type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
        help="Write the --format given before it to PATH (repeatable; - is standard output).",
    )(func)
    return click.option(
        "--format",
        "formats",
        multiple=True,
        type=click.Choice(FORMATS),
        help="Report format (repeatable, each with its own --output). Default: text.",
    )(func)


def report_tokens(args: Sequence[str]) -> list[tuple[str, str]]:
    """The ``--format`` and ``--output`` values on a command line, in the order given."""
    long_names = {"--format": "format", "--output": "output"}
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(args) and args[i] != "--":
        arg = args[i]
        name, eq, value = arg.partition("=")
        if name in long_names and eq:
            found.append((long_names[name], value))
        elif arg in long_names or arg == "-o":
            if i + 1 < len(args):
                found.append((long_names.get(arg, "output"), args[i + 1]))
                i += 1
        elif arg.startswith("-o") and not arg.startswith("--"):
            found.append(("output", arg[2:]))
        i += 1
    return found


class ReportsCommand(click.Command):
    """Keeps the order of ``--format`` and ``--output`` (click keeps each option's values apart)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["grader.report_tokens"] = report_tokens(args)
        return super().parse_args(ctx, args)


def pair_reports(
    tokens: Sequence[tuple[str, str]], formats: Sequence[str], outputs: Sequence[Path]
) -> list[tuple[str, Path | None]]:
    """Each format with where it goes (``None`` for standard output).

    With one format, one ``--output`` anywhere is its file. With several, each
    ``--output`` belongs to the ``--format`` just before it; at most one format
    may go to standard output.
    """
    chosen = list(formats) or ["text"]
    if len(chosen) == 1:
        if len(outputs) > 1:
            raise UsageError("one --output per --format: give another --format for each extra --output")
        target = outputs[0] if outputs else None
        return [(chosen[0], None if target is None or str(target) == "-" else target)]
    kinds = [kind for kind, _ in tokens]
    if (kinds.count("format"), kinds.count("output")) != (len(chosen), len(outputs)):
        # The order could not be read from the command line: pair them in the order given.
        if len(outputs) > len(chosen):
            raise UsageError("one --output per --format: give another --format for each extra --output")
        tokens = [
            t for f, o in zip(chosen, outputs, strict=False) for t in (("format", f), ("output", str(o)))
        ]
        tokens += [("format", f) for f in chosen[len(outputs) :]]
    pairs: list[tuple[str, Path | None]] = []
    fmt_values, out_values = iter(chosen), iter(outputs)
    for kind, _ in tokens:
        if kind == "format":
            pairs.append((next(fmt_values), None))
        elif not pairs:
            raise UsageError("--output must follow the --format it is for")
        elif pairs[-1][1] is not None:
            raise UsageError(f"two --output for --format {pairs[-1][0]}: give one each")
        else:
            target = next(out_values)
            pairs[-1] = (pairs[-1][0], None if str(target) == "-" else target)
    to_stdout = [fmt for fmt, target in pairs if target is None]
    if len(to_stdout) > 1:
        raise UsageError(
            f"only one format can go to standard output, not {', '.join(to_stdout)}: "
            "give the others an --output"
        )
    return pairs


def reports_of(
    ctx: click.Context, formats: Sequence[str], outputs: Sequence[Path]
) -> list[tuple[str, Path | None]]:
    """The reports a command was asked for, from its parsed options and their order."""
    return pair_reports(ctx.meta.get("grader.report_tokens", []), formats, outputs)


def write_report(path: Path, content: str) -> None:
    """Write ``content`` without terminal colours to ``path``, making its folder; a usage error if not."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    write_atomically(path, click.unstyle(content))  # never an empty or half-written report


def emit(
    reports: Sequence[tuple[str, Path | None]], render_one: Callable[[str, Path | None], str], summary: str
) -> None:
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
