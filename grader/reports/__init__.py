"""Report writers: one small module per format, each a function of a ``GradeResult``."""

from __future__ import annotations

from collections.abc import Callable

from grader.reports.gradescope import render_gradescope
from grader.reports.html import render_html
from grader.reports.json import render_json
from grader.reports.junit import render_junit
from grader.reports.markdown import render_markdown
from grader.reports.text import render_check, render_grade
from grader.results import GradeResult

RENDERERS: dict[str, Callable[[GradeResult], str]] = {
    "text": render_grade,
    "json": render_json,
    "junit": render_junit,
    "markdown": render_markdown,
    "html": render_html,
    "gradescope": render_gradescope,
}
FORMATS = tuple(RENDERERS)


def render(fmt: str, result: GradeResult) -> str:
    """``result`` in the format named ``fmt`` (one of ``FORMATS``)."""
    return RENDERERS[fmt](result)


__all__ = [
    "FORMATS",
    "render",
    "render_check",
    "render_grade",
    "render_gradescope",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
]
