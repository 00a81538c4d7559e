"""Similarity in the review service: ``grader.similarity`` run over the submissions an
assessment holds, challenge by challenge, and kept in ``SimilarityCache``.

What is compared: the latest upload of each invitation (a candidate's earlier uploads
would only be "copies" of their own later one), and every submission made through the
API to the assessment. Submissions are named by id inside the comparison, so a cached
result never holds a candidate's name (anonymous review and the reveal need no
recomputing).

A cached row is for one assessment and one challenge, and records the digest of what it
was computed from (the submissions compared, the pack, the grader's version and the
method's settings): a row with another digest is stale. Rows are also deleted when a
submission is added to the assessment or one of its submissions is graded again
(``store``). A page that finds a challenge stale computes it then (``for_assessment``);
the queue's owner computes them ahead of the pages once its queue is idle
(``Dispatcher``, through ``refresh``).

It is for reviewers only: the candidate's pages never read it, and it changes no score.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from grader import __version__
from grader.service import comparing, store
from grader.service.models import Assessment, SimilarityCache, Submission, db, now
from grader.similarity import (
    DEFAULTS,
    ChallengeSummary,
    Match,
    Pair,
    ReferenceMatch,
    Settings,
    SimilarityReport,
)

SETTINGS: Settings = DEFAULTS
# The largest cohort a page computes while it waits: comparing is quadratic in the cohort (200
# submissions of 15 challenges take seconds; 1,000, minutes). Larger ones are left to the queue's owner.
PAGE_COMPUTES_UP_TO = 200


@dataclass(frozen=True)
class CohortSimilarity:
    """One assessment's similarity, every challenge of it: what the review pages show. In
    ``report``, submissions are named by id (``"12"``); per challenge it holds the flagged
    pairs and matches with a known solution, and the ``comparing.NEAR_MISSES`` most alike of the rest."""

    members: tuple[int, ...]  # the submissions compared
    report: SimilarityReport
    pending: tuple[str, ...]  # challenges not computed yet (a large cohort, left to the queue's owner)
    computed_at: datetime | None  # the oldest challenge's
    seconds: float  # the computing time of what is shown (each challenge's share summed)

    def similar_to(self) -> dict[int, list[str]]:
        """Per flagged submission id, most alike first: what it is too alike to (``#12 (crud)``,
        ``a known solution (crud)``), for the cohort's "similar to" column."""
        found: dict[int, list[tuple[float, str]]] = {}
        for p in self.report.flagged_pairs:
            found.setdefault(int(p.a), []).append((p.similarity, f"#{p.b} ({p.challenge})"))
            found.setdefault(int(p.b), []).append((p.similarity, f"#{p.a} ({p.challenge})"))
        for r in self.report.flagged_references:
            found.setdefault(int(r.submission), []).append(
                (r.similarity, f"a known solution ({r.challenge})")
            )
        return {sid: [text for _, text in sorted(items, key=lambda x: -x[0])] for sid, items in found.items()}

    def pairs_of(self, submission_id: int, challenge_id: str) -> list[tuple[int, Pair]]:
        """The flagged pairs of one submission in one challenge, each as (the other's id, the
        pair seen from this submission: it is ``a``, the other ``b``)."""
        me = str(submission_id)
        out = []
        for p in self.report.flagged_pairs:
            if p.challenge == challenge_id and me in (p.a, p.b):
                out.append((int(p.b if p.a == me else p.a), oriented(p, me)))
        return out

    def references_of(self, submission_id: int, challenge_id: str) -> list[ReferenceMatch]:
        me = str(submission_id)
        found = self.report.flagged_references
        return [r for r in found if r.challenge == challenge_id and r.submission == me]


def oriented(pair: Pair, name: str) -> Pair:
    """``pair`` with ``name`` as its ``a`` side (the matches' line ranges swapped to suit)."""
    if pair.a == name:
        return pair
    matches = tuple(sorted((Match(m.b_lines, m.a_lines) for m in pair.matches), key=lambda m: m.a_lines))
    return Pair(pair.b, pair.a, pair.challenge, pair.similarity, pair.flagged, matches)


