"""The HTML report: one self-contained file to open, attach or archive.

The page fetches nothing (styles inline, no fonts, images or scripts from
anywhere, and a Content-Security-Policy that forbids them, so even a message
crafted as markup could not fetch), escapes every text, and reflows to a
phone's width. It shows the score, a bar per challenge, and every test with
its status, rubric line and message.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from grader.reports.common import (
    CANDIDATE_NOTE,
    FLAGS_NOTE,
    flags_of,
    from_clean_text,
    percent,
    points,
    xml_safe,
)
from grader.results import ChallengeResult, GradeResult, TestResult

_CSS = """
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #fff; --card: #f6f8fa;
  --line: #d0d7de; --passed: #1a7f37; --failed: #cf222e; --error: #8250df; --timeout: #9a6700;
  --missing: #6e7781; --skipped: #9a6700; --bar: #2da44e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #8d96a0; --bg: #0d1117;
  --card: #161b22; --line: #30363d; --passed: #3fb950; --failed: #f85149; --error: #a371f7;
  --timeout: #d29922; --missing: #8d96a0; --skipped: #d29922; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem; font: 16px/1.5 system-ui, -apple-system,
  "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: anywhere; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin: 0; }
.muted, .meta { color: var(--muted); font-size: .9rem; }
.score { display: flex; flex-wrap: wrap; align-items: baseline; gap: .5rem 1rem; margin: .75rem 0; }
.big { font-size: 2.5rem; font-weight: 700; line-height: 1; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; color: #fff; font-size: .8rem;
  font-weight: 600; text-transform: uppercase; letter-spacing: .03em; vertical-align: middle;
  white-space: nowrap; overflow-wrap: normal; }
.passed { background: var(--passed); } .failed { background: var(--failed); }
.error { background: var(--error); } .timeout { background: var(--timeout); }
.missing { background: var(--missing); } .skipped { background: var(--skipped); }
.bar { height: .6rem; border-radius: .3rem; background: var(--line); overflow: hidden; margin: .35rem 0; }
.bar > span { display: block; height: 100%; background: var(--bar); }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
section.challenge { background: var(--card); border: 1px solid var(--line); border-radius: .5rem;
  padding: .75rem 1rem; margin: 1rem 0; }
.head { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: center; }
.head .pts { margin-left: auto; font-weight: 600; }
ol.tests { list-style: none; padding: 0; margin: .5rem 0 0; }
ol.tests > li { border-top: 1px solid var(--line); padding: .5rem 0; }
.test-head { display: flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: center; }
.test-head .pts { margin-left: auto; }
code, pre { font: .85rem/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg); border: 1px solid var(--line);
  border-radius: .35rem; padding: .5rem; margin: .35rem 0; max-height: 24rem; overflow: auto; }
p { margin: .25rem 0; } a { color: inherit; }
details > summary { cursor: pointer; color: var(--muted); font-size: .9rem; }
@media (max-width: 40rem) { body { padding: .5rem; } .big { font-size: 2rem; }
  th.optional, td.optional { display: none; } }
