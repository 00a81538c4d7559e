"""A fake backend for unit tests: no process, outcomes decided by a function of the request."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sandbox.backend import Backend, ChallengeRun, RunOutcome, Session, SessionResult


class FakeBackend(Backend):
    """Answers each run with ``respond(run)``; records every run it was given."""

    name = "fake"

    def __init__(self, respond: Callable[[ChallengeRun], RunOutcome]) -> None:
        super().__init__(jobs=1)
        self.respond = respond
        self.runs: list[ChallengeRun] = []

    @property
    def isolation(self) -> str:
        return "none"

    def run(
        self,
        runs: Sequence[ChallengeRun],
        on_done: Callable[[RunOutcome], None] | None = None,
    ) -> list[RunOutcome]:
        outcomes = []
        for run in runs:
            self.runs.append(run)
            outcome = self.respond(run)
            if on_done:
                on_done(outcome)
            outcomes.append(outcome)
        return outcomes

    def run_session(
        self,
        runs: Sequence[ChallengeRun],
        on_frame: Callable[[Session, int, dict[str, Any], bytes], None],
    ) -> tuple[Session, SessionResult]:  # pragma: no cover - run() never calls it
        raise NotImplementedError
