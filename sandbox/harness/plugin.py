"""The harness's pytest plugin: per-test outcomes out as records, per-test timeouts.

One ``Reporter`` receives every phase report of every item and, at the item's
teardown, emits one ``test`` record; a ``start`` record goes out before each
item runs, so the host knows which test was running if the process dies. After
every test (and before its record) the guard checks that nothing changed the
test machinery; a change goes out as a ``tampered`` record.
"""

from __future__ import annotations

import linecache
import signal
import traceback
import types
from collections.abc import Callable, Generator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import pytest

from sandbox.wire import MAX_TEXT, CollectError, Start, Tampered, Test, TestStatus

if TYPE_CHECKING:
    from sandbox.harness.guard import Guard
    from sandbox.harness.runner import Emit


class TestTimeout(BaseException):
    """Raised in the test's thread when its time is up (BaseException: ``except Exception`` won't eat it)."""

    __test__ = False


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise TestTimeout("the test took longer than its time limit")


def _short(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 15] + "\n[... truncated]"


def _tail(text: str, limit: int = MAX_TEXT) -> str:
    """The end of a traceback, where the failing line and the error are."""
    return text if len(text) <= limit else "[... truncated]\n" + text[-(limit - 16) :]


MAX_CHAIN = 4  # chained exceptions shown at most (a cause, its cause...)


