"""The wire between the host and the sandbox: every message that crosses the boundary.

One module owns the whole protocol, in both directions, and the vocabulary
that ``grader`` shares with the harness (visibilities, test statuses, how a
run ended). Every message is a frozen dataclass with ``to_json``/``from_json``;
``from_json`` validates every field (type, allowed values, length) and cleans
every text (``clean_text``), so nothing from the sandbox is used before it has
been checked here. Nothing is unpickled; no verdict is taken from an exit code
or from printed text.

Host -> supervisor (its stdin), one *session*::

    <SessionHeader as JSON>\\n<the files' bytes, in the order the header lists them>

Supervisor -> host (its stdout), one *frame* per job, in the order jobs end::

    @@frame:<session nonce> <FrameHeader as JSON>\\n<size bytes: the job's record stream>

A job's record stream (the harness's private copy of its stdout; the
candidate's output goes to a capture file instead), one record per line::

    @@grader:<job nonce> <record as JSON>\\n

in the order ``read_transcript`` checks: ``ready``, ``import``, then a
``start`` and a ``test`` for each test in the order the host expects them,
then ``done``; ``refused`` and ``tampered`` may come anywhere after
``ready``. A ``collect_error`` says a test file could not be loaded.

Host <-> precompile run (``sandbox.harness.precompile``)::

    in:  {"sizes": [int, ...]}\\n<the sources' bytes, in order>
    out: {"tail": str, "sizes": [int, ...]}\\n<the pycs' bytes, in order>
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Literal

Visibility = Literal["public", "hidden"]
VISIBILITIES: tuple[Visibility, ...] = ("public", "hidden")
CanaryKind = Literal["pass", "fail"]

RECORD_PREFIX = "@@grader:"
FRAME_PREFIX = "@@frame:"
MAX_TEXT = 4000  # characters kept of any message or captured output
MAX_NAME = 200  # characters of a test's name or case, a file name, an event
MAX_RECORD = 64 * 1024  # bytes of one record line
MAX_FRAME_HEADER = 4096  # bytes of one frame header line
MAX_SESSION_HEADER = 1024 * 1024  # bytes of the session header line
MAX_PRECOMPILE_INPUT = 64 * 1024 * 1024  # bytes of sources one precompile run takes


class TestStatus(StrEnum):
    """The outcome of one test, as the harness reports it and the results show it."""

    __test__ = False

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"


class Ended(StrEnum):
    """How a run (a job, or a whole session) ended, as the supervisor or backend saw it."""

    COMPLETED = "completed"  # exited by itself, having said ``done``
    TIMEOUT = "timeout"  # killed at its time limit
    CRASHED = "crashed"  # exited or was killed before saying ``done``
    OUTPUT_LIMIT = "output_limit"  # wrote more records than the cap
    FAILED_TO_START = "failed_to_start"  # the sandbox never got to run the harness
    OOM = "oom"  # killed for memory


class WireError(ValueError):
    """A message from the other side is not what the protocol allows."""


# -- text ------------------------------------------------------------------------

# Anything ``clean_text`` changes; most text holds none of it and is returned as it is.
_NEEDS_WORK = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
# Whole terminal sequences (ECMA-48), so that no "[2K" is left behind when ESC goes:
# CSI (cursor movement, erase, colour) up to its final byte; OSC, DCS, SOS, PM and APC
# strings up to their terminator (BEL or ST), or the end of the line when unterminated;
# every other escape (ESC 7, ESC c, ESC ( B, ...); and the same introduced by C1 bytes.
# Neighbouring character classes do not overlap, so matching stays linear on any input.
_CSI = "[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
_STRING = "[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\\\|\x9c)?"
_TERMINAL = re.compile(
    f"\x1b(?:\\[{_CSI}|[\\]PX^_]{_STRING}|[\x20-\x2f]*[\x30-\x7e]?)|\x9b{_CSI}|[\x90\x98\x9d-\x9f]{_STRING}"
)
# Control characters but tab and newline, C1 controls, and the bidirectional marks,
# embeddings, overrides and isolates ("Trojan source" reordering).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NOT_CHARACTERS = re.compile("[\ufffe\uffff]")  # XML 1.0 cannot carry these two


def clean_text(value: str, limit: int | None = MAX_TEXT) -> str:
    """``value`` as any report can carry it and any terminal shows it as written, cut to
    ``limit`` characters: lone surrogates become U+FFFD (a valid pair its character),
    terminal escape sequences and bidirectional controls are removed, a carriage return
    becomes a line break, every other control character but tab and newline is removed."""
    if _NEEDS_WORK.search(value):
        if _SURROGATE.search(value):
            value = _PAIR.sub(_joined, value)
            value = _SURROGATE.sub("\ufffd", value)
        value = _TERMINAL.sub("", value)
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = _UNSAFE.sub("", value)
        value = _NOT_CHARACTERS.sub("\ufffd", value)
    if limit is None or len(value) <= limit:
        return value
    return value[: limit - 16] + "\n[... truncated]"


def _joined(pair: re.Match[str]) -> str:
    return pair.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def _text(data: dict[str, Any], key: str, limit: int = MAX_TEXT) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise WireError(f"{key} is not a string")
    return clean_text(value, limit)


def _name(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if (
        not isinstance(value, str)
        or len(value) > MAX_NAME
        or _UNSAFE.search(value)
        or _SURROGATE.search(value)
    ):
        raise WireError(f"{key} is not a name")
    return value


def _flag(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    if type(value) is not bool:
        raise WireError(f"{key} is not true or false")
    return value


def _int(data: dict[str, Any], key: str, low: int = 0, high: int = 2**62) -> int:
    value = data.get(key)
    if type(value) is not int or not low <= value <= high:
        raise WireError(f"{key} is not a whole number from {low} to {high}")
    return value


def _seconds(data: dict[str, Any], key: str) -> float:
    value = data.get(key)
    if type(value) not in (int, float):
        raise WireError(f"{key} is not a number of seconds")
    seconds = float(value)  # type: ignore[arg-type]
    if not math.isfinite(seconds) or not 0 <= seconds < 1e6:
        raise WireError(f"{key} is not a number of seconds")
    return seconds


def _line(data: dict[str, Any]) -> int | None:
    value = data.get("line")
    if value is None:
        return None
    if type(value) is not int or not 0 <= value < 10**7:
        raise WireError("line is not a line number")
    return value


def _names(data: dict[str, Any], key: str, most: int = 50) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or len(value) > most:
        raise WireError(f"{key} is not a list of names")
    return tuple(_name({"n": item}, "n") for item in value)


def _choice(data: dict[str, Any], key: str, allowed: Iterable[str]) -> str:
    value = data.get(key)
    if value not in tuple(allowed):
        raise WireError(f"{key} is not one of the allowed values")
    return str(value)


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WireError(f"{what} is not an object")
    return value


def _decode_json(raw: bytes, what: str) -> dict[str, Any]:
    try:
        return _object(json.loads(raw.decode("utf-8")), what)
    except (UnicodeDecodeError, RecursionError, ValueError) as exc:
        if isinstance(exc, WireError):
            raise
        raise WireError(f"{what} is not JSON") from None


def _dumps(data: dict[str, Any]) -> bytes:
    # ASCII only, so a lone surrogate in a string travels as an escape and is cleaned on arrival.
    return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")


# -- records: harness -> host ----------------------------------------------------


@dataclass(frozen=True)
class Ready:
    """The harness is running, its limits set; whether it cut the network off itself."""

    kind: ClassVar[str] = "ready"
    network_isolated: bool

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "network_isolated": self.network_isolated}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Ready:
        return cls(_flag(data, "network_isolated"))


@dataclass(frozen=True)
class Import:
    """How importing ``solution.py`` went: ``ok`` when the tests can run against it."""

    kind: ClassVar[str] = "import"
    ok: bool
    message: str = ""
    missing: tuple[str, ...] = ()  # names the challenge requires that the module lacks
    line: int | None = None
    output: str = ""  # what the import printed

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "message": self.message,
            "missing": list(self.missing),
            "line": self.line,
            "output": self.output,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Import:
        return cls(
            _flag(data, "ok"),
            _text(data, "message"),
            _names(data, "missing"),
            _line(data),
            _text(data, "output"),
        )


@dataclass(frozen=True)
class CollectError:
    """A test file could not be loaded."""

    kind: ClassVar[str] = "collect_error"
    file: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "file": self.file, "message": self.message}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CollectError:
        return cls(_name(data, "file"), _text(data, "message"))


@dataclass(frozen=True)
class Start:
    """A test is about to run (the host knows which one was running if the process dies)."""

    kind: ClassVar[str] = "start"
    name: str
    case: str = ""  # the parametrized case's id, "" for a plain test

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "case": self.case}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Start:
        return cls(_name(data, "name"), _name(data, "case"))


@dataclass(frozen=True)
class Test:
    """One test item's outcome."""

    __test__ = False
    kind: ClassVar[str] = "test"
    name: str
    case: str
    status: TestStatus
    message: str = ""
    details: str = ""  # the short traceback
    duration: float = 0.0
    line: int | None = None  # the line of solution.py where it failed
    output: str = ""  # what the candidate's code printed during the test

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "case": self.case,
            "status": str(self.status),
            "message": self.message,
            "details": self.details,
            "duration": self.duration,
            "line": self.line,
            "output": self.output,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Test:
        return cls(
            _name(data, "name"),
            _name(data, "case"),
            TestStatus(_choice(data, "status", (s.value for s in TestStatus))),
            _text(data, "message"),
            _text(data, "details"),
            _seconds(data, "duration"),
            _line(data),
            _text(data, "output"),
        )


