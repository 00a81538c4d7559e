"""Comparing a cohort's answers, challenge by challenge, with each other and with the known solutions.

For one challenge, an answer's **evidence** is its fingerprints less the idioms:

- the challenge's **starter** (every answer begins from it);
- **stack idioms**: runs found in the starters and solutions of at least
  ``stack_min`` different challenges of the pack (``db = SQLAlchemy()``, an
  integer primary key, ``db.session.commit()`` after an add);
- **the challenge's idioms**: runs found in more than ``cohort_share`` of the
  challenge's documents (its answers and its known solutions), once there
  are at least ``cohort_min`` of them.

Two answers' **similarity** is the share of the smaller evidence that the other
holds too (so dead code added to one side does not hide a copy), counted over
at least ``min_evidence`` fingerprints (so two answers with almost nothing of
their own are never "identical"). A pair is **flagged** when its similarity is
at or above the absolute ``threshold`` and stands out against the cohort's own
pairs for that challenge: above their median by ``z`` robust standard
deviations (1.4826 times the median absolute deviation, at least
``spread_floor``), once there are ``relative_min`` pairs to judge by.

Each answer is also compared with the challenge's **known solutions**, by the
Dice coefficient (shared evidence over the mean of both), so that a short,
canonical solution is not "contained" in every longer answer of its style. A
match with the reference is flagged at the same two bars (absolute, and
against the cohort's own similarities to the reference); a match with a good
solution, which shows a common style on purpose and which honest answers of
that style come close to, only from ``good_threshold`` up.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from grader.challenges import Challenge
from grader.similarity.fingerprints import Fingerprints, fingerprint, kgram_hashes
from grader.similarity.report import ChallengeSummary, Match, Pair, ReferenceMatch, SimilarityReport
from grader.similarity.tokens import Stream, normalize

Sources = Mapping[str, Mapping[str, str]]  # submission name -> challenge id -> solution.py text
REFERENCE = "reference.py"


@dataclass(frozen=True)
class Settings:
    """The method's parameters; the defaults are the measured ones (README, "Similarity")."""

    k: int = 8
    w: int = 1
    threshold: float = 0.5
    good_threshold: float = 0.85
    min_evidence: int = 25
    z: float = 3.0
    spread_floor: float = 0.05
    spread_cap: float = 0.1
    relative_min: int = 10
    cohort_share: float = 0.5
    cohort_min: int = 6
    stack_min: int = 4  # 3 left crud's reference three quarters idiom once the pack had 136 good solutions
    reported: int = 100  # unflagged pairs kept per challenge, most alike first


DEFAULTS = Settings()


def compare(
    sources: Sources,
    pack: Mapping[str, Challenge],
    *,
    challenge_ids: Sequence[str] | None = None,
    threshold: float | None = None,
    settings: Settings = DEFAULTS,
    progress: Callable[[ChallengeSummary, int, int], None] | None = None,
) -> SimilarityReport:
    """Compare every pair of answers to each challenge, and every answer with the challenge's known
    solutions. ``challenge_ids`` defaults to the pack's challenges that some submission answers;
    ``threshold`` overrides the absolute bar; ``progress`` hears of each challenge done (its
    summary, how many are done, how many in all). Never raises for any source text."""
    if threshold is not None:
        settings = replace(settings, threshold=threshold)
    if challenge_ids is None:
        challenge_ids = [cid for cid in pack if any(cid in answers for answers in sources.values())]
    stack = _stack_idioms(pack.values(), settings)
    pairs: list[Pair] = []
    references: list[ReferenceMatch] = []
    summaries: list[ChallengeSummary] = []
    notes: list[str] = []
    solution_texts: dict[str, dict[str, str]] = {}
    for cid in challenge_ids:
        challenge = pack[cid]
        answers = {name: by[cid] for name, by in sorted(sources.items()) if cid in by}
        solutions = _solutions(challenge)
        solution_texts[cid] = solutions
        if not solutions:
            notes.append(f"{cid}: the pack has no known solutions, so no answer was compared with one")
        run = _Challenge(challenge, answers, solutions, stack, settings)
        pairs.extend(run.pairs)
        references.extend(run.references)
        summaries.append(run.summary)
        if progress is not None:
            progress(run.summary, len(summaries), len(challenge_ids))
    return SimilarityReport(
        pairs=tuple(pairs),
        reference_matches=tuple(references),
        challenges=tuple(summaries),
        threshold=settings.threshold,
        notes=tuple(notes),
        sources={name: dict(by) for name, by in sources.items()},
        solutions=solution_texts,
    )


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _solutions(challenge: Challenge) -> dict[str, str]:
    """The challenge's reference and good solutions that exist, by path inside ``solutions/``."""
    found: dict[str, str] = {}
    for path in (challenge.reference_path, *challenge.good_solutions()):
        text = _read(path)
        if text is not None:
            found[path.relative_to(challenge.path / "solutions").as_posix()] = text
    return found


