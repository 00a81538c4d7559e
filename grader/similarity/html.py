"""The similarity report as one self-contained HTML page, and the side-by-side view it is made of.

``side_by_side`` (with ``SIDE_BY_SIDE_CSS``) is what the review service reuses
to show two files with their matched regions marked: every text in it is
escaped, so candidate code shows as code and never acts as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from grader.reports import html as h
from grader.sanitize import counted
from grader.similarity.render import lines_of, span
from grader.similarity.report import Match, Pair, ReferenceMatch, SimilarityReport

MATCH_COLOURS = 6
NEAR_MISSES = 20

SIDE_BY_SIDE_CSS = """
.sbs { display: grid; grid-template-columns: 1fr 1fr; gap: .5rem; margin: .5rem 0; }
@media (max-width: 50rem) { .sbs { grid-template-columns: 1fr; } }
.sbs .side { min-width: 0; } .sbs .file { font-weight: 600; margin: 0 0 .25rem; }
.sbs pre { margin: 0; padding: .25rem 0; max-height: 40rem; overflow: auto; white-space: pre;
  overflow-wrap: normal; }
.sbs code { display: block; min-width: max-content; }
.sbs .line { display: block; padding: 0 .5rem 0 0; }
.sbs .no { display: inline-block; width: 3.5em; padding-right: .5em; text-align: right; color: var(--muted);
  user-select: none; }
.sbs .m0 { background: rgba(255, 196, 0, .28); } .sbs .m1 { background: rgba(0, 160, 255, .22); }
.sbs .m2 { background: rgba(255, 80, 160, .22); } .sbs .m3 { background: rgba(60, 200, 90, .25); }
.sbs .m4 { background: rgba(160, 100, 255, .22); } .sbs .m5 { background: rgba(255, 120, 40, .25); }
.sbs-legend { font-size: .85rem; color: var(--muted); margin: .25rem 0; }
.sbs-legend span { padding: 0 .35rem; border-radius: .25rem; color: var(--fg); }
.scroll { overflow-x: auto; }
table.summary th, table.summary td, table.near td { white-space: nowrap; overflow-wrap: normal; }
section.pair { background: var(--card); border: 1px solid var(--line); border-radius: .5rem;
  padding: .75rem 1rem; margin: 1rem 0; }
"""


def side_by_side(
    a_title: str, a_source: str, b_title: str, b_source: str, matches: Sequence[Match]
) -> str:
    """Two files next to each other (one above the other on a narrow screen), every matched region
    marked in the same colour on both sides, with a legend of the regions' lines."""
    legend = " ".join(
        f'<span class="m{i % MATCH_COLOURS}">{span(m.a_lines)} ~ {span(m.b_lines)}</span>'
        for i, m in enumerate(matches)
    )
    return (
        (f'<p class="sbs-legend">matched lines: {legend}</p>' if matches else "")
        + '<div class="sbs">'
        + _side(a_title, a_source, [m.a_lines for m in matches])
        + _side(b_title, b_source, [m.b_lines for m in matches])
        + "</div>"
    )


def _side(title: str, source: str, regions: Sequence[tuple[int, int]]) -> str:
    # Text that cannot be written as UTF-8 (lone surrogates) shows as a replacement mark.
    text = source.encode("utf-8", "replace").decode("utf-8")
    rows = []
    for number, line in enumerate(text.splitlines() or [""], start=1):
        region = next((i for i, (first, last) in enumerate(regions) if first <= number <= last), None)
        css = "line" if region is None else f"line m{region % MATCH_COLOURS}"
        rows.append(f'<span class="{css}"><span class="no">{number}</span>{h.text(line)}</span>')
    code = "".join(rows)
    return f'<div class="side"><p class="file">{h.text(title)}</p><pre><code>{code}</code></pre></div>'


def _section(
    anchor: str, heading: str, similarity: float, sides: tuple[str, str, str, str], matches: Sequence[Match]
) -> str:
    return (
        f'<section class="pair" id="{anchor}"><h3>{heading} '
        f'<span class="muted">similarity {similarity:.2f}</span></h3>'
        + side_by_side(*sides, matches)
        + "</section>"
    )


