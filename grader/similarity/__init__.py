"""Similarity across a cohort: which answers are too alike to be independent, and which are
copies of a known solution. For reviewers only; it never changes a score.

``compare(sources, pack)`` is the whole method (see ``compare``'s module for
how it works); ``read_sources`` reads submissions as ``grader batch`` finds them.
"""

from __future__ import annotations

from grader.similarity.compare import DEFAULTS, Settings, compare
from grader.similarity.report import (
    SCHEMA_VERSION,
    ChallengeSummary,
    Match,
    Pair,
    ReferenceMatch,
    SimilarityReport,
)

__all__ = [
    "DEFAULTS",
    "SCHEMA_VERSION",
    "ChallengeSummary",
    "Match",
    "Pair",
    "ReferenceMatch",
    "Settings",
    "SimilarityReport",
    "compare",
]
