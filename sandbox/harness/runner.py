"""Run one challenge's phase against one solution, in this fresh (forked) process.

The supervisor calls ``run`` in a child it has just forked, with the job as an
object (``sandbox.wire.Job``) and the job's folder, which holds::

    solution/solution.py  the candidate's file, and nothing else of theirs
    tests/<phase>/...     the challenge's test files for this phase (and their pycs), and
                          its helpers.py, which the tests import as ``helpers``

Order matters: limits first, then the output redirection, then pytest, which
imports every test module (and adds the run's canaries to them) before the
candidate's solution is imported, from a pytest hook (``Harness``). Right
before that import the test modules leave ``sys.modules``, the test machinery is
snapshotted and the audit hooks go in (``sandbox.harness.guard``). Records go to
the descriptor the supervisor gave; from the redirection on, fds 1 and 2 (and so
anything the candidate prints) go to a capture file that only the harness reads
back, capped.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import linecache
import marshal
import os
import signal
import sys
import sysconfig
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sandbox.harness import fixtures
from sandbox.harness.guard import Guard
from sandbox.harness.limits import apply_rlimits, isolate_network
from sandbox.wire import (
    MAX_TEXT,
    Canary,
    Done,
    Import,
    Job,
    Ready,
    Record,
    Refused,
    Tampered,
    encode_record,
    run_order,
)

OUTPUT_FILE = "output.log"
HELPERS = "helpers.py"  # a challenge's shared test code, beside each phase's test files
Emit = Callable[[Record], None]


def make_emitter(fd: int, nonce: str) -> Emit:
    """A function that writes records to ``fd``. Everything it uses is bound now, so that
    rebinding module attributes later (candidate code can) does not change what it writes."""
    write, encode = os.write, encode_record

    def emit(record: Record) -> None:
        view = memoryview(encode(record, nonce))
        while view:
            view = view[write(fd, view) :]

    return emit


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


def run(job: Job, work: Path, record_fd: int, sent: dict[str, bytes] | None = None) -> None:
    """Run ``job``'s tests in ``work``, writing records to ``record_fd``; ends the process.
    ``sent``: the SHA-256 of each file the host sent, by path (see ``load_only_what_was_sent``)."""
    apply_rlimits(dict(job.rlimits))
    network_isolated = isolate_network() if job.isolate_network else False
    emit = make_emitter(record_fd, job.nonce)
    capture = os.open(work / OUTPUT_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(capture, 1)
    os.dup2(capture, 2)
    os.close(capture)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    emit(Ready(network_isolated))
    load_only_what_was_sent(
        sent or {}, lambda name: emit(Tampered(f"{name} was changed on disk before it was loaded"))
    )
    run_pytest(work, job, emit)
    emit(Done())
    # Leave without running the candidate's atexit handlers or finalizers.
    os._exit(0)


class TestFileChanged(ImportError):
    """A test file (or its pyc) on disk is not what the host sent."""

    __test__ = False


def load_only_what_was_sent(sent: dict[str, bytes], changed: Callable[[str], None]) -> None:
    """Make pytest compile a test module only from the bytes the host sent for it.

    Challenges run side by side as one user, so the code of one can rewrite the test files
    of another between the moment they are written and the moment its pytest reads them (a
    known-bad answer scored full marks so). pytest reads a file twice (for a pyc's hash,
    then to compile it): here each read is checked against what was sent, once, and the
    code is made from the bytes checked. A pyc that is not the one sent is not used. A file
    that is not is told to ``changed`` (by name), which voids the run, and is not loaded.
    """
    from _pytest.assertion import rewrite

    compiled = rewrite._rewrite_test
    fix_filename = getattr(rewrite, "_fix_code_filename", lambda co, _name: co)

    def checked(path: Path) -> bytes:
        data = path.read_bytes()
        expected = sent.get(str(path))
        if expected is not None and hashlib.sha256(data).digest() != expected:
            changed(path.name)
            raise TestFileChanged(f"{path.name} was changed on disk before it was loaded")
        return data

    def read_pyc(source: Path, pyc: Path, trace: Callable[[str], None] = lambda _x: None) -> Any:
        if str(source) not in sent:
            return None
        try:
            data = pyc.read_bytes()
        except OSError:
            return None
        if sent.get(str(pyc)) != hashlib.sha256(data).digest():
            return None  # none was sent, or this is not it: compile the source instead
        if data[:4] != importlib.util.MAGIC_NUMBER or data[4:8] != b"\x03\x00\x00\x00":
            return None
        if importlib.util.source_hash(checked(source))[:8] != data[8:16]:
            return None
        code = marshal.loads(data[16:])
        return fix_filename(code, str(source)) if isinstance(code, types.CodeType) else None

    def rewrite_test(fn: Path, config: Any) -> tuple[bytes, types.CodeType]:
        if str(fn) not in sent:
            return compiled(fn, config)
        source = checked(fn)
        tree = ast.parse(source, filename=str(fn))
        rewrite.rewrite_asserts(tree, source, str(fn), config)
        return importlib.util.source_hash(source), compile(tree, str(fn), "exec", dont_inherit=True)

    rewrite._read_pyc = read_pyc
    rewrite._rewrite_test = rewrite_test
    _checked.append(checked)


_checked: list[Callable[[Path], bytes]] = []  # load_only_what_was_sent's check, for helpers.py


class ImportProblem:
    """Why the solution cannot be graded as it is (``fatal``), or what it lacks."""

    def __init__(
        self,
        message: str,
        *,
        missing: tuple[str, ...] = (),
        line: int | None = None,
        fatal: bool = True,
    ) -> None:
        self.message = message
        self.missing = missing
        self.line = line
        self.fatal = fatal


class ImportTimeout(BaseException):
    """Raised in the import of solution.py when its time is up (not an ``Exception``: an
    ``except Exception`` at module level does not swallow it)."""


def _import_alarm(_signum: int, _frame: types.FrameType | None) -> None:
    raise ImportTimeout


def import_solution(
    path: Path, requires: tuple[str, ...], timeout: float = 0.0
) -> tuple[types.ModuleType | None, ImportProblem | None]:
    """Import the candidate's module as ``solution``; the module (or None) and any problem.

    With ``timeout``, an import that takes longer is stopped and reported as such. Code that
    defeats the alarm (catches it, blocks it) only meets the challenge's own limit instead,
    which the supervisor enforces from outside."""
    spec = importlib.util.spec_from_file_location("solution", path)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py path always has one
        return None, ImportProblem("solution.py cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    sys.modules["solution"] = module
    previous = signal.signal(signal.SIGALRM, _import_alarm) if timeout else None
    try:
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            spec.loader.exec_module(module)
        finally:
            if timeout:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
    except ImportTimeout:
        return None, ImportProblem(
            f"solution.py was still importing after {timeout:g} s (the import time limit): "
            "look for an endless loop or a long wait at module level"
        )
    except SyntaxError as exc:
        if "null bytes" in str(exc.msg):  # the host refuses these first; never "at line None"
            return None, ImportProblem("solution.py contains NUL bytes; save it as plain UTF-8 text")
        where = f" at line {exc.lineno}" if exc.lineno else ""
        return None, ImportProblem(f"solution.py has a syntax error{where}: {exc.msg}", line=exc.lineno)
    except ValueError as exc:
        if "null bytes" in str(exc):
            return None, ImportProblem("solution.py contains NUL bytes; save it as plain UTF-8 text")
        return None, _raised(exc, path)
    except SystemExit as exc:
        return None, ImportProblem(f"solution.py called exit({exc.code!r}) while being imported")
    except BaseException as exc:
        return None, _raised(exc, path)
    return module, check_names(module, requires)


def _raised(exc: BaseException, path: Path) -> ImportProblem:
    line = _line_in(exc, path)
    where = f" at line {line}" if line else ""
    return ImportProblem(
        f"solution.py raised {type(exc).__name__}{where} while being imported: {exc}"[:MAX_TEXT], line=line
    )


def check_names(module: types.ModuleType, requires: tuple[str, ...]) -> ImportProblem | None:
    """Check what the contract asks of an imported solution; None when all is well."""
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy

    db = getattr(module, "db", None)
    if not isinstance(db, SQLAlchemy):
        return ImportProblem("solution.py must define db = SQLAlchemy() at module level", missing=("db",))
    apps = [n for n, v in vars(module).items() if isinstance(v, Flask)]
    if apps or getattr(db, "_app_engines", None):
        return ImportProblem(
            "solution.py creates or binds a Flask app at import"
            + (f" ({', '.join(apps)})" if apps else "")
            + "; the grader builds the app: define db = SQLAlchemy() unbound and remove the app"
        )
    missing = tuple(name for name in requires if not hasattr(module, name))
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


def trusted_folders() -> list[str]:
    """Where code that is not the candidate's lives: the Python installation and the harness."""
    paths = sysconfig.get_paths()
    found = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths}
    found.add(str(Path(__file__).resolve().parent.parent))  # the sandbox package
    return sorted(found)


