"""Run one challenge's tests against one solution, in this (fresh) process.

The work folder, prepared by the backend, holds::

    job.json              the Job (read, then deleted)
    solution/solution.py  the candidate's file, and nothing else of theirs
    tests/public/...      the challenge's test files for this run
    tests/hidden/...

Order matters: limits first, then the output redirection, then pytest, which
imports every test module before the candidate's solution is imported (from a
pytest hook: ``ImportAfterCollection``), then the tests. Records go to the
stream that was stdout at start; from
the redirection on, fds 1 and 2 (and so anything the candidate prints) go to a
capture file that only the harness reads back, capped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import traceback
import types
from pathlib import Path
from typing import Any

from sandbox.protocol import MAX_TEXT, RECORD_PREFIX, Job

OUTPUT_FILE = "output.log"


class Emitter:
    """Writes protocol records to the harness's private copy of the original stdout."""

    def __init__(self, fd: int, nonce: str) -> None:
        self.fd = fd
        self.prefix = f"{RECORD_PREFIX}{nonce} ".encode()

    def emit(self, **record: Any) -> None:
        line = self.prefix + json.dumps(record, ensure_ascii=True).encode() + b"\n"
        view = memoryview(line)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]


def read_capped(path: Path, limit: int = MAX_TEXT, *, start: int = 0) -> str:
    """The start of a file the candidate may have written (from byte ``start``), decoded leniently."""
    try:
        with path.open("rb") as f:
            f.seek(start)
            data = f.read(limit + 1)
    except OSError:
        return ""
    text = data[:limit].decode("utf-8", errors="replace").replace("\x00", "\\0")
    return text + ("\n[... output truncated]" if len(data) > limit else "")


def main(argv: list[str]) -> None:
    job_path = Path(argv[0]).resolve()
    work = job_path.parent
    job = Job.from_json(job_path.read_text(encoding="utf-8"))
    job_path.unlink()

    from sandbox.harness.limits import apply_rlimits, isolate_network

    apply_rlimits(job.rlimits)
    network_isolated = isolate_network() if job.isolate_network else False

    emitter = Emitter(os.dup(1), job.nonce)
    capture = os.open(work / OUTPUT_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(capture, 1)
    os.dup2(capture, 2)
    os.close(capture)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    emitter.emit(kind="ready", network_isolated=network_isolated)
    run_pytest(work, job, emitter)
    emitter.emit(kind="done")
    # Leave without running the candidate's atexit handlers or finalizers.
    os._exit(0)


def import_and_report(work: Path, job: Job, emitter: Emitter) -> types.ModuleType | None:
    """Import the candidate's solution and emit the ``import`` record; the module when the
    tests can run against it."""
    sys.stdout.flush()
    sys.stderr.flush()
    output = work / OUTPUT_FILE
    start = output.stat().st_size
    module, problem = import_solution(work / "solution" / "solution.py", job.requires)
    runnable = module is not None and (problem is None or not problem.fatal)
    sys.stdout.flush()
    sys.stderr.flush()
    emitter.emit(
        kind="import",
        ok=runnable,
        message=problem.message if problem else "",
        missing=problem.missing if problem else [],
        line=problem.line if problem else None,
        output=read_capped(output, start=start),
    )
    return module if runnable else None


class ImportProblem:
    """Why the solution cannot be graded as it is (``fatal``), or what it lacks."""

    def __init__(
        self,
        message: str,
        *,
        missing: list[str] | None = None,
        line: int | None = None,
        fatal: bool = True,
    ) -> None:
        self.message = message
        self.missing = missing or []
        self.line = line
        self.fatal = fatal


def import_solution(
    path: Path, requires: tuple[str, ...]
) -> tuple[types.ModuleType | None, ImportProblem | None]:
    """Import the candidate's module as ``solution``; the module (or None) and any problem."""
    spec = importlib.util.spec_from_file_location("solution", path)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py path always has one
        return None, ImportProblem("solution.py cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    sys.modules["solution"] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        return None, ImportProblem(
            f"solution.py has a syntax error at line {exc.lineno}: {exc.msg}", line=exc.lineno
        )
    except SystemExit as exc:
        return None, ImportProblem(f"solution.py called exit({exc.code!r}) while being imported")
    except BaseException as exc:
        line = _line_in(exc, path)
        where = f" at line {line}" if line else ""
        return None, ImportProblem(
            f"solution.py raised {type(exc).__name__}{where} while being imported: {exc}"[:MAX_TEXT],
            line=line,
        )
    return module, check_names(module, requires)


def check_names(module: types.ModuleType, requires: tuple[str, ...]) -> ImportProblem | None:
    """Check what the contract asks of an imported solution; None when all is well."""
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy

    db = getattr(module, "db", None)
    if not isinstance(db, SQLAlchemy):
        return ImportProblem("solution.py must define db = SQLAlchemy() at module level", missing=["db"])
    apps = [n for n, v in vars(module).items() if isinstance(v, Flask)]
    if apps or getattr(db, "_app_engines", None):
        return ImportProblem(
            "solution.py creates or binds a Flask app at import"
            + (f" ({', '.join(apps)})" if apps else "")
            + "; the grader builds the app: define db = SQLAlchemy() unbound and remove the app"
        )
    missing = [name for name in requires if not hasattr(module, name)]
    if missing:
        return ImportProblem(
            f"solution.py does not define {', '.join(missing)}", missing=missing, fatal=False
        )
    return None


def _line_in(exc: BaseException, path: Path) -> int | None:
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename) == path:
            line = frame.lineno
    return line


