"""The JSON report (schema version 1, see README "Results")."""

from __future__ import annotations

import json

from grader.reports.common import from_clean_text
from grader.results import GradeResult


@from_clean_text
def render_json(result: GradeResult) -> str:
    """The results as pretty-printed JSON, ending in a newline."""
    return json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n"