@lru_cache(maxsize=1024)
def _pack_stream(text: str) -> Stream:
    """A starter's or known solution's tokens: the pack is read by every comparison, and a
    long-lived process (the review service) compares many cohorts."""
    return normalize(text)


def _all_kgrams(text: str | None, settings: Settings) -> set[int]:
    return set(kgram_hashes(_pack_stream(text), settings.k)) if text else set()


def _stack_idioms(challenges: Iterable[Challenge], settings: Settings) -> frozenset[int]:
    seen: Counter[int] = Counter()
    for challenge in challenges:
        texts = [_read(challenge.starter_path), *_solutions(challenge).values()]
        seen.update(set().union(*(_all_kgrams(t, settings) for t in texts)))
    return frozenset(h for h, n in seen.items() if n >= settings.stack_min)


def _dice(a: frozenset[int], b: frozenset[int], settings: Settings) -> float:
    """Shared evidence over the mean size of both (an answer against a known solution)."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / max(len(a) + len(b), 2 * settings.min_evidence)


def _bar(samples: Sequence[float], settings: Settings) -> float:
    """The similarity a pair must reach: the threshold, or higher where the cohort's own
    similarities (``samples``) are so alike that the threshold would not stand out from them.

    The spread counts between ``spread_floor`` and ``spread_cap``: honest answers of one style
    vary by about that much, and a wider spread is a mix of styles (legacy answers at 0 against a
    2.0 reference, 2.0 answers at 0.3), which says nothing of how far an answer may stand out and
    once raised the bar above a disguised copy of the reference (0.92 on ``crud``)."""
    if len(samples) < settings.relative_min:
        return settings.threshold
    median = statistics.median(samples)
    spread = 1.4826 * statistics.median(abs(x - median) for x in samples)
    spread = min(max(spread, settings.spread_floor), settings.spread_cap)
    return max(settings.threshold, median + settings.z * spread)


class _Challenge:
    """One challenge's comparison: evidence per answer, pairs, matches with solutions, summary."""

    def __init__(
        self,
        challenge: Challenge,
        answers: Mapping[str, str],
        solutions: Mapping[str, str],
        stack: frozenset[int],
        settings: Settings,
    ) -> None:
        s = self.settings = settings
        self.id = challenge.id
        self.prints = {name: fingerprint(normalize(text), s.k, s.w) for name, text in answers.items()}
        self.known = {path: fingerprint(_pack_stream(text), s.k, s.w) for path, text in solutions.items()}
        documents = [*self.prints.values(), *self.known.values()]
        idiom = set(stack) | _all_kgrams(_read(challenge.starter_path), s)
        if len(documents) >= s.cohort_min:
            seen = Counter(h for f in documents for h in f.hashes)
            idiom.update(h for h, n in seen.items() if n > s.cohort_share * len(documents))
        self.evidence = {name: f.hashes - idiom for name, f in self.prints.items()}
        self.known_evidence = {path: f.hashes - idiom for path, f in self.known.items()}
        scored = self._pairs()
        self.references: list[ReferenceMatch] = []
        reference_bar = self._references() if self.known else None
        self.summary = ChallengeSummary(
            id=challenge.id,
            answers=len(self.prints),
            pairs=len(scored),
            median=statistics.median(scored) if scored else 0.0,
            bar=self.bar,
            reference_bar=reference_bar,
            flagged_pairs=sum(p.flagged for p in self.pairs),
            flagged_references=sum(r.flagged for r in self.references),
        )

    def _pairs(self) -> list[float]:
        """Score every pair, keep the flagged ones and the most alike others; all the scores."""
        s = self.settings
        # The share of the smaller evidence the other holds too, over at least min_evidence:
        # written out here, since this loop runs for every pair (20,000 a challenge for 200 answers).
        floor = s.min_evidence
        answers = [(name, e, len(e)) for name, e in self.evidence.items()]
        scored = [
            (len(ea & eb) / max(min(na, nb), floor) if na and nb else 0.0, a, b)
            for (a, ea, na), (b, eb, nb) in combinations(answers, 2)
        ]
        scored.sort(key=lambda t: -t[0])  # stable: ties stay in name order
        self.bar = _bar([sim for sim, _, _ in scored], s)
        flagged = sum(1 for sim, _, _ in scored if sim >= self.bar)
        kept = scored[:flagged] + [t for t in scored[flagged:] if t[0] > 0][: s.reported]
        self.pairs = [
            Pair(a, b, self.id, sim, sim >= self.bar, self._matches(self.prints[a], a, self.prints[b], b))
            for sim, a, b in kept
        ]
        return [sim for sim, _, _ in scored]

    def _references(self) -> float:
        """Match every answer with the known solutions; the bar a match with the reference had to reach."""
        s = self.settings
        against = {
            name: {path: _dice(self.evidence[name], self.known_evidence[path], s) for path in self.known}
            for name in self.prints
        }
        reference_bar = _bar([by[REFERENCE] for by in against.values() if REFERENCE in by], s)
        good_bar = max(reference_bar, s.good_threshold)

        def reached(path: str, sim: float) -> bool:
            return sim >= (reference_bar if path == REFERENCE else good_bar)

        for name, by in against.items():
            # The match shown is one that was flagged if any was, else the closest solution.
            path = max(sorted(by), key=lambda p: (reached(p, by[p]), by[p]))
            matches = self._matches(self.prints[name], name, self.known[path], path, known=True)
            self.references.append(
                ReferenceMatch(name, self.id, by[path], reached(path, by[path]), path, matches)
            )
        return reference_bar

    def _matches(
        self, a: Fingerprints, a_name: str, b: Fingerprints, b_name: str, known: bool = False
    ) -> tuple[Match, ...]:
        shared = self.evidence[a_name] & (self.known_evidence if known else self.evidence)[b_name]
        return _matches(a, b, shared, self.settings.k)


