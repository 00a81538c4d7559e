"""The candidate's code as reviewers read it: highlighted by Pygments, and as a diff
against the challenge's starter. Pygments' output uses classes only (``static/code.css``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from html import escape

from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

_LEXER = PythonLexer()


def highlight_lines(source: str) -> list[str]:
    """``source`` highlighted, as one HTML fragment per line (Pygments closes its spans at
    each line's end). Made once per file and kept: lexing is the slow part."""
    html: str = highlight(source, _LEXER, HtmlFormatter(nowrap=True))
    lines = html.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def highlighted(lines: list[str], marked: Iterable[int] = ()) -> Markup:
    """Highlighted ``lines`` (from ``highlight_lines``) with line numbers; ``marked`` lines
    (where tests failed) stand out."""
    hot = set(marked)
    out = [
        f'<span class="line{" hll" if n in hot else ""}"><span class="ln">{n}</span>{line}</span>'
        for n, line in enumerate(lines, start=1)
    ]
    return Markup('<div class="highlight"><pre class="code">' + "".join(out) + "</pre></div>")


def diff(starter: str, source: str, name: str = "solution.py") -> Markup:
    """A unified diff from the starter to ``source``, one classed line per line."""
    lines = difflib.unified_diff(
        starter.splitlines(), source.splitlines(), f"starter/{name}", name, lineterm="", n=2
    )
    out = []
    for line in lines:
        kind = (
            "hunk" if line.startswith("@@")
            else "file" if line.startswith(("---", "+++"))
            else "add" if line.startswith("+")
            else "del" if line.startswith("-")
            else "ctx"
        )  # fmt: skip
        out.append(f'<span class="d-{kind}">{escape(line)}</span>')
    if not out:
        return Markup('<p class="muted">No change from the starter.</p>')
    return Markup('<pre class="diff">' + "\n".join(out) + "</pre>")


def stylesheet() -> str:
    """The CSS for highlighted code (light and dark), as committed in ``static/code.css``."""
    light = HtmlFormatter(style="default").get_style_defs(".highlight")
    dark = HtmlFormatter(style="monokai").get_style_defs(".highlight")
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
