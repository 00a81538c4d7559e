"""The similarity report as text (a terminal) and JSON (the published schema)."""

from __future__ import annotations

import json

from grader.sanitize import counted
from grader.similarity.report import Match, SimilarityReport


def render_json(report: SimilarityReport) -> str:
    """The report in the published JSON schema (``SimilarityReport.as_json``)."""
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"


def lines_of(matches: tuple[Match, ...], limit: int = 4) -> str:
    """``3-20 ~ 5-25, 30-34 ~ 40-44``: where two files match, first few regions."""
    shown = [f"{span(m.a_lines)} ~ {span(m.b_lines)}" for m in matches[:limit]]
    if len(matches) > limit:
        shown.append(f"+{len(matches) - limit} more")
    return ", ".join(shown)


def span(lines: tuple[int, int]) -> str:
    """``3-20``, or ``7`` for one line."""
    return str(lines[0]) if lines[0] == lines[1] else f"{lines[0]}-{lines[1]}"


def render_text(report: SimilarityReport) -> str:
    """The report for a terminal: what is flagged, then each challenge's figures."""
    submissions = len(report.sources)
    out = [
        f"Similarity of {counted(submissions, 'submission')} across "
        f"{counted(len(report.challenges), 'challenge')}; "
        f"threshold {report.threshold:.2f}",
        "",
    ]
    flagged = report.flagged_pairs
    leaked = report.flagged_references
    if not flagged and not leaked:
        out.append("Nothing flagged: no pair stands out, and no answer is too close to a known solution.")
    for p in flagged:
        out.append(f"FLAGGED  {p.challenge}: {p.a} ~ {p.b}  {p.similarity:.2f}  lines {lines_of(p.matches)}")
    for r in leaked:
        out.append(
            f"LEAKED?  {r.challenge}: {r.submission} ~ known solution {r.solution}  {r.similarity:.2f}  "
            f"lines {lines_of(r.matches)}"
        )
    table = [["challenge", "answers", "pairs", "median", "bar", "flagged", "ref. bar", "leaked?"]]
    for c in report.challenges:
        table.append(
            [
                c.id,
                str(c.answers),
                str(c.pairs),
                f"{c.median:.2f}",
                f"{c.bar:.2f}",
                str(c.flagged_pairs),
                "-" if c.reference_bar is None else f"{c.reference_bar:.2f}",
                "-" if c.reference_bar is None else str(c.flagged_references),
            ]
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    out.append("")
    for row in table:
        out.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    out.extend(f"note: {n}" for n in report.notes)
    return "\n".join(out) + "\n"