class Harness:
    """The harness's own pytest plugin for one run: canaries into the test modules as they
    are collected; then, once every test module is imported, the guard and the candidate's
    import (a solution that cannot be graded leaves no item to run)."""

    def __init__(self, work: Path, job: Job, emit: Emit) -> None:
        self.work = work
        self.job = job
        self.emit = emit
        self.tests = work / "tests"
        self.canaries: dict[str, list[Canary]] = {}
        for canary in job.canaries:
            self.canaries.setdefault(canary.file, []).append(canary)
        self.modules: list[types.ModuleType] = []
        self.guard: Guard | None = None
        from sandbox.harness.plugin import relabel  # bound now: before the guard, and candidate code

        solution, prefix = work / "solution" / "solution.py", f"{job.challenge_id}/"
        self.relabel: Callable[[str], str] = lambda text: relabel(text, solution, self.tests, prefix)

    def pytest_sessionstart(self, session: Any) -> None:
        # The challenge's helpers.py, imported as ``helpers`` before any test module (which
        # imports from it) and then treated as one of them: snapshotted, out of sys.modules.
        for path in sorted(self.tests.glob(f"*/{HELPERS}")):
            self.modules.append(_load_helpers(path, session.config))

    def pytest_make_collect_report(self, collector: Any) -> None:
        import pytest

        if isinstance(collector, pytest.Module):
            try:
                module = collector.obj  # imports it; an error is pytest's to report, as usual
            except BaseException:
                return
            self.modules.append(module)
            wanted = self.canaries.pop(Path(str(collector.path)).name, [])
            if wanted:
                _add_canaries(module, wanted, str(collector.path), collector.config)

    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        if self.job.first:
            from sandbox.harness.plugin import Reporter

            names = [Reporter.describe(item).name for item in items]
            items[:] = [items[at] for at in run_order(names, self.job.first)]

    def pytest_collection_finish(self, session: Any) -> None:
        from contextlib import nullcontext

        guard = Guard(
            solution=str(self.work / "solution" / "solution.py"),
            tests=str(self.tests),
            trusted=trusted_folders(),
            report=lambda event, detail: self.emit(Refused(event, detail)),
        )
        _warn_without_test_lines(str(self.tests))
        guard.snapshot(self.modules)
        self.guard = guard
        # The test modules are out of reach by name (the integrity checks watch them anyway).
        for name, loaded in list(sys.modules.items()):
            if loaded in self.modules:
                del sys.modules[name]
        capture = session.config.pluginmanager.getplugin("capturemanager")
        # The candidate's import writes to the run's capture file, not to pytest's.
        with capture.global_and_fixture_disabled() if capture else nullcontext():
            guard.install()
            module = self._import()
        if module is None:
            session.items.clear()
        else:
            fixtures.configure(module, binds=self.job.binds, real_ddl=self.job.real_ddl)

    def _import(self) -> types.ModuleType | None:
        """Import the candidate's solution and emit the ``import`` record; the module when the
        tests can run against it."""
        sys.stdout.flush()
        sys.stderr.flush()
        output = self.work / OUTPUT_FILE
        start = output.stat().st_size
        module, problem = import_solution(
            self.work / "solution" / "solution.py", self.job.requires, self.job.import_timeout
        )
        runnable = module is not None and (problem is None or not problem.fatal)
        sys.stdout.flush()
        sys.stderr.flush()
        self.emit(
            Import(
                ok=runnable,
                message=problem.message if problem else "",
                missing=problem.missing if problem else (),
                line=problem.line if problem else None,
                output=self.relabel(read_capped(output, start=start)),
            )
        )
        return module if runnable else None

    def pytest_runtest_call(self, item: Any) -> None:
        # The test files' source is not in memory while a test (and candidate code) runs:
        # pytest reads it again where it needs it, after the call.
        tests = str(self.tests)
        for filename in [f for f in linecache.cache if f.startswith(tests)]:
            linecache.cache.pop(filename, None)