def members(assessment_id: int) -> list[int]:
    """The submissions of an assessment that are compared: the latest of each invitation,
    and each one made without an invitation (through the API)."""
    latest: dict[tuple[str, int], int] = {}
    for sid, invitation in db.session.execute(
        select(Submission.id, Submission.invitation_id)
        .where(Submission.assessment_id == assessment_id)
        .order_by(Submission.id)
    ):
        latest[("invitation", invitation) if invitation is not None else ("submission", sid)] = sid
    return sorted(latest.values())


def inputs_digest(member_ids: Sequence[int], challenge_id: str) -> str:
    """What a challenge's similarity is computed from, as one digest: a row with another is stale.
    A submission's solutions never change once stored, so its id stands for its answers."""
    what = {
        "members": list(member_ids),
        "challenge": challenge_id,
        "pack": store.context().pack_digest,
        "grader": __version__,
        "settings": asdict(SETTINGS),
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def for_assessment(assessment: Assessment, *, compute: bool | None = None) -> CohortSimilarity:
    """The assessment's similarity, from the cache where it is current; the stale or missing
    challenges are computed now and kept when ``compute`` (by default, when the cohort has at
    most ``PAGE_COMPUTES_UP_TO`` submissions), else left out and named in ``pending``."""
    pack = store.context().pack
    challenge_ids = [cid for cid in assessment.weights if cid in pack]
    ids = members(assessment.id)
    wanted = {cid: inputs_digest(ids, cid) for cid in challenge_ids}
    found = db.session.execute(
        select(SimilarityCache.id, SimilarityCache.challenge_id, SimilarityCache.inputs).where(
            SimilarityCache.assessment_id == assessment.id
        )
    ).all()
    current = {cid: row_id for row_id, cid, inputs in found if wanted.get(cid) == inputs}
    stale = [cid for cid in challenge_ids if cid not in current]
    if compute is None:
        compute = len(ids) <= PAGE_COMPUTES_UP_TO
    if not (stale and compute and ids):
        # Rows are never updated in place, and a current row's content follows from the members and
        # the challenge (the app's pack is fixed): the key names what is assembled.
        assembled: dict[tuple[Any, ...], CohortSimilarity] = current_app.extensions.setdefault(
            "grader.similarity", {}
        )  # per app: a page of a cached cohort parses no JSON again
        key = (assessment.id, tuple(ids), tuple(sorted(current.items())))
        known = assembled.get(key)
        if known is None:
            pending = tuple(stale) if ids else ()
            known = assembled[key] = _assemble(ids, challenge_ids, _parts(current), pending)
            if len(assembled) > 32:
                assembled.pop(next(iter(assembled)))
        return known
    parts = _parts(current)
    try:
        parts.update(_compute(assessment.id, ids, stale, wanted))
    except SimilarityFailed as exc:  # the page goes on without it, saying it is pending
        current_app.logger.warning("grader: %s", exc)
    return _assemble(ids, challenge_ids, parts, tuple(cid for cid in stale if cid not in parts))


def _parts(row_ids: Mapping[str, int]) -> dict[str, tuple[dict[str, Any], datetime, float]]:
    """The cached parts of these rows, by challenge."""
    if not row_ids:
        return {}
    rows = db.session.execute(
        select(
            SimilarityCache.challenge_id,
            SimilarityCache.data,
            SimilarityCache.computed_at,
            SimilarityCache.seconds,
        ).where(SimilarityCache.id.in_(list(row_ids.values())))
    ).all()
    return {cid: (data, at, seconds) for cid, data, at, seconds in rows}


def refresh(assessment_ids: Iterable[int]) -> None:
    """Bring the cache of each assessment up to date (the queue's owner does, once idle)."""
    for aid in sorted(set(assessment_ids)):
        assessment = db.session.get(Assessment, aid)
        if assessment is not None:
            for_assessment(assessment, compute=True)


def _compute(
    assessment_id: int, ids: Sequence[int], challenge_ids: Sequence[str], wanted: Mapping[str, str]
) -> dict[str, tuple[dict[str, Any], datetime, float]]:
    """Compare the stale challenges (in a process of its own: ``grader.service.comparing`` says
    why) and keep each one's part; the parts by challenge."""
    sources: dict[str, dict[str, str]] = {}
    for sid, solutions in db.session.execute(
        select(Submission.id, Submission.solutions).where(Submission.id.in_(ids))
    ):
        answers = {cid: text for cid, text in (solutions or {}).items() if cid in challenge_ids}
        if answers:
            sources[str(sid)] = answers
    pack = next(iter(store.context().pack.values())).path.parent
    try:
        computed, seconds = comparing.in_child(pack, challenge_ids, sources)
    except (OSError, BrokenProcessPool) as exc:
        raise SimilarityFailed(f"comparing failed: {exc}") from exc
    each = seconds / max(1, len(challenge_ids))
    at = now()
    parts = {cid: (part, at, each) for cid, part in computed.items()}
    _store(assessment_id, parts, wanted)
    return parts


class SimilarityFailed(RuntimeError):
    """The comparing process failed: a fault of the grader, never of a submission."""


def _store(
    assessment_id: int, parts: Mapping[str, tuple[dict[str, Any], datetime, float]], wanted: Mapping[str, str]
) -> None:
    """Keep the computed parts, in a short transaction of their own: not the page's (whose
    changes are not this one's to commit), and not one opened before a comparison that took
    seconds (on SQLite, a reader that turns writer after another wrote is refused at once)."""
    rows = [
        {"assessment_id": assessment_id, "challenge_id": cid, "inputs": wanted[cid],
         "computed_at": at, "seconds": seconds, "data": data}
        for cid, (data, at, seconds) in parts.items()
    ]  # fmt: skip
    try:
        with db.engine.begin() as connection:
            connection.execute(
                delete(SimilarityCache).where(
                    SimilarityCache.assessment_id == assessment_id,
                    SimilarityCache.challenge_id.in_(list(parts)),
                )
            )
            connection.execute(insert(SimilarityCache), rows)
    except IntegrityError:
        pass  # another process stored the same challenges at the same moment: theirs is as good


def _lines(span: Sequence[int]) -> tuple[int, int]:
    return int(span[0]), int(span[1])


def _matches_of(data: Sequence[Sequence[Sequence[int]]]) -> tuple[Match, ...]:
    return tuple(Match(_lines(a), _lines(b)) for a, b in data)


def _assemble(
    ids: Sequence[int],
    challenge_ids: Sequence[str],
    parts: Mapping[str, tuple[dict[str, Any], datetime, float]],
    pending: tuple[str, ...],
) -> CohortSimilarity:
    challenge_ids = [cid for cid in challenge_ids if cid in parts]
    summaries: list[ChallengeSummary] = []
    pairs: list[Pair] = []
    references: list[ReferenceMatch] = []
    for cid in challenge_ids:
        data = parts[cid][0]
        summaries.append(ChallengeSummary(**data["summary"]))
        pairs.extend(
            Pair(p["a"], p["b"], cid, p["similarity"], p["flagged"], _matches_of(p["matches"]))
            for p in data["pairs"]
        )
        references.extend(
            ReferenceMatch(
                r["submission"], cid, r["similarity"], r["flagged"], r["solution"], _matches_of(r["matches"])
            )
            for r in data["references"]
        )
    times = [parts[cid][1] for cid in challenge_ids]
    report = SimilarityReport(
        pairs=tuple(pairs),
        reference_matches=tuple(references),
        challenges=tuple(summaries),
        threshold=SETTINGS.threshold,
    )
    return CohortSimilarity(
        members=tuple(ids),
        report=report,
        pending=pending,
        computed_at=min(times) if times else None,
        seconds=sum(parts[cid][2] for cid in challenge_ids),
    )
