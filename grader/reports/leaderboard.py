"""Reports of a whole batch: the leaderboard (text, CSV, HTML, Markdown), JUnit and JSON.

One row per submission, best first, one column per challenge; a submission
that could not be graded is a row with status ``error`` and the reason.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from typing import Any

from grader.cohort import Cohort, Row
from grader.reports import html as h
from grader.reports import markdown as md
from grader.reports.common import from_clean_text, points
from grader.reports.junit import testsuite as junit_suite
from grader.reports.junit import testsuites
from grader.results import ChallengeResult, ChallengeStatus
from grader.sanitize import counted, one_line

# A spreadsheet runs a cell that starts with one of these as a formula: names come from candidates.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_SORT_SCRIPT = """
document.querySelectorAll("table.sortable th button").forEach(function (button) {
  button.addEventListener("click", function () {
    var th = button.parentElement, table = th.closest("table"), body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(th.parentElement.children, th);
    var numeric = th.getAttribute("data-type") === "num";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].getAttribute("data-value"), y = b.cells[index].getAttribute("data-value");
      var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      var tie = a.getAttribute("data-name").localeCompare(b.getAttribute("data-name"));
      return (ascending ? order : -order) || tie;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""

_EXTRA_CSS = """
.scroll { overflow-x: auto; } table.sortable th { white-space: nowrap; }
table.sortable th button { font: inherit; font-weight: 600; color: inherit; background: none; border: 0;
  padding: 0; cursor: pointer; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.cell { white-space: nowrap; font-variant-numeric: tabular-nums; }
table.sortable td { overflow-wrap: normal; }
table.sortable td.reason { overflow-wrap: anywhere; min-width: 14rem; }
"""


def _cell_text(challenge: ChallengeResult | None) -> str:
    if challenge is None:
        return "-"
    return points(challenge.score, challenge.max_score)


def _similar(cohort: Cohort, row: Row) -> list[str]:
    """The row's "similar to" cell as a one-item list, or no item when the cohort was not compared
    (the candidate view has no such column)."""
    if cohort.similar_to is None:
        return []
    return ["; ".join(cohort.similar_to.get(row.name, ()))]


def _similar_head(cohort: Cohort, name: str = "similar to") -> list[str]:
    return [] if cohort.similar_to is None else [name]


def _rank(cohort: Cohort) -> list[tuple[str, Row]]:
    """Rows best first with their rank: equal scores share one, and the next rank counts
    them all ("1, 1, 3"); rows without a verdict have none ("-")."""
    ranked = cohort.ranked()
    out: list[tuple[str, Row]] = []
    rank, previous = 0, None
    for place, row in enumerate(ranked, start=1):
        if not row.graded:
            out.append(("-", row))
            continue
        score = round(row.result.percent, 6)
        if score != previous:
            rank, previous = place, score
        out.append((str(rank), row))
    return out


def _flag_columns(cohort: Cohort, row: Row | None = None) -> list[str]:
    """The ``flags`` column (its heading, or the row's count) for reviewers; no column for candidates."""
    if cohort.audience == "candidate":
        return []
    return ["flags"] if row is None else [str(len(row.result.flags))]


def _spreadsheet_safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


@from_clean_text
def render_csv(cohort: Cohort) -> str:
    """``leaderboard.csv``: rank, candidate, status, points, then a column per challenge."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    ids = [c.id for c in cohort.challenges]
    writer.writerow(
        [
            "rank",
            "candidate",
            "submission",
            "status",
            "percent",
            "score",
            "max_score",
            *_flag_columns(cohort),
            *ids,
            *_similar_head(cohort, "similar_to"),
            "reason",
            "report",
        ]
    )
    for rank, row in _rank(cohort):
        r = row.result
        cells = []
        for cid in ids:
            c = cohort.challenge_of(row, cid)
            cells.append("" if c is None else f"{c.score:g}")
        writer.writerow(
            [
                rank,
                _spreadsheet_safe(row.name),
                _spreadsheet_safe(row.path),
                str(r.status),
                f"{r.percent:.2f}" if row.graded else "",
                f"{r.score:g}",
                f"{r.max_score:g}",
                *_flag_columns(cohort, row),
                *cells,
                *(_spreadsheet_safe(cell) for cell in _similar(cohort, row)),
                _spreadsheet_safe(row.remark),
                row.report,
            ]
        )
    return buffer.getvalue()


@from_clean_text
def render_leaderboard_html(cohort: Cohort, link_prefix: str = "") -> str:
    """``leaderboard.html``: sortable by any column, each candidate linking to their HTML report
    (``link_prefix`` leads from where the page is to the batch folder)."""
    head = [
        '<th data-type="num" aria-sort="ascending"><button type="button">#</button></th>',
        '<th data-type="text"><button type="button">candidate</button></th>',
        '<th data-type="text"><button type="button">status</button></th>',
        '<th data-type="num" class="num"><button type="button">score</button></th>',
    ]
    if _flag_columns(cohort):
        head.append(
            '<th data-type="num" class="num" title="static scan"><button type="button">flags</button></th>'
        )
    head.extend(
        f'<th data-type="num" class="num" title="{h.text(c.title)}"><button type="button">'
        f"{h.text(c.id)}</button></th>"
        for c in cohort.challenges
    )
    head.extend(
        f'<th data-type="text"><button type="button">{name}</button></th>'
        for name in [*_similar_head(cohort), "reason"]
    )
    body = []
    for index, (rank, row) in enumerate(_rank(cohort), start=1):
        r = row.result
        score = f"{r.percent:.1f}%" if row.graded else "-"
        cells = [
            f'<td data-value="{index}">{rank}</td>',
            f'<td data-value="{h.text(row.name.lower())}"><a href="{h.text(link_prefix + row.report)}">'
            f"{h.text(row.name)}</a></td>",
            f'<td data-value="{h.text(str(r.status))}">{h.badge(str(r.status))}</td>',
            f'<td class="cell num" data-value="{r.percent if row.graded else -1:.4f}">{score} '
            f'<span class="muted">{points(r.score, r.max_score)}</span></td>',
        ]
        if _flag_columns(cohort):
            count, listed = len(r.flags), h.text("\n".join(r.flags))
            cells.append(f'<td class="cell num" data-value="{count}" title="{listed}">{count}</td>')
        for info in cohort.challenges:
            c = cohort.challenge_of(row, info.id)
            share = 100.0 * c.score / c.max_score if c is not None and c.max_score else -1.0
            status = str(c.status) if c is not None else "not graded"
            cells.append(
                f'<td class="cell num" data-value="{share:.4f}" title="{h.text(status)}">{_cell_text(c)}</td>'
            )
        for cell in _similar(cohort, row):
            cells.append(f'<td class="similar" data-value="{h.text(cell)}">{h.text(cell)}</td>')
        cells.append(f'<td class="reason" data-value="{h.text(row.remark)}">{h.text(row.remark)}</td>')
        body.append(f'<tr data-name="{h.text(row.name.lower())}">' + "".join(cells) + "</tr>")
    graded = sum(1 for r in cohort.rows if r.graded)
    page = "\n".join(
        [
            f"<style>{_EXTRA_CSS}</style>",
            "<header><h1>Leaderboard</h1>",
            f'<p class="meta">{counted(len(cohort.rows), "submission")}: {graded} graded, '
            f"{len(cohort.rows) - graded} not graded; {h.text(cohort.audience)} view. "
            "Select a column's name to sort by it; select a candidate for their report.</p></header>",
            '<div class="scroll"><table class="sortable" id="leaderboard">',
            "<thead><tr>" + "".join(head) + "</tr></thead>",
            "<tbody>",
            *body,
            "</tbody></table></div>\n",
        ]
    )
    return h.page("Leaderboard", page, _SORT_SCRIPT)


@from_clean_text
def render_leaderboard_text(cohort: Cohort) -> str:
    """The leaderboard for a terminal: one line per submission, each challenge a numbered
    column of its percentage (the legend below names them), so that 15 challenges fit in
    about 100 columns; a reason that does not fit beside its row goes on the next line."""
    ids = [c.id for c in cohort.challenges]
    numbers = [str(i) for i in range(1, len(ids) + 1)]
    table = [["#", "candidate", "score", *_flag_columns(cohort)]]
    tails: list[tuple[list[str], str]] = [(numbers, "reason")]
    for rank, row in _rank(cohort):
        r = row.result
        score = f"{r.percent:.1f}%" if row.graded else str(r.status)
        table.append([rank, one_line(row.name, _NAME_WIDTH), score, *_flag_columns(cohort, row)])
        cells = [_cell_percent(cohort.challenge_of(row, cid)) for cid in ids]
        similar = "".join(_similar(cohort, row))
        remark = "; ".join(filter(None, [row.remark, f"similar to {similar}" if similar else ""]))
        tails.append((cells, one_line(remark, _TEXT_WIDTH * 3)))
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    cell = max([len(n) for n in numbers] + [3])
    lines = []
    for line, (cells, remark) in zip(table, tails, strict=True):
        text = "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True))
        if cells:
            text += "  " + " ".join(c.rjust(cell) for c in cells)
        if len(text) + 2 + len(remark) <= _TEXT_WIDTH:
            lines.append(f"{text}  {remark}".rstrip())
        elif line is table[0]:  # no room for the heading: the reasons go under their rows
            lines.append(text.rstrip())
        else:
            lines.append(text.rstrip())
            room = _TEXT_WIDTH - 5
            lines.append("     " + (remark if len(remark) <= room else remark[: room - 1] + "…"))
    if ids:
        # Each "N id" stays whole when the legend wraps.
        legend = "  ".join(f"{n}\u00a0{cid}" for n, cid in zip(numbers, ids, strict=True))
        wrapped = textwrap.wrap(f"columns 1-{len(ids)}: percent of each challenge's points; {legend}",
                                _TEXT_WIDTH, break_on_hyphens=False)  # fmt: skip
        lines.extend(["", *(part.replace("\u00a0", " ") for part in wrapped)])
    return "\n".join(lines) + "\n"


_TEXT_WIDTH = 100  # columns the text leaderboard aims at
_NAME_WIDTH = 20


def _cell_percent(challenge: ChallengeResult | None) -> str:
    if challenge is None:
        return "-"
    return f"{100 * challenge.score / challenge.max_score:.0f}" if challenge.max_score else "-"


@from_clean_text
def render_leaderboard_markdown(cohort: Cohort) -> str:
    """The leaderboard as Markdown (a step summary), with the hidden checks most candidates miss."""
    ids = [c.id for c in cohort.challenges]
    flag_head = [f"{c.capitalize()} |" for c in _flag_columns(cohort)]
    out = [
        f"## Leaderboard: {counted(len(cohort.rows), 'submission')}",
        "",
        "| # | Candidate | Status | Score | "
        + "".join(f"{c} " for c in flag_head)
        + " | ".join([*(md.code(i, table=True) for i in ids), *_similar_head(cohort, "Similar to")])
        + " | Reason |",
        "|---|---|---|---:|"
        + "---:|" * (len(flag_head) + len(ids))
        + "---|" * len(_similar_head(cohort))
        + "---|",
    ]
    for rank, row in _rank(cohort):
        r = row.result
        score = f"{r.percent:.1f}%" if row.graded else "-"
        cells = [_cell_text(cohort.challenge_of(row, cid)) for cid in ids]
        cells += [md.inline(cell) for cell in _similar(cohort, row)]
        out.append(
            f"| {rank} | {md.inline(row.name)} | {md.icon(str(r.status))} {r.status} | {score} | "
            + "".join(f"{c} | " for c in _flag_columns(cohort, row))
            + " | ".join(cells)
            + f" | {md.inline(row.remark)} |"
        )
    missed = cohort.stats()["most_missed_hidden"]
    if missed:
        out.extend(["", "### Hidden checks most candidates miss", "", "| Pass rate | Challenge | Check |"])
        out.append("|---:|---|---|")
        for t in missed:
            where = md.code(t["challenge"], table=True)
            out.append(f"| {100 * t['pass_rate']:.0f}% | {where} | {md.inline(t['rubric'] or t['name'])} |")
    return "\n".join(out) + "\n"


@from_clean_text
def render_batch_junit(cohort: Cohort) -> str:
    """Every submission as JUnit XML: a test suite per submission and challenge."""
    suites = []
    for row in cohort.rows:
        for challenge in row.result.challenges:
            name = f"{row.name}/{challenge.id}"
            suites.append(junit_suite(challenge, name, row.result.started_at[:19], cohort.audience))
        if not row.graded:
            failed = ChallengeResult(
                "grading", "grading", ChallengeStatus.ERROR, 0.0, 0.0, message=row.reason
            )
            suites.append(junit_suite(failed, f"{row.name}/grading"))
    duration = sum(r.result.duration for r in cohort.rows)
    return testsuites(suites, "grader batch", duration)


def batch_json(cohort: Cohort) -> dict[str, Any]:
    """The leaderboard rows and the cohort's pass rates, as one JSON object."""
    rows: list[dict[str, Any]] = []
    for rank, row in _rank(cohort):
        r = row.result
        rows.append(
            {
                "rank": int(rank) if row.graded else None,
                "name": row.name,
                "submission": row.path,
                "status": str(r.status),
                "score": r.score,
                "max_score": r.max_score,
                "percent": round(r.percent, 2),
                "reason": row.reason,
                **({"flags": len(r.flags)} if _flag_columns(cohort) else {}),
                "report": row.report,
                "results": f"submissions/{row.name}.json" if row.saved else None,
                "challenges": {
                    c.id: {"status": str(c.status), "score": c.score, "max_score": c.max_score}
                    for c in r.challenges
                },
            }
        )
        if cohort.similar_to is not None:
            rows[-1]["similar_to"] = list(cohort.similar_to.get(row.name, ()))
    return {"leaderboard": rows, "cohort": cohort.stats()}


@from_clean_text
def render_batch_json(cohort: Cohort) -> str:
    return json.dumps(batch_json(cohort), indent=2, ensure_ascii=False) + "\n"


@from_clean_text
def render_cohort_json(cohort: Cohort) -> str:
    """``cohort.json``: pass rates per challenge and per test."""
    return json.dumps(cohort.stats(), indent=2, ensure_ascii=False) + "\n"