@dataclass(frozen=True)
class Refused:
    """The harness's audit hook refused something only tampering needs (``event``)."""

    kind: ClassVar[str] = "refused"
    event: str
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "event": self.event, "detail": self.detail}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Refused:
        return cls(_name(data, "event"), _text(data, "detail", MAX_NAME * 2))


@dataclass(frozen=True)
class Tampered:
    """The harness found the test machinery changed under it (builtins, pytest, the harness)."""

    kind: ClassVar[str] = "tampered"
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tampered:
        return cls(_text(data, "reason", MAX_NAME * 2))


@dataclass(frozen=True)
class Done:
    """The harness finished every test; nothing may follow."""

    kind: ClassVar[str] = "done"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Done:
        return cls()


Record = Ready | Import | CollectError | Start | Test | Refused | Tampered | Done
_RECORDS: dict[str, Callable[[dict[str, Any]], Record]] = {
    cls.kind: cls.from_json for cls in (Ready, Import, CollectError, Start, Test, Refused, Tampered, Done)
}


def encode_record(record: Record, nonce: str) -> bytes:
    """One record as the line the harness writes."""
    return f"{RECORD_PREFIX}{nonce} ".encode() + _dumps(record.to_json()) + b"\n"


def decode_record(line: bytes, nonce: str) -> Record:
    """The record on one line of a job's stream; ``WireError`` unless it is a valid record of
    this job (its nonce, a known kind, every field as the protocol says)."""
    prefix = f"{RECORD_PREFIX}{nonce} ".encode()
    if not line.startswith(prefix):
        raise WireError("a line of the record stream is not a record of this run")
    if len(line) > MAX_RECORD:
        raise WireError("a record is too long")
    data = _decode_json(line[len(prefix) :], "a record")
    decode = _RECORDS.get(data.get("kind"))  # type: ignore[arg-type]
    if decode is None:
        raise WireError("a record is of no known kind")
    return decode(data)


