"""A Markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

A table of challenges with a bar each, then what did not pass, folded in
``<details>``. Every text that came from a submission is shown as text and
nothing else: fenced, inside a code span, or escaped so that it forms no HTML
(GitHub renders HTML inside Markdown: a message must not become an image
fetch), no link, image, reference or autolink (a bare ``https://``, ``www.``
or e-mail address is broken by an invisible U+2060 WORD JOINER, and so is an
``@mention``). What did not pass is cut to keep the whole under a
pull-request comment's 65,536 characters.
"""

from __future__ import annotations

import html
import re

from grader.reports.common import (
    CANDIDATE_NOTE,
    FLAGS_NOTE,
    flags_of,
    from_clean_text,
    percent,
    points,
    shown_failures,
    verdict,
    xml_safe,
)
from grader.results import ChallengeResult, GradeResult, TestResult
from grader.sanitize import clean, one_line

MAX_CHARS = 60_000
MAX_LINE = 1_000  # of a fenced message or output
_ICONS = {
    "passed": "✅",
    "failed": "❌",
    "error": "⚠️",
    "timeout": "⏱️",
    "missing": "⬜",
    "skipped": "⏭️",
}
# Where GitHub would start a link of its own: after "scheme:" before "//", "www" before ".",
# and right after "@" (e-mail autolinks and mentions). A word joiner there shows nothing.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
# Markdown's inline punctuation (links, images, emphasis, code, tables, math); "<", ">" and
# "&" are HTML-escaped instead, so that no tag, autolink or entity can form either.
_MARKDOWN = re.compile(r"([\\`*_\[\]|~$])")


def _defanged(text: str) -> str:
    return _AUTOLINK.sub("\u2060", text)


def inline(text: str, limit: int = 300) -> str:
    """``text`` as plain text on one line of Markdown (a table cell, a list item): no HTML, link,
    image or autolink can form, table pipes are escaped, and it is cut to ``limit`` characters."""
    escaped = html.escape(_defanged(one_line(text, limit)), quote=False)
    return _MARKDOWN.sub(r"\\\1", escaped)


def html_inline(text: str, limit: int = 300) -> str:
    """``text`` as plain text on one line inside an HTML block (where Markdown is not read)."""
    return html.escape(_defanged(one_line(text, limit)), quote=False)


def code(text: str, limit: int = 300, *, table: bool = False) -> str:
    """``text`` as a code span on one line: shown exactly, never a link (``table``: in a table
    cell, where a pipe must be escaped even inside code)."""
    flat = one_line(text, limit)
    if table:
        flat = flat.replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def fenced(text: str, max_lines: int = 15) -> list[str]:
    """``text`` as a fenced block (a fence longer than any backtick run inside), capped in lines
    and in line length."""
    lines = clean(text).rstrip().splitlines()
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], f"[... {len(lines) - max_lines} more lines]"]
    lines = [line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…" for line in lines]
    longest = max((len(m) for line in lines for m in re.findall(r"`+", line)), default=0)
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
    head = f"- {icon(str(test.status))} **{test.status}** {code(test.name)} ({test.visibility})"
    if test.rubric:
        head += f": {inline(test.rubric)}"
    lines = [head]
    if test.message.strip():
        lines.extend("  " + line for line in fenced(test.message))
    elif not test.rubric:
        lines.append(f"  {inline(verdict(test))}")
    if test.line is not None:
        lines.append(f"  at {code(challenge.id + '/solution.py')}, line {test.line}")
    if test.output.strip():
        lines.append("  printed:")
        lines.extend("  " + line for line in fenced(test.output, 8))
    return lines


def _failures(challenge: ChallengeResult) -> list[str]:
    failing = shown_failures(challenge)
    if not failing and not challenge.notes:
        return []
    # The summary sits in an HTML block, where Markdown is not read: HTML escapes only.
    summary = f"<b>{html_inline(challenge.id)}</b>: {html_inline(challenge.message or str(challenge.status))}"
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


def _literal(text: str, limit: int = 300) -> str:
    """``text`` as the inside of a code span: one line cut to ``limit`` characters, no backtick to
    end the span early."""
    return one_line(xml_safe(text), limit).replace("`", "'")


@from_clean_text
def render_markdown(result: GradeResult) -> str:
    """The grading as Markdown: the score, a table of challenges, then what did not pass."""
    out = [
        f"## Grading: {points(result.score, result.max_score)} points "
        f"({result.percent:.1f}%), {icon(str(result.status))} {result.status}",
        "",
    ]
    if result.error:
        out.extend([f"**Could not be graded:** {inline(result.error, 1_000)}", ""])
    if result.challenges:
        out.extend(["| | Challenge | Score | Share | Why |", "|---|---|---:|---|---|"])
        for c in result.challenges:
            out.append(
                f"| {icon(str(c.status))} | {code(c.id, table=True)} {inline(c.title)} | "
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
