"""What a similarity run found: frozen data, with ``as_json()`` for the published schema.

The JSON (``schema_version`` 1) is exactly::

    {"schema_version": 1,
     "pairs": [{"a", "b", "challenge", "similarity", "flagged",
                "matches": [{"a_lines": [start, end], "b_lines": [start, end]}]}],
     "reference_matches": [{"submission", "challenge", "similarity", "flagged"}]}

The report object carries more for the reports drawn from it (which known
solution matched and where, each challenge's distribution and bar, the
sources, notes), none of which changes that schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Match:
    """A region of ``a`` (first and last line) matched by a region of ``b``."""

    a_lines: tuple[int, int]
    b_lines: tuple[int, int]

    def as_json(self) -> dict[str, list[int]]:
        return {"a_lines": list(self.a_lines), "b_lines": list(self.b_lines)}


@dataclass(frozen=True)
class Pair:
    """Two submissions' answers to one challenge, how alike they are, and the tool's judgement."""

    a: str
    b: str
    challenge: str
    similarity: float
    flagged: bool
    matches: tuple[Match, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "challenge": self.challenge,
            "similarity": round(self.similarity, 4),
            "flagged": self.flagged,
            "matches": [m.as_json() for m in self.matches],
        }


@dataclass(frozen=True)
class ReferenceMatch:
    """A submission's answer against the challenge's known solutions: the closest one (``solution``,
    a path inside the challenge's ``solutions/`` folder) and where they match."""

    submission: str
    challenge: str
    similarity: float
    flagged: bool
    solution: str = ""
    matches: tuple[Match, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "submission": self.submission,
            "challenge": self.challenge,
            "similarity": round(self.similarity, 4),
            "flagged": self.flagged,
        }


@dataclass(frozen=True)
class ChallengeSummary:
    """One challenge of the run: how many answers, how alike honest pairs are, and the bar a pair
    had to reach (``bar``: the absolute threshold or, when higher, the cohort's own bar)."""

    id: str
    answers: int
    pairs: int
    median: float
    bar: float
    reference_bar: float | None  # None: no known solution to compare with
    flagged_pairs: int
    flagged_references: int


@dataclass(frozen=True)
class SimilarityReport:
    """Everything a similarity run found, for reviewers only (never for candidates)."""

    pairs: tuple[Pair, ...]
    reference_matches: tuple[ReferenceMatch, ...]
    challenges: tuple[ChallengeSummary, ...]
    threshold: float
    notes: tuple[str, ...] = ()
    # The compared texts, for side-by-side views: sources[name][challenge], solutions[challenge][path].
    sources: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False, repr=False)
    solutions: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False, repr=False)

    def as_json(self) -> dict[str, Any]:
        """The report in the published JSON schema."""
        return {
            "schema_version": SCHEMA_VERSION,
            "pairs": [p.as_json() for p in self.pairs],
            "reference_matches": [r.as_json() for r in self.reference_matches],
        }

    @property
    def flagged_pairs(self) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if p.flagged)

    @property
    def flagged_references(self) -> tuple[ReferenceMatch, ...]:
        return tuple(r for r in self.reference_matches if r.flagged)

    def similar_to(self) -> dict[str, tuple[str, ...]]:
        """Per submission, what it was flagged as too alike to: ``"bob (crud)"``, or
        ``"a known solution (crud)"`` for a leaked answer; submissions with nothing are left out."""
        found: dict[str, list[str]] = {}
        for p in self.flagged_pairs:
            found.setdefault(p.a, []).append(f"{p.b} ({p.challenge})")
            found.setdefault(p.b, []).append(f"{p.a} ({p.challenge})")
        for r in self.flagged_references:
            found.setdefault(r.submission, []).append(f"a known solution ({r.challenge})")
        return {name: tuple(sorted(set(items))) for name, items in sorted(found.items())}