def short_traceback(exc: BaseException, shown: Callable[[str], str | None]) -> str:
    """``exc`` formatted like Python's own traceback, with only the frames whose file ``shown``
    names (the test's and solution.py, under their names relative to the submission): no
    pytest, pluggy, harness or library frame, and no path of the machine that ran it."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link = ""
    while current is not None and id(current) not in seen and len(seen) < MAX_CHAIN:
        seen.add(id(current))
        frames = [
            traceback.FrameSummary(
                name,
                lineno,
                tb.tb_frame.f_code.co_name,
                line=linecache.getline(tb.tb_frame.f_code.co_filename, lineno).strip(),
            )
            for tb, lineno in _walk(current)
            if (name := shown(tb.tb_frame.f_code.co_filename)) is not None
        ]
        text = "".join(traceback.format_exception_only(type(current), current))
        if frames:
            text = "Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)) + text
        parts.append(text + link)
        if current.__cause__ is not None:
            current, link = (
                current.__cause__,
                "\nThe above exception was the direct cause of the following exception:\n\n",
            )
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = (
                current.__context__,
                "\nDuring handling of the above exception, another exception occurred:\n\n",
            )
        else:
            current = None
    return "".join(reversed(parts))


def relabel(text: str, solution: Path, tests: Path | None, prefix: str) -> str:
    """``text`` (a warning printed, a collection error) with the run's solution.py and test
    files named relative to the submission, as ``short_traceback`` names them: the run's
    folder is a temporary path of the machine that ran it, different on every run."""
    text = text.replace(str(solution), f"{prefix}solution.py")
    if tests is not None:
        for phase in ("public", "hidden"):
            text = text.replace(f"{tests / phase}/", f"{prefix}{phase}_tests/")
    return text


def _walk(exc: BaseException) -> list[tuple[types.TracebackType, int]]:
    found: list[tuple[types.TracebackType, int]] = []
    tb = exc.__traceback__
    while tb is not None and len(found) < 1000:
        found.append((tb, tb.tb_lineno))
        tb = tb.tb_next
    return found


class _ItemState:
    def __init__(self, name: str, case: str) -> None:
        self.name = name
        self.case = case
        self.status = TestStatus.PASSED
        self.message = ""
        self.details = ""
        self.trace: str | None = None  # the short traceback of the first failing phase
        self.duration = 0.0
        self.line: int | None = None
        self.output: list[str] = []


class Reporter:
    """Collects phase reports into one record per test item."""

    def __init__(
        self,
        emit: Emit,
        solution: Path,
        timeout: float,
        guard: Callable[[], Guard | None],
        *,
        tests: Path | None = None,
        challenge_id: str = "",
    ) -> None:
        self.emit = emit
        self.solution = solution
        self.tests = tests
        self.prefix = f"{challenge_id}/" if challenge_id else ""
        self.timeout = timeout
        self.guard = guard
        self.items: dict[str, _ItemState] = {}
        self.lines: dict[str, int | None] = {}
        self.timed_out: set[str] = set()
        self.tampered = False

    @staticmethod
    def describe(item: pytest.Item) -> _ItemState:
        """The test's name as records give it (``test_x``, ``TestC::test_y``) and its case."""
        name = getattr(item, "originalname", None) or item.name.split("[", 1)[0]
        cls = getattr(item, "cls", None)
        if cls is not None:
            name = f"{cls.__name__}::{name}"
        case = item.name[len(item.name.split("[", 1)[0]) :].strip("[]")
        return _ItemState(name, case)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.emit(
                CollectError(
                    file=Path(str(report.fspath)).name if report.fspath else "",
                    message=_short(self.relabel(str(report.longreprtext))),
                )
            )

    def shown(self, filename: str) -> str | None:
        """How a traceback names ``filename``: relative to the submission (``crud/solution.py``,
        ``crud/public_tests/test_x.py``), or None for a frame that is not the test's or the
        candidate's."""
        path = Path(filename)
        if path == self.solution:
            return f"{self.prefix}solution.py"
        if self.tests is None or not path.is_relative_to(self.tests):
            return None
        phase, *rest = path.relative_to(self.tests).parts
        return f"{self.prefix}{phase}_tests/" + "/".join(rest) if rest else None

    def relabel(self, text: str) -> str:
        """``text`` with the run's own folders named as ``shown`` names them."""
        return relabel(text, self.solution, self.tests, self.prefix)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Generator[None, object, object]:
        state = self.describe(item)
        self.items[item.nodeid] = state
        self.emit(Start(state.name, state.case))
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, self.timeout)
        try:
            return (yield)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def watch_the_stack(self) -> None:
        """Say (once) when code that is not the test machinery's is on the stack while a
        report is made or logged: only a wrapper around pytest's reporting puts it there."""
        guard = self.guard()
        if guard is None or self.tampered:
            return
        foreign = guard.foreign_frame()
        if foreign:
            self.tampered = True
            self.emit(Tampered(f"{foreign} was running while pytest reported a test"))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        self.watch_the_stack()
        report = yield
        excinfo = call.excinfo
        if excinfo is not None:
            if excinfo.errisinstance(TestTimeout):
                self.timed_out.add(item.nodeid)
            line = None
            for entry in excinfo.traceback:
                if Path(str(entry.path)) == self.solution:
                    line = entry.lineno + 1
            if line is not None:
                self.lines.setdefault(item.nodeid, line)
            state = self.items.get(item.nodeid)
            if state is not None and not state.message:
                state.message = _short(excinfo.exconly().strip())
            if state is not None and report.failed and state.trace is None:
                state.trace = short_traceback(excinfo.value, self.shown)
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.watch_the_stack()
        state = self.items.get(report.nodeid)
        if state is None:
            return
        state.duration += report.duration
        if report.failed and state.status is TestStatus.PASSED:
            state.status = TestStatus.FAILED if report.when == "call" else TestStatus.ERROR
            # Ours, not pytest's: its text is every pytest and pluggy frame, with this host's paths.
            state.details = _tail(
                state.trace if state.trace is not None else self.relabel(report.longreprtext)
            )
        elif report.skipped and state.status is TestStatus.PASSED:
            state.status = TestStatus.SKIPPED
            longrepr = report.longrepr
            if isinstance(longrepr, tuple) and len(longrepr) == 3:
                state.message = _short(str(longrepr[2]))
        if report.when == "teardown":
            # Each phase's report repeats the sections of the phases before it.
            for title, content in report.sections:
                if title.startswith("Captured") and content:
                    state.output.append(f"--- {title} ---\n{content}")
            self._finish(report.nodeid, state)

    def check(self, *, in_test: bool = False) -> None:
        """Say (once) when the guard finds the test machinery changed (``in_test``: after a
        test, with the harness's own timeout handler in place; else at the end, everything)."""
        guard = self.guard()
        if guard is None or self.tampered:
            return
        reason = guard.verify({signal.SIGALRM: _on_alarm} if in_test else None, everything=not in_test)
        if reason:
            self.tampered = True
            self.emit(Tampered(reason))

    def pytest_sessionfinish(self) -> None:
        self.check()

    def _finish(self, nodeid: str, state: _ItemState) -> None:
        self.check(in_test=True)
        if nodeid in self.timed_out:
            state.status = TestStatus.TIMEOUT
            state.message = f"the test took longer than {self.timeout:g} s"
        if state.status is TestStatus.PASSED:
            state.message = ""
        self.emit(
            Test(
                name=state.name,
                case=state.case,
                status=state.status,
                message=state.message,
                details=state.details if state.status is not TestStatus.PASSED else "",
                duration=round(state.duration, 4),
                line=self.lines.get(nodeid),
                output=_short(self.relabel("\n".join(state.output))),
            )
        )