def _pair(index: int, pair: Pair, report: SimilarityReport) -> str:
    heading = f"<code>{h.text(pair.challenge)}</code>: {h.text(pair.a)} ~ {h.text(pair.b)}"
    sides = (
        f"{pair.a}/{pair.challenge}/solution.py",
        report.sources.get(pair.a, {}).get(pair.challenge, ""),
        f"{pair.b}/{pair.challenge}/solution.py",
        report.sources.get(pair.b, {}).get(pair.challenge, ""),
    )
    return _section(f"pair-{index}", heading, pair.similarity, sides, pair.matches)


def _leak(index: int, match: ReferenceMatch, report: SimilarityReport) -> str:
    heading = (
        f"<code>{h.text(match.challenge)}</code>: {h.text(match.submission)} ~ known solution "
        f"<code>{h.text(match.solution)}</code>"
    )
    sides = (
        f"{match.submission}/{match.challenge}/solution.py",
        report.sources.get(match.submission, {}).get(match.challenge, ""),
        f"{match.challenge}/solutions/{match.solution}",
        report.solutions.get(match.challenge, {}).get(match.solution, ""),
    )
    return _section(f"leak-{index}", heading, match.similarity, sides, match.matches)


def _summary(report: SimilarityReport) -> str:
    rows = []
    for c in report.challenges:
        ref_bar = "-" if c.reference_bar is None else f"{c.reference_bar:.2f}"
        leaked = "-" if c.reference_bar is None else str(c.flagged_references)
        rows.append(
            f"<tr><td><code>{h.text(c.id)}</code></td><td class=num>{c.answers}</td>"
            f'<td class="num optional">{c.pairs}</td><td class="num optional">{c.median:.2f}</td>'
            f"<td class=num>{c.bar:.2f}</td><td class=num>{c.flagged_pairs}</td>"
            f'<td class="num optional">{ref_bar}</td><td class=num>{leaked}</td></tr>'
        )
    return (
        '<div class="scroll"><table class="summary"><thead><tr><th>challenge</th><th class=num>answers</th>'
        '<th class="num optional">pairs</th><th class="num optional">median</th><th class=num>bar</th>'
        '<th class=num>flagged</th><th class="num optional">reference bar</th><th class=num>leaked?</th>'
        "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


def render_html(report: SimilarityReport) -> str:
    """The whole report as one self-contained page: figures per challenge, then every flagged pair
    and every answer too close to a known solution, side by side with the matched lines marked."""
    flagged = report.flagged_pairs
    leaked = report.flagged_references
    near = [p for p in report.pairs if not p.flagged][:NEAR_MISSES]
    parts = [
        f"<style>{SIDE_BY_SIDE_CSS}</style>",
        "<header><h1>Similarity</h1>",
        f'<p class="meta">{counted(len(report.sources), "submission")} across '
        f'{counted(len(report.challenges), "challenge")}; '
        f"a pair is flagged at similarity {report.threshold:.2f} or above when it also stands out from the "
        "cohort's own pairs for that challenge (the bar). For reviewers only: never shown to candidates, and "
        "it changes no score.</p>",
        *(f'<p class="meta">note: {h.text(n)}</p>' for n in report.notes),
        "</header>",
        _summary(report),
        f"<h2>Flagged pairs ({len(flagged)})</h2>",
        *(_pair(i, p, report) for i, p in enumerate(flagged)),
        *([] if flagged else ['<p class="muted">None.</p>']),
        f"<h2>Too close to a known solution ({len(leaked)})</h2>",
        *(_leak(i, r, report) for i, r in enumerate(leaked)),
        *([] if leaked else ['<p class="muted">None.</p>']),
    ]
    if near:
        parts.append(f"<h2>Most alike of the rest ({len(near)})</h2>")
        parts.append(
            '<div class="scroll"><table class="near"><thead><tr><th>challenge</th><th>pair</th>'
            "<th class=num>similarity</th><th>matched lines</th></tr></thead><tbody>"
            + "".join(
                f"<tr><td><code>{h.text(p.challenge)}</code></td><td>{h.text(p.a)} ~ {h.text(p.b)}</td>"
                f"<td class=num>{p.similarity:.2f}</td><td>{h.text(lines_of(p.matches))}</td></tr>"
                for p in near
            )
            + "</tbody></table></div>"
        )
    return h.page("Similarity", "\n".join(parts) + "\n")
