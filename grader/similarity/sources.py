"""Reading a cohort's answers the way grading reads them: only ``solution.py``, size-capped,
UTF-8, never through a link, archives unpacked into a private temporary folder."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from grader.errors import GraderError
from grader.submission import opened_submission


def read_sources(
    paths: Sequence[Path], names: Sequence[str], challenge_ids: Iterable[str]
) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Each submission's ``solution.py`` per challenge, by submission name; and one line per
    submission that could not be read at all (it is left out, the others are not)."""
    ids = list(challenge_ids)
    sources: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for name, path in zip(names, paths, strict=True):
        try:
            with opened_submission(path, ids) as submission:  # found where grading finds it
                answers = {}
                for cid in ids:
                    solution = submission.entry(cid).solution
                    if solution is not None:
                        answers[cid] = solution.decode("utf-8")
        except GraderError as exc:
            problems.append(f"{name}: {exc.message}")
            continue
        except OSError as exc:
            problems.append(f"{name}: cannot be read ({exc.strerror or exc})")
            continue
        sources[name] = answers
    return sources, problems