# -- the session: host -> supervisor ----------------------------------------------


@dataclass(frozen=True)
class Canary:
    """A control test the harness adds to a test module: made for one run, named and built
    like that challenge's tests, placed before ``before`` (a top-level test of the module,
    or at its end when empty). A ``pass`` canary cannot fail and a ``fail`` canary cannot
    pass, unless something rewrote the verdicts."""

    name: str
    file: str
    before: str
    line: int  # the line its code says it starts on
    source: str
    expect: CanaryKind

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.file,
            "before": self.before,
            "line": self.line,
            "source": self.source,
            "expect": self.expect,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Canary:
        expect: CanaryKind = "pass" if _choice(data, "expect", ("pass", "fail")) == "pass" else "fail"
        source = data.get("source")
        if not isinstance(source, str) or len(source) > 64 * 1024:
            raise WireError("a canary's source is not text")
        return cls(
            _name(data, "name"),
            _name(data, "file"),
            _name(data, "before"),
            _int(data, "line", 1, 10**6),
            source,
            expect,
        )


@dataclass(frozen=True)
class Job:
    """One challenge's phase to run in one fresh process: everything the harness needs."""

    challenge_id: str
    phase: Visibility
    nonce: str
    requires: tuple[str, ...]
    test_timeout: float
    binds: tuple[str, ...] = ()
    real_ddl: bool = False  # each test's schema by DDL, not a copy (sandbox.harness.fixtures)
    isolate_network: bool = False
    import_timeout: float = 10.0  # the harness stops an import of solution.py that takes longer
    rlimits: tuple[tuple[str, int], ...] = ()  # (name, value): as, cpu, fsize, nproc, nofile
    canaries: tuple[Canary, ...] = ()
    # Stop at the first test that does not pass (pytest -x): for runs whose only question is
    # "does any test fail" (mutants); the transcript then ends early, and ``read_transcript``
    # accepts that only when told the same and the last test did not pass.
    stop_first: bool = False
    # Tests (by name) to run before the others, in this order; the rest keep theirs
    # (``run_order``). The host expects the same order.
    first: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "challenge_id": self.challenge_id,
            "phase": self.phase,
            "nonce": self.nonce,
            "requires": list(self.requires),
            "test_timeout": self.test_timeout,
            "import_timeout": self.import_timeout,
            "binds": list(self.binds),
            "real_ddl": self.real_ddl,
            "isolate_network": self.isolate_network,
            "rlimits": [[name, value] for name, value in self.rlimits],
            "canaries": [c.to_json() for c in self.canaries],
            "stop_first": self.stop_first,
            "first": list(self.first),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        rlimits = data.get("rlimits", [])
        canaries = data.get("canaries", [])
        if not isinstance(rlimits, list) or not isinstance(canaries, list):
            raise WireError("rlimits and canaries are lists")
        pairs = []
        for pair in rlimits:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise WireError("an rlimit is a [name, value] pair")
            pairs.append(
                (
                    _choice({"n": pair[0]}, "n", ("as", "cpu", "fsize", "nproc", "nofile")),
                    _int({"v": pair[1]}, "v"),
                )
            )
        return cls(
            challenge_id=_name(data, "challenge_id"),
            phase="public" if _choice(data, "phase", VISIBILITIES) == "public" else "hidden",
            nonce=_name(data, "nonce"),
            requires=_names(data, "requires", 200),
            test_timeout=_seconds(data, "test_timeout"),
            import_timeout=_seconds(data, "import_timeout"),
            binds=_names(data, "binds"),
            real_ddl=_flag(data, "real_ddl"),
            isolate_network=_flag(data, "isolate_network"),
            rlimits=tuple(pairs),
            canaries=tuple(Canary.from_json(_object(c, "a canary")) for c in canaries),
            stop_first=_flag(data, "stop_first") if "stop_first" in data else False,
            first=_names(data, "first", 10_000),
        )


