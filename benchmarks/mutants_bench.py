"""What ``grader validate --mutants`` costs, against the checks CI already runs, in one run.

``python benchmarks/mutants_bench.py [--jobs N] [--naive] [-c ID ...]`` measures, on the local
backend and the same challenges (all by default), one after the other:

- ``validate``: ``grader validate``'s own work (every reference, good, starter and bad
  solution, public and hidden phases, with canaries): the baseline CI pays anyway;
- ``mutants``: ``grader validate --mutants`` (two sessions, the likely killers first, each
  run stopped at its first failing test);
- with ``--naive``, ``naive``: the same mutants in one session with every hidden test run
  in file order (no stop, no order): what the stop and the order save.

It prints each one's wall time, runs and tests run, and the ratios. Target: the mutants cost
at most the validate baseline (so CI, which runs both, pays at most twice what it did), and
under 2 minutes on a 2-CPU machine. Tests run are the figure that does not depend on how
loaded the machine is.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.challenges import load_pack, select  # noqa: E402
from grader.mutants import generate  # noqa: E402
from grader.mutants.run import mutant_run, run_mutants  # noqa: E402
from grader.validate import validate  # noqa: E402
from sandbox.backend import ChallengeOutcome  # noqa: E402
from sandbox.local import LocalBackend  # noqa: E402


class Counted(LocalBackend):
    """The local backend, counting the runs and the test records that come back."""

    runs = 0
    tests = 0

    def run(self, runs, on_done=None):  # type: ignore[no-untyped-def]
        outcomes: list[ChallengeOutcome] = super().run(runs, on_done)
        self.runs += len(outcomes)
        self.tests += sum(len(o.tests()) for o in outcomes)
        return outcomes


def measure(name: str, work, jobs: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    backend = Counted(jobs=jobs)
    started = time.monotonic()
    with backend:
        work(backend)
    figure = {"seconds": time.monotonic() - started, "runs": backend.runs, "tests": backend.tests}
    line = f"{name:<9} {figure['seconds']:7.1f} s  {backend.runs:5d} runs  {backend.tests:6d} tests run"
    print(line, flush=True)
    return figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", "-j", type=int, default=2)
    parser.add_argument("--naive", action="store_true", help="also run every mutant's every test")
    parser.add_argument("-c", dest="ids", action="append", default=[], metavar="ID")
    args = parser.parse_args()
    challenges = select(load_pack(), args.ids)
    mutants = sum(len(generate(c.reference_path.read_text())) for c in challenges)
    print(f"{len(challenges)} challenge(s), {mutants} mutants, --jobs {args.jobs}")

    def naive(backend: LocalBackend) -> None:
        runs = [
            dataclasses.replace(mutant_run(c, m.source.encode()), stop_first=False)
            for c in challenges
            for m in generate(c.reference_path.read_text())
        ]
        backend.run(runs)

    base = measure("validate", lambda b: validate(challenges, b), args.jobs)
    fast = measure("mutants", lambda b: run_mutants(challenges, b), args.jobs)
    print(f"mutants / validate: {fast['seconds'] / base['seconds']:.2f} (time)")
    if args.naive:
        slow = measure("naive", naive, args.jobs)
        print(
            f"naive / mutants: {slow['seconds'] / fast['seconds']:.2f} (time), "
            f"{slow['tests'] / fast['tests']:.2f} (tests run)"
        )


if __name__ == "__main__":
    main()
