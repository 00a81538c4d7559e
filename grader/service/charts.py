"""Plots drawn on the server as inline SVG: no script, no CDN, no fetch.

Only SVG presentation attributes are used (no ``style``), so the pages' policy of no
inline styles holds; every label is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0..1 for pass rates
    note: str = ""  # shown at the bar's end
    title: str = ""  # the tooltip


def histogram(percents: Sequence[float], bins: int = 10, width: int = 420, height: int = 180) -> Markup:
    """How many scores fall in each tenth of 0-100%."""
    counts = [0] * bins
    for p in percents:
        counts[min(bins - 1, max(0, int(p // (100 / bins))))] += 1
    top = max(counts) or 1
    left, bottom, chart_h = 28, 28, height - 40
    step = (width - left - 8) / bins
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="score histogram: {len(percents)} graded submissions">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}" class="axis"/>',
    ]
    for i, count in enumerate(counts):
        h = chart_h * count / top
        x = left + i * step + 2
        y = height - bottom - h
        lo, hi = i * 100 // bins, (i + 1) * 100 // bins
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step - 4:.1f}" height="{h:.1f}" class="bar">'
            f"<title>{lo}-{hi}%: {count}</title></rect>"
        )
        if count:
            parts.append(f'<text x="{x + (step - 4) / 2:.1f}" y="{y - 3:.1f}" class="count">{count}</text>')
        parts.append(
            f'<text x="{x + (step - 4) / 2:.1f}" y="{height - bottom + 14}" class="tick">{lo}</text>'
        )
    parts.append(f'<text x="{width - 4}" y="{height - 2}" class="tick end">% score</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(items: Sequence[Bar], width: int = 560, row: int = 18, label_width: int = 260) -> Markup:
    """Horizontal bars of shares (0..1), one a row: the item analysis's pass rates."""
    height = row * len(items) + 6
    span = width - label_width - 60
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="pass rate per test">'
    ]
    for i, item in enumerate(items):
        y = 3 + i * row
        w = max(0.0, min(1.0, item.value)) * span
        label = item.label if len(item.label) <= 36 else item.label[:35] + "…"
        parts.append(
            f"<g><title>{escape(item.title or item.label)}</title>"
            f'<text x="{label_width - 6}" y="{y + row - 6}" class="label end">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 2}" width="{span}" height="{row - 5}" class="track"/>'
            f'<rect x="{label_width}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" '
            f'class="bar{" low" if item.value < 0.3 else ""}"/>'
            f'<text x="{label_width + span + 6}" y="{y + row - 6}" class="count">'
            f"{escape(item.note)}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def meter(share: float, width: int = 80) -> Markup:
    """A small bar for a share (0..1) in a table cell."""
    w = max(0.0, min(1.0, share)) * width
    return Markup(
        f'<svg class="meter" viewBox="0 0 {width} 8" width="{width}" height="8" aria-hidden="true">'
        f'<rect width="{width}" height="8" class="track"/>'
        f'<rect width="{w:.1f}" height="8" class="bar"/></svg>'
    )
