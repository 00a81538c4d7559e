"""A fake backend for unit tests: no process, outcomes decided by a function of the request."""

from __future__ import annotations

from collections.abc import Callable

from sandbox.backend import Backend, ChallengeRun, RunOutcome


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

    def run_one(self, run: ChallengeRun) -> RunOutcome:
        self.runs.append(run)
        return self.respond(run)