def _matches(a: Fingerprints, b: Fingerprints, shared: frozenset[int], k: int) -> tuple[Match, ...]:
    """The regions of ``a`` and ``b`` that their shared fingerprints cover: runs of fingerprints
    that advance together in both files, merged where they overlap or touch on both sides."""
    points = sorted((a.positions[h], b.positions[h]) for h in shared)
    chains: list[list[int]] = []  # first and last position in a; lowest, highest and last in b
    for pa, pb in points:
        for chain in reversed(chains[-8:]):
            if 0 < pa - chain[1] <= k and 0 < pb - chain[4] <= 2 * k:
                chain[1], chain[4] = pa, pb
                chain[2], chain[3] = min(chain[2], pb), max(chain[3], pb)
                break
        else:
            chains.append([pa, pa, pb, pb, pb])
    regions = [
        Match(a.region(first, last, k), b.region(low, high, k))
        for first, last, low, high, _ in chains
    ]
    merged: list[Match] = []
    for m in sorted(regions, key=lambda m: (m.a_lines, m.b_lines)):
        last = merged[-1] if merged else None
        if last and m.a_lines[0] <= last.a_lines[1] + 1 and _touch(m.b_lines, last.b_lines):
            merged[-1] = Match(
                (last.a_lines[0], max(last.a_lines[1], m.a_lines[1])),
                (min(last.b_lines[0], m.b_lines[0]), max(last.b_lines[1], m.b_lines[1])),
            )
        else:
            merged.append(m)
    return tuple(merged)


def _touch(x: tuple[int, int], y: tuple[int, int]) -> bool:
    """Whether two line ranges overlap or follow each other (one region to a reader)."""
    return x[0] <= y[1] + 1 and y[0] <= x[1] + 1
