"""Progress for a wait that may be long: silent when the work is quick, then a line per
challenge finished and, now and then, which are still running.

``grader check`` is usually done in a second or two, where progress lines would be noise;
but a solution stuck at import or in a slow test leaves a terminal silent for as long as
the challenge's limit. From ``after`` seconds on, the candidate sees what is happening.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from types import TracebackType

from grader.results import ChallengeResult


class Heartbeat:
    """Says what is still running once a wait passes ``after`` seconds, then every ``every``
    seconds, and each result that comes in after that; with no ``echo``, does nothing."""

    def __init__(self, echo: Callable[[str], None] | None, *, after: float = 2.0, every: float = 5.0) -> None:
        self.echo = echo
        self.after = after
        self.every = every
        self.expected: list[str] = []
        self.finished: list[str] = []
        self.speaking = False
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.started = time.monotonic()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if self.echo is not None:
            self.thread = threading.Thread(target=self._beat, name="grader-heartbeat", daemon=True)
            self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()

    def expect(self, ids: Sequence[str]) -> None:
        """The challenges the wait is for."""
        with self.lock:
            self.expected = list(ids)

    def done(self, result: ChallengeResult) -> None:
        """A challenge finished (the ``progress`` callback of ``grade``)."""
        with self.lock:
            self.finished.append(result.id)
            if self.speaking and self.echo is not None:
                total = len(self.expected) or len(self.finished)
                self.echo(f"[{len(self.finished)}/{total}] {result.id}: {result.status}")

    def _beat(self) -> None:
        wait = self.after
        while not self.stop.wait(wait):
            with self.lock:
                self.speaking = True
                running = [i for i in self.expected if i not in self.finished]
                if running and self.echo is not None:
                    elapsed = time.monotonic() - self.started
                    self.echo(
                        f"still running after {elapsed:.0f} s: {', '.join(running[:5])}"
                        + (f" and {len(running) - 5} more" if len(running) > 5 else "")
                        + f" ({len(self.finished)} of {len(self.expected)} done)"
                    )
            wait = self.every
