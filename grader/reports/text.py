"""Terminal reports: ``render_grade`` for reviewers, ``render_check`` for candidates.

Colour comes from ``click.style``; ``click.echo`` strips it when the output is
not a terminal. Text from a submission reaches the terminal with no escape
sequence or control character left in it (see ``grader.sanitize``), a field
that is one line shown on one line and a message indented under its test, so
nothing a candidate wrote can move the cursor, erase a line or stand where
the report's own lines stand.
"""

from __future__ import annotations

import click

from grader.reports.common import CANDIDATE_NOTE, FLAGS_NOTE, flags_of, from_clean_text, shown_failures
from grader.reports.common import points as _points
from grader.results import ChallengeResult, GradeResult, TestResult
from grader.sanitize import one_line

_COLOURS = {
    "passed": "green",
    "failed": "red",
    "error": "magenta",
    "timeout": "yellow",
    "missing": "bright_black",
    "skipped": "yellow",
}
_ISOLATION = {
    "rlimits": "rlimits only: no file isolation, weaker than bwrap or Docker; see README 'Security model'",
}


def _status(status: str, width: int = 7) -> str:
    return click.style(status.upper().ljust(width), fg=_COLOURS.get(status), bold=True)


MAX_LINE = 500  # characters of one line of a message or of printed output


def _indent(text: str, prefix: str, max_lines: int = 8) -> list[str]:
    lines = text.rstrip().splitlines()
    shown = [
        prefix + (line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…") for line in lines[:max_lines]
    ]
    if len(lines) > max_lines:
        shown.append(prefix + f"[... {len(lines) - max_lines} more lines]")
    return shown


def threshold_verdict(result: GradeResult, min_score: float) -> tuple[bool, str]:
    """Whether ``result`` meets ``--min-score``, and that said in a few words."""
    met = result.percent >= min_score
    return met, f"{'meets' if met else 'below'} --min-score {min_score:g}"


@from_clean_text
def render_grade(result: GradeResult, min_score: float | None = None) -> str:
    """The grading report: every challenge, and every test that did not pass, with its message
    (as much of it as the result's audience may see). Given ``min_score``, the summary line
    gives the threshold's verdict, the one the exit code follows."""
    isolation = _ISOLATION.get(result.isolation, result.isolation)
    out = [
        click.style(f"Submission {one_line(result.submission, 1_000)}", bold=True),
        f"graded on the {one_line(result.backend)} backend ({one_line(isolation)})",
        "",
    ]
    if result.error:
        out.extend([f"  {_status('error')} could not be graded: {one_line(result.error, 1_000)}", ""])
    width = max((len(c.id) for c in result.challenges), default=10)
    for challenge in result.challenges:
        score = _points(challenge.score, challenge.max_score).rjust(7)
        out.append(
            f"  {_status(str(challenge.status))} {challenge.id.ljust(width)}  {score}  "
            f"{one_line(challenge.message)}".rstrip()
        )
        flag = click.style("flag:", fg="yellow", bold=True)
        out.extend(f"      {flag} {f}" for f in flags_of(challenge, result.audience))
        out.extend(_challenge_details(challenge, candidate=False))
    out.append("")
    out.extend(f"note: {one_line(n)}" for n in result.notes)
    if any(flags_of(c, result.audience) for c in result.challenges):
        out.append(f"flags: {FLAGS_NOTE}")
    if result.audience == "candidate":
        out.append(CANDIDATE_NOTE)
    # The score is the last line, so that no candidate text (a long note wrapping at the
    # terminal's width) can stand below it looking like one.
    if min_score is None:
        verdict = f"status {_status(str(result.status), 0)}"
    else:
        met, words = threshold_verdict(result, min_score)
        verdict = f"{words}: {_status('passed' if met else 'failed', 0)}"
    out.append(
        click.style(f"Score {_points(result.score, result.max_score)} ({result.percent:.1f}%)", bold=True)
        + f"  {verdict}  in {result.duration:.1f} s"
    )
    return "\n".join(out) + "\n"


def _challenge_details(challenge: ChallengeResult, *, candidate: bool) -> list[str]:
    lines = [f"      note: {one_line(n)}" for n in challenge.notes]
    for test in shown_failures(challenge):
        lines.extend(_test_lines(challenge, test, candidate=candidate))
    return lines


def _test_lines(challenge: ChallengeResult, test: TestResult, *, candidate: bool) -> list[str]:
    label = f"{one_line(test.name)} ({test.visibility})" if not candidate else one_line(test.name)
    lines = [f"      {_status(str(test.status))} {label}"]
    if test.rubric:
        lines.append(f"          checks: {one_line(test.rubric)}")
    if test.message and test.message != challenge.message:
        lines.extend(_indent(test.message, "          ", 6))
    if test.line is not None:
        lines.append(f"          at {challenge.id}/solution.py, line {test.line}")
    return lines


@from_clean_text
def render_check(result: GradeResult) -> str:
    """The candidate's report from ``grader check``: public tests only, friendly, no noise."""
    out: list[str] = []
    for challenge in result.challenges:
        failing = [t for t in challenge.tests if t.status != "passed"]
        total = len(challenge.tests)
        if challenge.status == "passed":
            out.append(f"{_status('passed')} {challenge.id}: all {total} public tests pass")
            continue
        if challenge.status == "missing":
            out.append(f"{_status('missing')} {challenge.id}: no {challenge.id}/solution.py yet")
            continue
        head = (
            one_line(challenge.message)
            if challenge.status != "failed"
            else (f"{len(failing)} of {total} public tests did not pass")
        )
        out.append(f"{_status(str(challenge.status))} {challenge.id}: {head}")
        for note in challenge.notes:
            out.append(f"      note: {one_line(note)}")
        if challenge.status in ("failed", "timeout") or challenge.message.startswith(
            "solution.py does not define"
        ):
            for test in failing:
                out.extend(_test_lines(challenge, test, candidate=True))
                if test.output.strip():
                    out.append("          your code printed:")
                    out.extend(_indent(test.output, "            ", 6))
    passed = sum(1 for c in result.challenges if c.status == "passed")
    out.append("")
    if len(result.challenges) == 1:
        (only,) = result.challenges
        tally = f"{only.id} {'passes' if passed else 'does not pass'} its public tests."
    else:
        tally = f"{passed} of {len(result.challenges)} challenges pass their public tests."
    out.append(
        f"{tally} "
        'Hidden tests check the rest of each statement\'s "What is checked".'
    )
    return "\n".join(out) + "\n"