def run_order(names: Sequence[str], first: Sequence[str]) -> list[int]:
    """The order tests run in when those named in ``first`` go first: positions in ``names``
    (the tests in file order), ``first``'s tests in its order (the cases of one test kept
    together, in their order), then every other test in its place. The harness orders
    pytest's items by it, and the host its expected tests, so both agree."""
    rank = {name: at for at, name in enumerate(first)}
    return sorted(range(len(names)), key=lambda i: (rank.get(names[i], len(rank)), i))


@dataclass(frozen=True)
class FileEntry:
    """A file the job gets, by its path in the job's folder; its bytes follow the header."""

    path: str
    size: int


@dataclass(frozen=True)
class JobSpec:
    """A job as the session lists it: where it sits, its limits, its job, its files."""

    index: int
    time_limit: float
    record_cap: int
    job: Job
    files: tuple[FileEntry, ...]

    @property
    def phase(self) -> Visibility:
        return self.job.phase


@dataclass(frozen=True)
class SessionHeader:
    """What one supervisor runs: its jobs (public ones first), how many at once, and where."""

    nonce: str
    parallel: int
    clean_all: bool  # the sandbox is the supervisor's alone: sweep every process, scrub /tmp
    work: str  # the writable folder, as the supervisor sees it
    jobs: tuple[JobSpec, ...]

    def encode(self) -> bytes:
        """The header line (the files' bytes follow it)."""
        return (
            _dumps(
                {
                    "nonce": self.nonce,
                    "parallel": self.parallel,
                    "clean_all": self.clean_all,
                    "work": self.work,
                    "jobs": [
                        {
                            "index": spec.index,
                            "time_limit": spec.time_limit,
                            "record_cap": spec.record_cap,
                            "job": spec.job.to_json(),
                            "files": [[f.path, f.size] for f in spec.files],
                        }
                        for spec in self.jobs
                    ],
                }
            )
            + b"\n"
        )

    @classmethod
    def decode(cls, line: bytes) -> SessionHeader:
        """The header from its line; ``WireError`` when it is malformed."""
        data = _decode_json(line, "the session header")
        jobs = data.get("jobs")
        if not isinstance(jobs, list):
            raise WireError("jobs is not a list")
        specs = []
        for raw in jobs:
            spec = _object(raw, "a job")
            files = spec.get("files")
            if not isinstance(files, list) or not all(isinstance(f, list) and len(f) == 2 for f in files):
                raise WireError("files is not a list of [path, size]")
            specs.append(
                JobSpec(
                    index=_int(spec, "index", 0, 10**6),
                    time_limit=_seconds(spec, "time_limit"),
                    record_cap=_int(spec, "record_cap"),
                    job=Job.from_json(_object(spec.get("job"), "a job")),
                    files=tuple(
                        FileEntry(_path({"p": p}, "p"), _int({"s": s}, "s", 0, MAX_PRECOMPILE_INPUT))
                        for p, s in files
                    ),
                )
            )
        work = data.get("work")
        if not isinstance(work, str) or not work.startswith("/"):
            raise WireError("work is not an absolute path")
        return cls(
            _name(data, "nonce"), _int(data, "parallel", 1, 256), _flag(data, "clean_all"), work, tuple(specs)
        )


