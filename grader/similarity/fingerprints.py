"""Fingerprints of a token stream: hashes of its k-grams, winnowed (Schleimer, Wilkerson and
Aiken, "Winnowing: local algorithms for document fingerprinting", SIGMOD 2003, as MOSS does).

Every run of ``K`` tokens is hashed; of each window of ``W`` consecutive hashes
the smallest is kept (the rightmost on a tie), so any common run of at least
``K + W - 1`` tokens is found in both files, and runs shorter than ``K`` never
count. Hashes are stable from process to process (token texts by CRC-32, a
k-gram as a tuple of ints), so a report is the same on every run.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from grader.similarity.tokens import Stream

K = 8
W = 1


@dataclass(frozen=True)
class Fingerprints:
    """A file's winnowed k-gram hashes (``hashes``), each with the token position where its k-gram
    first starts (``positions``), and the tokens' lines."""

    stream: Stream
    positions: dict[int, int]
    hashes: frozenset[int]

    def lines(self, position: int, k: int = K) -> tuple[int, int]:
        """The first and last line of the k-gram starting at token ``position``."""
        return self.region(position, position, k)

    def region(self, first: int, last: int, k: int = K) -> tuple[int, int]:
        """The first and last line of the tokens from the k-gram at ``first`` to the one at ``last``:
        the lowest and highest, since an intermediate's value stands where it is read."""
        end = min(last + k, len(self.stream))
        return min(self.stream.lines[first:end]), max(self.stream.end_lines[first:end])


def kgram_hashes(stream: Stream, k: int = K) -> list[int]:
    """The hash of every run of ``k`` tokens, in order (none when there are fewer tokens)."""
    ids = [_ids.get(t) or _id(t) for t in stream.texts]
    return [hash(tuple(ids[i : i + k])) for i in range(len(ids) - k + 1)]


_ids: dict[str, int] = {}


def _id(text: str) -> int:
    """A token's number, the same in every process (CRC-32 of its text), remembered once seen."""
    number = zlib.crc32(text.encode("utf-8", "surrogatepass")) or 1
    if len(_ids) < 100_000:  # token texts are few (names, operators); a hostile file cannot grow this far
        _ids[text] = number
    return number


def winnow(hashes: Sequence[int], w: int = W) -> list[int]:
    """The positions winnowing selects from ``hashes`` with windows of ``w``."""
    if w <= 1:
        return list(range(len(hashes)))
    if len(hashes) <= w:
        return [_rightmost_min(hashes, 0, len(hashes))] if hashes else []
    chosen: list[int] = []
    for start in range(len(hashes) - w + 1):
        best = _rightmost_min(hashes, start, start + w)
        if not chosen or chosen[-1] != best:
            chosen.append(best)
    return chosen


def _rightmost_min(hashes: Sequence[int], start: int, end: int) -> int:
    best = start
    for i in range(start + 1, end):
        if hashes[i] <= hashes[best]:
            best = i
    return best


def fingerprint(stream: Stream, k: int = K, w: int = W) -> Fingerprints:
    """The fingerprints of a normalized token stream."""
    hashes = kgram_hashes(stream, k)
    positions: dict[int, int] = {}
    for i in winnow(hashes, w):
        positions.setdefault(hashes[i], i)
    return Fingerprints(stream, positions, frozenset(positions))
