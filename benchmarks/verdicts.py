"""Proof that a speed change changes no verdict, test by test.

    python benchmarks/verdicts.py [--backend local|docker] [--gradings 5] [--save FILE] [--compare FILE]

Three sets of verdicts, each test's status and score:

  validate   every known solution of every challenge (reference, good, starter, bad), as
             `grader validate` grades them; each must come out as validate expects
  example    the example submission; each challenge's status must be the one in
             examples/expected.json
  reference  a submission of every challenge's reference answer, graded --gradings times;
             every grading must give every test the same verdict

`--save FILE` writes the verdicts; `--compare FILE` checks them against verdicts saved
by another version of the grader (the one before a change), test by test. Exit 0 when
everything holds, 1 with the differences listed otherwise.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.backends import make_backend  # noqa: E402
from grader.challenges import load_pack  # noqa: E402
from grader.grading import grade  # noqa: E402
from grader.results import ChallengeResult  # noqa: E402
from grader.validate import validate  # noqa: E402

EXAMPLE = ROOT / "examples" / "submission"
Verdicts = dict[str, dict[str, list[Any]]]  # "where" -> test name -> [status, score]


def verdicts_of(result: ChallengeResult) -> dict[str, list[Any]]:
    """Each test's status and score, and the challenge's own status under the name ''."""
    found: dict[str, list[Any]] = {"": [str(result.status), result.score]}
    for test in result.tests:
        found[test.name] = [str(test.status), test.score]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", default="local", choices=("local", "docker"))
    parser.add_argument("--gradings", type=int, default=5, help="gradings of the reference answers")
    parser.add_argument("--save", type=Path, help="write the verdicts to this file")
    parser.add_argument("--compare", type=Path, help="verdicts saved by another version to compare with")
    args = parser.parse_args()
    pack = load_pack()
    challenges = list(pack.values())
    problems: list[str] = []
    snapshot: dict[str, Verdicts] = {"validate": {}, "example": {}, "reference": {}}
    started = time.monotonic()
    with make_backend(args.backend) as backend:
        for check in validate(challenges, backend):
            if not check.ok:
                problems.append(f"validate: {check.challenge} {check.file}: {check.problem}")
            if check.result is not None:
                snapshot["validate"][f"{check.challenge}/{check.file}"] = verdicts_of(check.result)
        print(f"validate: {len(snapshot['validate'])} solutions graded", file=sys.stderr)

        expected = json.loads((ROOT / "examples" / "expected.json").read_text())
        example = grade(str(EXAMPLE), [pack[i] for i in expected], backend)
        for result in example.challenges:
            snapshot["example"][result.id] = verdicts_of(result)
            if str(result.status) != expected[result.id]:
                problems.append(f"example: {result.id} is {result.status}, expected {expected[result.id]}")
        print(f"example: {len(example.challenges)} challenges graded", file=sys.stderr)

        with tempfile.TemporaryDirectory() as tmp:
            for challenge in challenges:
                (Path(tmp) / challenge.id).mkdir()
                shutil.copy(challenge.reference_path, Path(tmp) / challenge.id / "solution.py")
            for n in range(args.gradings):
                got = {r.id: verdicts_of(r) for r in grade(tmp, challenges, backend).challenges}
                if n == 0:
                    snapshot["reference"] = got
                else:
                    problems += [
                        f"reference grading {n + 1}: {d}" for d in differences(snapshot["reference"], got)
                    ]
        print(f"reference: {args.gradings} gradings compared", file=sys.stderr)
    if args.compare:
        before = json.loads(args.compare.read_text())
        for part, verdicts in snapshot.items():
            problems += [
                f"{part} vs {args.compare}: {d}" for d in differences(before.get(part, {}), verdicts)
            ]
    if args.save:
        args.save.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n")
    tests = sum(len(v) - 1 for part in snapshot.values() for v in part.values())
    for problem in problems:
        print(problem)
    print(
        f"{tests} test verdicts in {time.monotonic() - started:.0f} s: "
        + ("all as expected" if not problems else f"{len(problems)} difference(s)")
    )
    return 1 if problems else 0


def differences(before: Verdicts, after: Verdicts) -> list[str]:
    """Every test whose verdict is not the same in both (or is in only one)."""
    found = []
    for where in sorted(set(before) | set(after)):
        old, new = before.get(where, {}), after.get(where, {})
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                found.append(f"{where} {name or '(challenge)'}: {old.get(name)} -> {new.get(name)}")
    return found


if __name__ == "__main__":
    sys.exit(main())