# Plugins no challenge test needs (no caplog, no --pdb, no junit file, no warning capture:
# warnings go to the test's captured output). Their set-up costs about 150 ms in every
# phase of every challenge, measured: 216 ms for a 3-test run with them, 68 ms without.
UNUSED_PLUGINS = (
    "doctest",
    "junitxml",
    "debugging",
    "setuponly",
    "setupplan",
    "faulthandler",
    "logging",
    "warnings",
    "unraisableexception",
    "threadexception",
)


class ImportAfterCollection:
    """Imports the candidate's solution once pytest has imported every test module.

    Code that runs at import can no longer change the tests that run: before, it could
    rewrite the test files on disk (they belong to the same user) before pytest read
    them. A solution that cannot be graded leaves no test to run.
    """

    def __init__(self, work: Path, job: Job, emitter: Emitter) -> None:
        self.work = work
        self.job = job
        self.emitter = emitter

    def pytest_collection_finish(self, session: Any) -> None:
        from contextlib import nullcontext

        from sandbox.harness import fixtures

        capture = session.config.pluginmanager.getplugin("capturemanager")
        # The candidate's import writes to the run's capture file, not to pytest's.
        with capture.global_and_fixture_disabled() if capture else nullcontext():
            module = import_and_report(self.work, self.job, self.emitter)
        if module is None:
            session.items.clear()
        else:
            fixtures.configure(module, binds=self.job.binds)


def run_pytest(work: Path, job: Job, emitter: Emitter) -> None:
    """Run the work folder's tests with our plugins only; results go out through ``emitter``."""
    import pytest

    from sandbox.harness import fixtures
    from sandbox.harness.plugin import Reporter

    solution_path = work / "solution" / "solution.py"
    ini = work / "harness.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    tests = work / "tests"
    args = [
        str(tests),
        "-c",
        str(ini),
        "--rootdir",
        str(tests),
        "--noconftest",
        "--import-mode=importlib",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:stepwise",
        "-p",
        "no:pastebin",
        "-p",
        "no:legacypath",
        *[arg for plugin in UNUSED_PLUGINS for arg in ("-p", f"no:{plugin}")],
        "--tb=native",  # the standard library formats it: pytest's own styles parse every frame's source
        "-q",
        "-o",
        "python_files=test_*.py",
        "-o",
        "python_classes=Test*",
        "-o",
        "python_functions=test*",
    ]
    reporter = Reporter(emitter, tests, solution_path, job.test_timeout)
    # Plugins as objects, not "-p NAME": pytest looks a named plugin up among every
    # installed package's entry points first, 10 ms in each run.
    pytest.main(args, plugins=[fixtures, reporter, ImportAfterCollection(work, job, emitter)])
