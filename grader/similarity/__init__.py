"""Similarity across a cohort: which answers are too alike to be independent, and which are
copies of a known solution. For reviewers only; it never changes a score.

- ``compare(sources, pack)``: the whole method, from ``{submission: {challenge id:
  source}}`` and the challenge pack to a frozen ``SimilarityReport`` (``as_json()``
  gives the published schema); how it judges is told in ``grader.similarity.compare``.
- ``read_sources``: a cohort's answers, read from folders and archives the way
  grading reads them.
- ``render_text``, ``render_json``, ``render_html``: the report's formats;
  ``side_by_side`` and ``SIDE_BY_SIDE_CSS``: two files with their matched
  regions marked, for any page that shows a pair.
"""

from __future__ import annotations

from grader.similarity.compare import DEFAULTS, Settings, compare
from grader.similarity.html import SIDE_BY_SIDE_CSS, render_html, side_by_side
from grader.similarity.render import render_json, render_text
from grader.similarity.report import (
    SCHEMA_VERSION,
    ChallengeSummary,
    Match,
    Pair,
    ReferenceMatch,
    SimilarityReport,
)
from grader.similarity.sources import read_sources

__all__ = [
    "DEFAULTS",
    "SCHEMA_VERSION",
    "SIDE_BY_SIDE_CSS",
    "ChallengeSummary",
    "Match",
    "Pair",
    "ReferenceMatch",
    "Settings",
    "SimilarityReport",
    "compare",
    "read_sources",
    "render_html",
    "render_json",
    "render_text",
    "side_by_side",
]