def _path(data: dict[str, Any], key: str) -> str:
    value = _name(data, key)
    parts = value.split("/")
    if value.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise WireError(f"{key} is not a relative path")
    return value


# -- frames: supervisor -> host ----------------------------------------------------


@dataclass(frozen=True)
class FrameHeader:
    """How one job ended, and how many bytes of its record stream follow."""

    index: int
    ended: Ended
    duration: float
    exit_code: int | None
    size: int
    leftover: int = 0  # processes the job left running, which the supervisor killed

    def encode(self, nonce: str) -> bytes:
        data = {
            "index": self.index,
            "ended": str(self.ended),
            "duration": self.duration,
            "exit_code": self.exit_code,
            "size": self.size,
            "leftover": self.leftover,
        }
        return f"{FRAME_PREFIX}{nonce} ".encode() + _dumps(data) + b"\n"

    @classmethod
    def decode(cls, line: bytes, nonce: str, *, record_cap: int) -> FrameHeader:
        """The header on ``line``; ``WireError`` unless it carries ``nonce`` and every field fits."""
        prefix = f"{FRAME_PREFIX}{nonce} ".encode()
        if not line.startswith(prefix) or len(line) > MAX_FRAME_HEADER:
            raise WireError("not a frame header of this session")
        data = _decode_json(line[len(prefix) :], "a frame header")
        exit_code = data.get("exit_code")
        if exit_code is not None and (type(exit_code) is not int or not -256 < exit_code < 256):
            raise WireError("exit_code is not an exit status")
        return cls(
            index=_int(data, "index", 0, 10**6),
            ended=Ended(_choice(data, "ended", (e.value for e in Ended))),
            duration=_seconds(data, "duration"),
            exit_code=exit_code,
            size=_int(data, "size", 0, record_cap),
            leftover=_int(data, "leftover", 0, 10**6),
        )


# -- precompile: host <-> a run that compiles test modules --------------------------


def precompile_request(sources: Sequence[bytes]) -> bytes:
    """What a precompile run reads."""
    return _dumps({"sizes": [len(s) for s in sources]}) + b"\n" + b"".join(sources)


def read_precompile_request(line: bytes) -> list[int]:
    """The sizes a precompile request announces; ``WireError`` if malformed or too much."""
    data = _decode_json(line, "a precompile request")
    sizes = data.get("sizes")
    if not isinstance(sizes, list) or not all(type(n) is int and n >= 0 for n in sizes):
        raise WireError("sizes is not a list of sizes")
    if sum(sizes) > MAX_PRECOMPILE_INPUT:
        raise WireError("too much to compile")
    return sizes


def precompile_reply(tail: str, pycs: Sequence[bytes]) -> bytes:
    """What a precompile run writes: pytest's pyc name tail, then each source's pyc (b"" if none)."""
    return _dumps({"tail": tail, "sizes": [len(p) for p in pycs]}) + b"\n" + b"".join(pycs)


