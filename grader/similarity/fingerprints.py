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

from grader.similarity.tokens import Token

K = 8
W = 1


@dataclass(frozen=True)
class Fingerprints:
    """A file's winnowed k-gram hashes, each with the token positions where its k-gram starts."""

    tokens: tuple[Token, ...]
    positions: dict[int, tuple[int, ...]]

    @property
    def hashes(self) -> frozenset[int]:
        return frozenset(self.positions)

    def lines(self, position: int, k: int = K) -> tuple[int, int]:
        """The first and last line of the k-gram starting at token ``position``."""
        last = self.tokens[min(position + k, len(self.tokens)) - 1]
        return self.tokens[position].line, last.end_line


def kgram_hashes(tokens: Sequence[Token], k: int = K) -> list[int]:
    """The hash of every run of ``k`` tokens, in order (none when there are fewer tokens)."""
    ids = [zlib.crc32(t.text.encode("utf-8", "surrogatepass")) for t in tokens]
    return [hash(tuple(ids[i : i + k])) for i in range(len(ids) - k + 1)]


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


def fingerprint(tokens: Sequence[Token], k: int = K, w: int = W) -> Fingerprints:
    """The fingerprints of a normalized token stream."""
    hashes = kgram_hashes(tokens, k)
    positions: dict[int, list[int]] = {}
    for i in winnow(hashes, w):
        positions.setdefault(hashes[i], []).append(i)
    return Fingerprints(tuple(tokens), {h: tuple(p) for h, p in positions.items()})