"""


def page(title: str, body: str, script: str = "") -> str:
    """A whole HTML document around ``body``: inline styles, and ``script`` allowed by its hash only."""
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    tail = ""
    if script:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        policy += f"; script-src 'sha256-{digest}'"
        tail = f"<script>{script}</script>\n"
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        f"<title>{text(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{body}{tail}</body>\n</html>\n"
    )


def text(value: str) -> str:
    """``value`` escaped for HTML text or an attribute."""
    return escape(xml_safe(value), quote=True)


def badge(status: str) -> str:
    return f'<span class="badge {text(status)}">{text(status)}</span>'


def bar(score: float, max_score: float) -> str:
    share = percent(score, max_score)
    label = f'role="img" aria-label="{share:.0f}%"'
    return f'<div class="bar" {label}><span style="width:{share:.1f}%"></span></div>'


def _pre(value: str, cls: str) -> str:
    return f'<pre class="{cls}">{text(value.rstrip())}</pre>'


def _folded(summary: str, value: str, cls: str) -> str:
    return f"<details><summary>{text(summary)}</summary>{_pre(value, cls)}</details>"


def _test(challenge: ChallengeResult, test: TestResult) -> str:
    parts = [
        f'<li class="test" data-status="{text(str(test.status))}">',
        '<div class="test-head">',
        badge(str(test.status)),
        f"<code>{text(test.name)}</code>",
        f'<span class="muted">{text(test.visibility)}</span>',
        f'<span class="pts">{points(test.score, test.max_score)}</span>',
        "</div>",
    ]
    if test.rubric:
        parts.append(f'<p class="rubric">checks: {text(test.rubric)}</p>')
    if test.message.strip():
        parts.append(_pre(test.message, "message"))
    if test.line is not None:
        where = f"<code>{text(challenge.id)}/solution.py</code>"
        parts.append(f'<p class="where">at {where}, line {test.line}</p>')
    if test.details.strip():
        parts.append(_folded("traceback", test.details, "details"))
    if test.output.strip():
        parts.append(_folded("what the code printed", test.output, "output"))
    parts.append("</li>")
    return "\n".join(parts)


def _challenge(challenge: ChallengeResult, audience: str = "reviewer") -> str:
    parts = [
        f'<section class="challenge" id="c-{text(challenge.id)}" data-status="{text(str(challenge.status))}"'
        ">",
        '<div class="head">',
        badge(str(challenge.status)),
        f"<h2><code>{text(challenge.id)}</code> {text(challenge.title)}</h2>",
        f'<span class="pts">{points(challenge.score, challenge.max_score)}</span>',
        "</div>",
        bar(challenge.score, challenge.max_score),
    ]
    if challenge.message:
        parts.append(f'<p class="message">{text(challenge.message)}</p>')
    parts.extend(
        f'<p class="flag"><span class="badge error">flag</span> {text(f)}</p>'
        for f in flags_of(challenge, audience)
    )
    parts.extend(f'<p class="muted">note: {text(n)}</p>' for n in challenge.notes)
    parts.append('<ol class="tests">')
    parts.extend(_test(challenge, t) for t in challenge.tests)
    parts.append("</ol>\n</section>")
    return "\n".join(parts)


def _summary(result: GradeResult) -> str:
    rows = [
        "<tr>"
        f"<td>{badge(str(c.status))}</td>"
        f'<td><a href="#c-{text(c.id)}"><code>{text(c.id)}</code></a></td>'
        f'<td class="optional">{bar(c.score, c.max_score)}</td>'
        f'<td class="num">{points(c.score, c.max_score)}</td>'
        "</tr>"
        for c in result.challenges
    ]
    return (
        '<table class="summary"><thead><tr><th>status</th><th>challenge</th>'
        '<th class="optional">share</th><th class="num">points</th></tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


@from_clean_text
def render_html(result: GradeResult) -> str:
    """The grading as one self-contained HTML page."""
    parts = [
        "<header>",
        "<h1>Grading report</h1>",
        f'<p class="muted submission">{text(result.submission)}</p>',
        '<div class="score">',
        f'<span class="big">{result.percent:.1f}%</span>',
        f"<span>{points(result.score, result.max_score)} points</span>",
        badge(str(result.status)),
        "</div>",
        f'<p class="meta">graded {text(result.started_at)} by grader {text(result.grader_version)} '
        f"on the {text(result.backend)} backend ({text(result.isolation)}) in {result.duration:.1f} s, "
        f"{text(result.audience)} view</p>",
    ]
    if result.error:
        parts.append(f'<p class="message"><strong>Could not be graded:</strong> {text(result.error)}</p>')
    if result.audience == "candidate":
        parts.append(f'<p class="meta">{text(CANDIDATE_NOTE)}</p>')
    parts.extend(f'<p class="meta">note: {text(n)}</p>' for n in result.notes)
    flagged = sum(len(flags_of(c, result.audience)) for c in result.challenges)
    if flagged:
        label = f"{flagged} flag{'s' if flagged != 1 else ''}"
        parts.append(f'<p class="message flags"><strong>{label}</strong>: {text(FLAGS_NOTE)}</p>')
    parts.append("</header>")
    if result.challenges:
        parts.append(_summary(result))
    parts.append("<main>")
    parts.extend(_challenge(c, result.audience) for c in result.challenges)
    parts.append("</main>\n")
    return page(f"Grading report: {result.submission}", "\n".join(parts))
