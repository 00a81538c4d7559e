"""A Markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

A table of challenges with a bar each, then what did not pass, folded in
``<details>``. Every text that came from a submission is escaped (GitHub
renders HTML inside Markdown: a message must not become an image fetch) or
fenced; what did not pass is cut to keep the whole under a pull-request comment's
65,536 characters.
"""

from __future__ import annotations

import html
import re

from grader.reports.common import (
    CANDIDATE_NOTE,
    FLAGS_NOTE,
    flags_of,
    percent,
    points,
    shown_failures,
    verdict,
    xml_safe,
)
from grader.results import ChallengeResult, GradeResult, TestResult

MAX_CHARS = 60_000
_ICONS = {
    "passed": "✅",
    "failed": "❌",
    "error": "⚠️",
    "timeout": "⏱️",
    "missing": "⬜",
    "skipped": "⏭️",
}


def inline(text: str) -> str:
    """``text`` safe inside a table cell or a line: one line, HTML and table pipes escaped."""
    flat = " ".join(xml_safe(text).split())
    return html.escape(flat, quote=False).replace("|", "\\|").replace("`", "\\`")


def fenced(text: str, max_lines: int = 15) -> list[str]:
    """``text`` as a fenced block (a fence longer than any backtick run inside), capped in lines."""
    lines = xml_safe(text).rstrip().splitlines()
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], f"[... {len(lines) - max_lines} more lines]"]
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *lines, fence]


def bar(score: float, max_score: float, width: int = 10) -> str:
    """A text bar such as ``███████░░░ 70%``."""
    share = percent(score, max_score)
    full = round(share / 100 * width)
    return f"`{'█' * full}{'░' * (width - full)}` {share:.0f}%"


def icon(status: str) -> str:
    return _ICONS.get(status, "")


def _test_item(challenge: ChallengeResult, test: TestResult) -> list[str]:
    head = f"- {icon(str(test.status))} **{test.status}** `{inline(test.name)}` ({test.visibility})"
    if test.rubric:
        head += f": {inline(test.rubric)}"
    lines = [head]
    if test.message.strip():
        lines.extend("  " + line for line in fenced(test.message))
    elif not test.rubric:
        lines.append(f"  {inline(verdict(test))}")
    if test.line is not None:
        lines.append(f"  at `{inline(challenge.id)}/solution.py`, line {test.line}")
    if test.output.strip():
        lines.append("  printed:")
        lines.extend("  " + line for line in fenced(test.output, 8))
    return lines


def _failures(challenge: ChallengeResult) -> list[str]:
    failing = shown_failures(challenge)
    if not failing and not challenge.notes:
        return []
    summary = f"<b>{html.escape(challenge.id)}</b>: {inline(challenge.message or str(challenge.status))}"
    lines = ["<details>", f"<summary>{summary}</summary>", ""]
    lines.extend(f"- note: {inline(n)}" for n in challenge.notes)
    for test in failing:
        lines.extend(_test_item(challenge, test))
    return [*lines, "", "</details>", ""]


def _flags(result: GradeResult, per_challenge: int = 10) -> list[str]:
    """The static scan's flags for reviewers, in code spans (no Markdown inside them takes effect)."""
    lines: list[str] = []
    for c in result.challenges:
        flags = flags_of(c, result.audience)
        lines.extend(f"- `{inline(c.id)}` `{_literal(f)}`" for f in flags[:per_challenge])
        if len(flags) > per_challenge:
            lines.append(
                f"- `{inline(c.id)}` and {len(flags) - per_challenge} more: the JSON report lists them all"
            )
    return ["### Flags", "", f"_Flags are {FLAGS_NOTE}._", "", *lines, ""] if lines else []


def _literal(text: str) -> str:
    """``text`` as the inside of a code span: one line, no backtick to end the span early."""
    return " ".join(xml_safe(text).split()).replace("`", "'")


def render_markdown(result: GradeResult) -> str:
    """The grading as Markdown: the score, a table of challenges, then what did not pass."""
    out = [
        f"## Grading: {points(result.score, result.max_score)} points "
        f"({result.percent:.1f}%), {icon(str(result.status))} {result.status}",
        "",
    ]
    if result.error:
        out.extend([f"**Could not be graded:** {inline(result.error)}", ""])
    if result.challenges:
        out.extend(["| | Challenge | Score | Share | Why |", "|---|---|---:|---|---|"])
        for c in result.challenges:
            out.append(
                f"| {icon(str(c.status))} | `{inline(c.id)}` {inline(c.title)} | "
                f"{points(c.score, c.max_score)} | {bar(c.score, c.max_score)} | {inline(c.message)} |"
            )
        out.append("")
    out.extend(_flags(result))
    details: list[str] = []
    budget = MAX_CHARS - sum(len(line) + 1 for line in out) - 2_000
    for c in result.challenges:
        chunk = _failures(c)
        budget -= sum(len(line) + 1 for line in chunk)
        if budget < 0:
            details.append("_[the rest is cut to fit a comment: the JSON or HTML report has it]_")
            break
        details.extend(chunk)
    if details:
        out.extend(["### What did not pass", "", *details])
    if result.audience == "candidate":
        out.extend([f"_{CANDIDATE_NOTE}_", ""])
    out.extend(f"- note: {inline(n)}" for n in result.notes)
    out.append(
        f"<sub>graded by grader {inline(result.grader_version)} on the {inline(result.backend)} "
        f"backend in {result.duration:.1f} s, {inline(result.audience)} view</sub>"
    )
    return "\n".join(out) + "\n"
