"""Assessments: a hiring team's take-home, composed from challenges.

An assessment file (TOML)::

    title = "Mid-level take-home"
    summary = "One line."                  # optional
    time_limit = 180                       # minutes the candidate has (stated in the kit)

    [challenges]                           # in order; id = weight
    one-to-many = 1
    eager-loading = 1.5                    # its points count one and a half times

``--assessment`` takes such a file, or the name of a built-in one
(``junior``, ``mid``, ``senior``: ``grader/assessments/``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.challenges import Challenge
from grader.errors import UsageError

BUILTIN_DIR = Path(__file__).resolve().parent / "assessments"


@dataclass(frozen=True)
class Assessment:
    """A named set of challenges with weights and an overall time limit."""

    name: str
    title: str
    summary: str
    time_limit: int  # minutes
    weights: dict[str, float]  # challenge id -> weight, in the file's order

    def challenges(self, pack: dict[str, Challenge]) -> list[Challenge]:
        unknown = [cid for cid in self.weights if cid not in pack]
        if unknown:
            raise UsageError(f"assessment {self.name} names unknown challenge(s): {', '.join(unknown)}")
        return [pack[cid] for cid in self.weights]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "time_limit": self.time_limit,
            "weights": self.weights,
        }


def builtin_assessments() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


def load_assessment(spec: str) -> Assessment:
    """The assessment in file ``spec``, or the built-in one of that name."""
    path = Path(spec)
    if not path.is_file():
        builtin = BUILTIN_DIR / f"{spec}.toml"
        if path.suffix or not builtin.is_file():
            raise UsageError(
                f"assessment {spec} is neither a file nor a built-in one ({', '.join(builtin_assessments())})"
            )
        path = builtin
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read assessment {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"assessment {path} is not valid TOML: {exc}") from None
    title, limit, table = data.get("title"), data.get("time_limit"), data.get("challenges")
    if not isinstance(title, str) or not title.strip():
        raise UsageError(f"assessment {path}: title must be a non-empty string")
    if type(limit) is not int or limit <= 0:
        raise UsageError(f"assessment {path}: time_limit must be a positive number of minutes")
    if not isinstance(table, dict) or not table:
        raise UsageError(f"assessment {path}: [challenges] must list at least one challenge id = weight")
    weights: dict[str, float] = {}
    for cid, weight in table.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise UsageError(f"assessment {path}: the weight of {cid} must be a positive number")
        weights[cid] = float(weight)
    summary = data.get("summary", "")
    return Assessment(path.stem, title.strip(), summary if isinstance(summary, str) else "", limit, weights)