def read_precompile_reply(data: bytes, count: int) -> tuple[str, list[bytes]]:
    """The tail and ``count`` pycs of a reply, checked to add up; ``WireError`` if not."""
    line, _, body = data.partition(b"\n")
    reply = _decode_json(line, "a precompile reply")
    tail = reply.get("tail")
    sizes = reply.get("sizes")
    if not isinstance(tail, str) or not re.fullmatch(r"\.[\w.-]{1,80}\.pyc", tail):
        raise WireError("tail is not a pyc name tail")
    if not isinstance(sizes, list) or not all(type(n) is int and n >= 0 for n in sizes):
        raise WireError("sizes is not a list of sizes")
    if len(sizes) != count or sum(sizes) != len(body):
        raise WireError("the precompile run's reply does not add up")
    pycs, at = [], 0
    for size in sizes:
        pycs.append(body[at : at + size])
        at += size
    return tail, pycs


# -- reading a job's transcript on the host ---------------------------------------


@dataclass(frozen=True)
class Expected:
    """A test function the host expects a phase to run, in order; ``canary`` for a control
    test (its verdict is known in advance)."""

    name: str
    file: str  # the test file that defines it
    canary: CanaryKind | None = None


@dataclass(frozen=True)
class Transcript:
    """What a job's record stream said, read against what the host expected.

    ``violations`` lists what the stream did that the protocol or the expected order
    does not allow (an unknown test, a second record for one test, a record out of
    order or after the end, bytes that are not records, a wrong canary): any of them
    means the job's verdicts cannot be trusted."""

    ended: Ended
    started: bool = False  # the harness said it was ready
    network_isolated: bool = False
    imported: Import | None = None
    tests: tuple[Test, ...] = ()
    collect_errors: tuple[CollectError, ...] = ()
    refused: tuple[Refused, ...] = ()
    tampered: tuple[Tampered, ...] = ()
    last_started: str | None = None  # the test running when the stream ended, if one was
    violations: tuple[str, ...] = ()


def settle(ended: Ended, *, started: bool, finished: bool) -> Ended:
    """How a run really ended, the one place this is decided: one that exited by itself
    (``COMPLETED``) without ``finished`` its work crashed, or never started if it never
    ``started``. For a job: it said ``ready``, it said ``done``; for a job the supervisor
    never reported: the supervisor reported another job, and never this one."""
    if ended is Ended.COMPLETED and not finished:
        return Ended.CRASHED if started else Ended.FAILED_TO_START
    return ended


def read_transcript(
    stream: bytes,
    nonce: str,
    expected: Sequence[Expected],
    files: Iterable[str],
    ended: Ended,
    *,
    stop_first: bool = False,
) -> Transcript:
    """Read a job's record stream against the tests the host expects, in order, and the
    test files it sent; see ``Transcript``. A stream cut short (a timeout, a crash) is
    fine as long as what is there is a correct beginning. With ``stop_first`` (the job
    asked pytest to stop at the first test that does not pass) a complete run may also
    leave the rest of the expected tests unrun, but only right after a test that did not
    pass, and never a control check."""
    reader = _TranscriptReader(expected, set(files), stop_first=stop_first)
    lines = stream.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines and ended is not Ended.COMPLETED:
        lines.pop()  # the process was stopped in the middle of a line
    for line in lines:
        try:
            record = decode_record(line, nonce)
        except WireError as exc:
            reader.violate(str(exc))
            break
        reader.feed(record)
        if reader.violations:
            break
    if ended is Ended.COMPLETED and reader.saw_done and not reader.violations:
        reader.finish()
    return Transcript(
        ended=settle(ended, started=reader.ready is not None, finished=reader.saw_done),
        started=reader.ready is not None,
        network_isolated=bool(reader.ready and reader.ready.network_isolated),
        imported=reader.imported,
        tests=tuple(reader.tests),
        collect_errors=tuple(reader.collect_errors),
        refused=tuple(reader.refused),
        tampered=tuple(reader.tampered),
        last_started=reader.started.name if reader.started else None,
        violations=tuple(reader.violations),
    )


