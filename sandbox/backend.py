"""The backend interface: run challenges in isolation and give back validated outcomes.

A backend receives ``ChallengeRun`` requests (bytes in: the candidate's file,
the test files, limits) and returns one ``RunOutcome`` per run, built only from
protocol records it parsed and validated (``sandbox.protocol``) and from what
it observed itself (exit status, time). Scoring happens elsewhere (``grader``).
"""

from __future__ import annotations

import abc
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from sandbox.protocol import Job, parse_records

Ended = Literal["completed", "timeout", "crashed", "output_limit", "failed_to_start"]


@dataclass(frozen=True)
class ChallengeRun:
    """One challenge to run against one solution."""

    challenge_id: str
    solution: bytes
    test_files: tuple[tuple[str, bytes], ...]  # ("public/test_x.py", content), ...
    requires: tuple[str, ...]
    time_limit: float
    test_timeout: float
    binds: tuple[str, ...] = ()


@dataclass(frozen=True)
class TestRecord:
    """One test item's outcome as the harness reported it (already validated)."""

    __test__ = False

    name: str
    visibility: str
    case: str
    status: str
    message: str
    details: str
    duration: float
    line: int | None
    output: str


@dataclass(frozen=True)
class RunOutcome:
    """What came back from running one challenge."""

    challenge_id: str
    ended: Ended
    duration: float
    exit_code: int | None = None
    network_isolated: bool = False
    imported: bool = False  # the harness finished importing the solution (and said how it went)
    import_ok: bool = False
    import_message: str = ""
    import_output: str = ""
    missing_names: tuple[str, ...] = ()
    collect_errors: tuple[tuple[str, str], ...] = ()
    tests: tuple[TestRecord, ...] = ()
    last_started: tuple[str, str] | None = None  # (visibility, name) of the test running last
    stderr: str = ""
    rejected_records: int = 0


def outcome_from_stream(
    run: ChallengeRun,
    stdout: bytes,
    nonce: str,
    *,
    ended: Ended,
    duration: float,
    exit_code: int | None,
    stderr: str = "",
) -> RunOutcome:
    """Build a ``RunOutcome`` from the harness's raw stdout (records are parsed and validated)."""
    records, rejected = parse_records(stdout, nonce)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_kind.setdefault(record["kind"], []).append(record)
    ready = by_kind.get("ready", [])
    imported = by_kind.get("import", [])
    starts = by_kind.get("start", [])
    if ended == "completed" and not by_kind.get("done"):
        ended = "crashed" if ready else "failed_to_start"
    imp = imported[0] if imported else None
    return RunOutcome(
        challenge_id=run.challenge_id,
        ended=ended,
        duration=duration,
        exit_code=exit_code,
        network_isolated=bool(ready and ready[0]["network_isolated"]),
        imported=imp is not None,
        import_ok=bool(imp and imp["ok"]),
        import_message=imp["message"] if imp else "",
        import_output=imp["output"] if imp else "",
        missing_names=tuple(imp["missing"]) if imp else (),
        collect_errors=tuple((r["file"], r["message"]) for r in by_kind.get("collect_error", [])),
        tests=tuple(
            TestRecord(
                name=r["name"],
                visibility=r["visibility"],
                case=r["case"],
                status=r["status"],
                message=r["message"],
                details=r["details"],
                duration=r["duration"],
                line=r["line"],
                output=r["output"],
            )
            for r in by_kind.get("test", [])
        ),
        last_started=(starts[-1]["visibility"], starts[-1]["name"]) if starts else None,
        stderr=stderr,
        rejected_records=rejected,
    )


def harness_root() -> Path:
    """The folder that holds the ``sandbox`` package, for the harness's ``sys.path``."""
    return Path(__file__).resolve().parent.parent


def prepare_workdir(run: ChallengeRun, job: Job) -> Path:
    """A private (0700) folder laid out as the harness expects; the caller removes it."""
    work = Path(tempfile.mkdtemp(prefix=f"grader-{run.challenge_id}-"))
    (work / "solution").mkdir()
    (work / "solution" / "solution.py").write_bytes(run.solution)
    (work / "tmp").mkdir()
    for rel, content in run.test_files:
        target = work / "tests" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    (work / "job.json").write_text(job.to_json(), encoding="utf-8")
    return work


def new_job(run: ChallengeRun, **options: Any) -> Job:
    """The harness job for ``run`` with a fresh nonce."""
    return Job(
        challenge_id=run.challenge_id,
        nonce=secrets.token_hex(16),
        requires=run.requires,
        test_timeout=run.test_timeout,
        binds=run.binds,
        **options,
    )


def remove_workdir(work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)


class Backend(abc.ABC):
    """Runs challenges in isolation. Subclasses implement ``run_one``."""

    name: ClassVar[str]

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs or 1)

    @property
    @abc.abstractmethod
    def isolation(self) -> str:
        """A short description of the isolation this backend gives (for reports)."""

    @abc.abstractmethod
    def run_one(self, run: ChallengeRun) -> RunOutcome:
        """Run one challenge in a fresh process and return its outcome; never raises for
        anything the candidate's code does."""

    def run(
        self,
        runs: Sequence[ChallengeRun],
        on_done: Callable[[RunOutcome], None] | None = None,
    ) -> list[RunOutcome]:
        """Run every request (up to ``jobs`` at once); outcomes in the order of ``runs``."""
        outcomes: list[RunOutcome] = []
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            for future in [pool.submit(self.run_one, run) for run in runs]:
                outcome = future.result()
                if on_done:
                    on_done(outcome)
                outcomes.append(outcome)
        return outcomes


def python_executable() -> str:
    """The interpreter the harness runs under on the local backend (the grader's own)."""
    return sys.executable
