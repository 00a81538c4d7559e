"""The mutation results as text (a line per challenge, then each survivor's diff) or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from grader.mutants.run import ChallengeMutation, Status
from grader.sanitize import counted


def as_json(results: Sequence[ChallengeMutation], duration: float) -> dict[str, Any]:
    """Every challenge's score and every mutant's verdict, with its diff."""
    return {
        "ok": all(r.ok for r in results),
        "duration": round(duration, 1),
        "challenges": [
            {
                "id": r.challenge,
                "score": round(r.score, 4),
                "bar": r.bar,
                "ok": r.ok,
                "killed": r.count(Status.KILLED),
                "survived": r.count(Status.SURVIVED),
                "errors": r.count(Status.ERROR),
                "equivalent": r.count(Status.EQUIVALENT),
                "problems": list(r.problems),
                "mutants": [
                    {
                        "id": m.mutant.id,
                        "operator": m.mutant.operator,
                        "line": m.mutant.line,
                        "description": m.mutant.description,
                        "status": str(m.status),
                        "detail": m.detail,
                        "diff": m.mutant.diff,
                    }
                    for m in r.results
                ],
            }
            for r in results
        ],
    }


def render_json(results: Sequence[ChallengeMutation], duration: float) -> str:
    return json.dumps(as_json(results, duration), indent=2) + "\n"


def render_text(results: Sequence[ChallengeMutation], duration: float) -> str:
    """A score line per challenge, then each survivor (and error) with its diff, then the problems."""
    width = max((len(r.challenge) for r in results), default=0)
    lines = []
    for r in results:
        killed = f"{r.count(Status.KILLED)}/{r.counted} killed"
        extra = f", {r.count(Status.EQUIVALENT)} equivalent" if r.count(Status.EQUIVALENT) else ""
        mark = "ok" if r.ok else "BELOW BAR" if not r.problems else "PROBLEM"
        lines.append(f"{r.challenge.ljust(width)}  {r.score:7.1%}  {killed}{extra}  {mark}")
    for r in results:
        for m in r.survivors():
            lines += [
                "",
                f"{r.challenge}: {m.status} {m.mutant.id} (line {m.mutant.line}): {m.mutant.description}",
            ]
            if m.detail:
                lines.append(f"  {m.detail}")
            lines.append(m.mutant.diff.rstrip("\n"))
        lines += [f"{r.challenge}: {p}" for p in r.problems]
    below = [r.challenge for r in results if not r.ok]
    bar = results[0].bar if results else 0.0
    total = sum(len(r.results) for r in results)
    lines += [
        "",
        f"{counted(total, 'mutant')} across {counted(len(results), 'challenge')} in {duration:.0f} s; "
        f"bar {bar:.0%}: "
        + (
            f"{len(below)} below it or with problems ({', '.join(below)})"
            if below
            else "every challenge meets it"
        ),
    ]
    return "\n".join(lines) + "\n"