class _TranscriptReader:
    """The order records must come in: ready, import, (start, test) per expected test, done."""

    def __init__(self, expected: Sequence[Expected], files: set[str], *, stop_first: bool = False) -> None:
        self.expected = list(expected)
        self.files = files
        self.stop_first = stop_first
        self.at = 0  # the index of the next expected test
        self.cases: set[str] = set()  # of the test being reported (parametrized cases)
        self.ready: Ready | None = None
        self.imported: Import | None = None
        self.started: Start | None = None
        self.saw_done = False
        self.tests: list[Test] = []
        self.collect_errors: list[CollectError] = []
        self.refused: list[Refused] = []
        self.tampered: list[Tampered] = []
        self.violations: list[str] = []

    def violate(self, reason: str) -> None:
        self.violations.append(reason)

    def feed(self, record: Record) -> None:
        if self.saw_done:
            return self.violate("a record came after the end of the run")
        if isinstance(record, Ready):
            if self.ready is not None:
                return self.violate("the run said it was ready twice")
            self.ready = record
            return None
        if self.ready is None:
            return self.violate("a record came before the run was ready")
        if isinstance(record, Refused):
            self.refused.append(record)
        elif isinstance(record, Tampered):
            self.tampered.append(record)
        elif isinstance(record, CollectError):
            if record.file not in self.files:
                return self.violate(f"a load error for {record.file!r}, a file the host did not send")
            if self.imported is not None:
                return self.violate("a load error came after the tests were collected")
            self.collect_errors.append(record)
            # That file's tests will not run; the others still do, in order.
            self.expected = [e for e in self.expected if e.file != record.file]
        elif isinstance(record, Import):
            if self.imported is not None:
                return self.violate("the solution was reported imported twice")
            self.imported = record
        elif isinstance(record, Start):
            self._start(record)
        elif isinstance(record, Test):
            self._test(record)
        elif isinstance(record, Done):
            if self.started is not None:
                return self.violate(f"the run ended while {self.started.name} had no result")
            self.saw_done = True
        return None

    def _start(self, record: Start) -> None:
        if self.imported is None or not self.imported.ok:
            return self.violate(f"{record.name} started without a solution to test")
        if self.started is not None:
            return self.violate(f"{record.name} started before {self.started.name} had a result")
        current = self.expected[self.at - 1] if self.at else None
        if current is not None and record.name == current.name:
            # Only a parametrized test (every case named, each once) reports more than once.
            if current.canary or not record.case or "" in self.cases or record.case in self.cases:
                return self.violate(f"a second result for {record.name}")
        elif self.at < len(self.expected) and record.name == self.expected[self.at].name:
            self.at += 1
            self.cases = set()
            if self.expected[self.at - 1].canary and record.case:
                return self.violate(f"a control check ran as a parametrized case ({record.name})")
        else:
            known = any(e.name == record.name for e in self.expected)
            return self.violate(
                f"{record.name} ran out of the expected order"
                if known
                else f"an unknown test {record.name!r} ran"
            )
        self.cases.add(record.case)
        self.started = record
        return None

    def _test(self, record: Test) -> None:
        if self.started is None or (record.name, record.case) != (self.started.name, self.started.case):
            return self.violate(f"a result for {record.name} that was not the test running")
        self.started = None
        current = self.expected[self.at - 1]
        if current.canary == "fail" and record.status in (TestStatus.PASSED, TestStatus.SKIPPED):
            return self.violate("a control check that must fail did not fail")
        if current.canary == "pass" and record.status in (TestStatus.FAILED, TestStatus.SKIPPED):
            return self.violate("a control check that must pass did not pass")
        self.tests.append(record)
        return None

    def finish(self) -> None:
        """At the end of a complete run: every expected test must have run (unless the
        solution could not be imported, or a test file could not be loaded)."""
        if self.imported is None:
            return self.violate("the run ended without importing the solution")
        if not self.imported.ok or self.collect_errors:
            return None
        missing = self.expected[self.at :]
        if any(e.canary for e in missing):
            return self.violate("a control check never ran")
        stopped = self.stop_first and bool(self.tests) and self.tests[-1].status is not TestStatus.PASSED
        if missing and not stopped:
            return self.violate(f"the run ended without running {missing[0].name}")
        return None


__all__ = [
    "FRAME_PREFIX",
    "MAX_TEXT",
    "RECORD_PREFIX",
    "VISIBILITIES",
    "Canary",
    "CanaryKind",
    "CollectError",
    "Done",
    "Ended",
    "Expected",
    "FileEntry",
    "FrameHeader",
    "Import",
    "Job",
    "JobSpec",
    "Ready",
    "Record",
    "Refused",
    "SessionHeader",
    "Start",
    "Tampered",
    "Test",
    "TestStatus",
    "Transcript",
    "Visibility",
    "WireError",
    "clean_text",
    "decode_record",
    "encode_record",
    "precompile_reply",
    "precompile_request",
    "read_precompile_reply",
    "read_precompile_request",
    "read_transcript",
    "run_order",
    "settle",
]