def _warn_without_test_lines(tests: str) -> None:
    """Let solution.py warn at its caller's line (``stacklevel=2``), which is a test's: the
    warning is shown without its source line when that line is a test file's (reading it,
    with the candidate's call on the stack, is what the guard refuses; the line is the
    test's text). The guard gives the test modules their warning registries."""
    import warnings

    show = warnings.showwarning

    def showwarning(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        if line is None and str(filename).startswith(tests):
            line = ""
        show(message, category, filename, lineno, file, line)

    warnings.showwarning = showwarning


def _load_helpers(path: Path, config: Any) -> types.ModuleType:
    """Import a challenge's ``helpers.py`` as the module ``helpers``, its asserts rewritten as
    pytest rewrites a test module's."""
    from _pytest.assertion.rewrite import rewrite_asserts

    source = _checked[-1](path) if _checked else path.read_bytes()
    tree = ast.parse(source, filename=str(path))
    rewrite_asserts(tree, source, str(path), config)
    module = types.ModuleType(HELPERS.removesuffix(".py"))
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    exec(compile(tree, str(path), "exec", dont_inherit=True), vars(module))
    return module


def _add_canaries(module: types.ModuleType, canaries: list[Canary], path: str, config: Any) -> None:
    """Define ``canaries`` in ``module``, each placed (in the module's order, which is the order
    pytest collects) before the test it names, and compiled like the module's own tests."""
    from _pytest.assertion.rewrite import rewrite_asserts

    namespace = vars(module)
    made: dict[str, Any] = {}
    for canary in canaries:
        tree = ast.parse(canary.source)
        ast.increment_lineno(tree, canary.line - 1)
        rewrite_asserts(tree, canary.source.encode(), path, config)
        exec(compile(tree, path, "exec", dont_inherit=True), namespace)
        made[canary.name] = namespace.pop(canary.name)
    before: dict[str, list[str]] = {}
    for canary in canaries:
        target = canary.before if canary.before in namespace else ""
        before.setdefault(target, []).append(canary.name)
    entries = list(namespace.items())
    namespace.clear()
    for key, value in entries:
        for name in before.get(key, []):
            namespace[name] = made[name]
        namespace[key] = value
    for name in before.get("", []):
        namespace[name] = made[name]


def run_pytest(work: Path, job: Job, emit: Emit) -> None:
    """Run the work folder's tests with our plugins only; results go out through ``emit``."""
    import pytest

    from sandbox.harness.plugin import Reporter

    solution_path = work / "solution" / "solution.py"
    tests = work / "tests"
    args = [
        str(tests),
        "-c",
        os.devnull,  # no configuration: a file here could be rewritten, like the tests, by another job
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
        *(["--exitfirst"] if job.stop_first else []),
    ]
    harness = Harness(work, job, emit)
    reporter = Reporter(
        emit,
        solution_path,
        job.test_timeout,
        lambda: harness.guard,
        tests=tests,
        challenge_id=job.challenge_id,
    )
    # Plugins as objects, not "-p NAME": pytest looks a named plugin up among every
    # installed package's entry points first, 10 ms in each run.
    pytest.main(args, plugins=[fixtures, reporter, harness])
