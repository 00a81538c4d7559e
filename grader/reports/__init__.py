"""Report writers: one small module per format, each a function of a ``GradeResult``."""

from __future__ import annotations

from grader.reports.json import render_json
from grader.reports.text import render_check, render_grade

FORMATS = ("text", "json")

__all__ = ["FORMATS", "render_check", "render_grade", "render_json"]
