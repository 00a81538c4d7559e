"""A fake backend for unit tests: no process, outcomes decided by a function of the request."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from sandbox.backend import Backend, ChallengeRun, RunOutcome, Session, SessionResult, TestRecord


class FakeBackend(Backend):
    """Answers each run with ``respond(run)``; records every run it was given.

    Like the real harness, it reports the run's canaries (one passing, one failing,
    per phase) after the tests ``respond`` gives, unless ``canaries`` is False.
    """

    name = "fake"

    def __init__(self, respond: Callable[[ChallengeRun], RunOutcome], *, canaries: bool = True) -> None:
        super().__init__(jobs=1)
        self.respond = respond
        self.canaries = canaries
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
            if self.canaries and run.canary:
                phases = sorted({rel.split("/", 1)[0] for rel, _data in run.test_files})
                extra = tuple(
                    TestRecord(f"{run.canary}_{kind}", phase, "", status, "", "", 0.0, None, "")
                    for phase in phases
                    for kind, status in (("pass", "passed"), ("fail", "failed"))
                )
                outcome = replace(outcome, tests=outcome.tests + extra)
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
