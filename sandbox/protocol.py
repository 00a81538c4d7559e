"""What crosses the sandbox boundary, in both directions, and how the host reads it.

Host -> harness: a job file (JSON) in the challenge's private work folder.
Harness -> host: records on the harness's own stdout, one per line, each
``@@grader:<nonce> <json object>``. Candidate output never reaches that
stream: the harness points file descriptors 1 and 2 at a capture file before
any candidate code runs. The host reads a capped number of bytes, keeps only
lines with the run's nonce, parses each as JSON and validates every field
(type, allowed values, length) before use. Nothing is unpickled and no verdict
is taken from an exit code or from printed text.

Records, in the order the harness writes them::

    {"kind": "ready", "network_isolated": bool}
    {"kind": "import", "ok": bool, "message": str, "missing": [str], "line": int|null,
     "output": str}
    {"kind": "collect_error", "file": str, "message": str}
    {"kind": "start", "name": str, "visibility": str, "case": str}
    {"kind": "test", "name": str, "visibility": str, "case": str, "status": str,
     "message": str, "details": str, "duration": float, "line": int|null, "output": str}
    {"kind": "done"}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

RECORD_PREFIX = "@@grader:"
FRAME_PREFIX = "@@frame:"  # the supervisor's frame headers: sandbox.harness.supervisor
MAX_TEXT = 4000  # characters kept of any message or captured output
MAX_RECORD = 64 * 1024  # bytes of one record line
TEST_STATUSES = ("passed", "failed", "error", "timeout", "skipped")
VISIBILITIES = ("public", "hidden")


@dataclass(frozen=True)
class Job:
    """One challenge to run in one fresh process: everything the harness needs to know."""

    challenge_id: str
    nonce: str
    requires: tuple[str, ...]
    test_timeout: float
    binds: tuple[str, ...] = ()
    isolate_network: bool = False
    rlimits: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "challenge_id": self.challenge_id,
                "nonce": self.nonce,
                "requires": list(self.requires),
                "test_timeout": self.test_timeout,
                "binds": list(self.binds),
                "isolate_network": self.isolate_network,
                "rlimits": self.rlimits,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Job:
        data = json.loads(text)
        return cls(
            challenge_id=str(data["challenge_id"]),
            nonce=str(data["nonce"]),
            requires=tuple(str(n) for n in data["requires"]),
            test_timeout=float(data["test_timeout"]),
            binds=tuple(str(b) for b in data.get("binds", ())),
            isolate_network=bool(data.get("isolate_network", False)),
            rlimits={str(k): int(v) for k, v in data.get("rlimits", {}).items()},
        )


class RecordError(ValueError):
    """A record line from the sandbox is not what the protocol allows."""


def parse_records(stream: bytes, nonce: str) -> tuple[list[dict[str, Any]], int]:
    """The valid records carrying ``nonce`` in ``stream``, and how many lines were rejected."""
    prefix = f"{RECORD_PREFIX}{nonce} ".encode()
    records: list[dict[str, Any]] = []
    rejected = 0
    for line in stream.split(b"\n"):
        if not line.startswith(prefix):
            continue
        try:
            if len(line) > MAX_RECORD:
                raise RecordError("record too long")
            records.append(validate_record(json.loads(line[len(prefix) :].decode("utf-8"))))
        except (RecordError, ValueError, UnicodeDecodeError):
            rejected += 1
    return records, rejected


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise RecordError(f"{key} is not a string")
    return value[:MAX_TEXT]


def _line(data: dict[str, Any]) -> int | None:
    value = data.get("line")
    if value is None:
        return None
    if type(value) is not int or value < 0:
        raise RecordError("line is not a line number")
    return value


def validate_record(data: Any) -> dict[str, Any]:
    """Check one decoded record against the protocol and return a clean copy of it."""
    if not isinstance(data, dict):
        raise RecordError("record is not an object")
    kind = data.get("kind")
    if kind == "ready":
        return {"kind": kind, "network_isolated": data.get("network_isolated") is True}
    if kind == "import":
        missing = data.get("missing", [])
        if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
            raise RecordError("missing is not a list of names")
        return {
            "kind": kind,
            "ok": data.get("ok") is True,
            "message": _text(data, "message"),
            "missing": [m[:100] for m in missing[:50]],
            "line": _line(data),
            "output": _text(data, "output"),
        }
    if kind == "collect_error":
        return {"kind": kind, "file": _text(data, "file"), "message": _text(data, "message")}
    if kind in ("start", "test"):
        clean: dict[str, Any] = {
            "kind": kind,
            "name": _text(data, "name"),
            "visibility": _text(data, "visibility"),
            "case": _text(data, "case"),
        }
        if clean["visibility"] not in VISIBILITIES:
            raise RecordError("unknown visibility")
        if kind == "test":
            status = data.get("status")
            duration = data.get("duration", 0.0)
            if status not in TEST_STATUSES:
                raise RecordError("unknown test status")
            if type(duration) not in (int, float) or not 0 <= duration < 1e6:
                raise RecordError("duration is not a number of seconds")
            clean.update(
                status=status,
                message=_text(data, "message"),
                details=_text(data, "details"),
                duration=float(duration),
                line=_line(data),
                output=_text(data, "output"),
            )
        return clean
    if kind == "done":
        return {"kind": kind}
    raise RecordError("unknown record kind")
