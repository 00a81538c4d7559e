"""Golden cases: every challenge's own solutions prove its tests right (``grader validate``).

The reference and every known-good variant must score full marks; the starter
and every known-bad solution must not. Run for every challenge of the pack.
"""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from grader.challenges import builtin_pack, load_pack
from grader.cli import cli
from grader.validate import validate
from sandbox.local import LocalBackend

pytestmark = [pytest.mark.slow]

PACK_IDS = sorted(load_pack())


@pytest.mark.parametrize("challenge_id", PACK_IDS)
def test_good_solutions_pass_and_bad_ones_fail(pack, challenge_id):
    checks = validate([pack[challenge_id]], LocalBackend())
    surprises = [f"{c.file}: {c.problem}" for c in checks if not c.ok]
    assert not surprises, "\n".join(surprises)
    kinds = Counter(c.kind for c in checks)
    assert kinds["reference"] == 1 and kinds["starter"] == 1
    assert kinds["good"] >= 2 and kinds["bad"] >= 3
    for check in checks:
        assert check.result is not None
        if check.kind == "bad":
            # Each known-bad solution is caught by a hidden test, not only by a public one.
            hidden_failures = [
                t for t in check.result.tests if t.visibility == "hidden" and t.status != "passed"
            ]
            assert hidden_failures, f"{check.file} fails no hidden test"


def test_validate_command_reports_a_surprise(runner, tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(builtin_pack() / "model-basics", pack / "model-basics")
    ok = runner.invoke(cli, ["validate", "--challenges", str(pack)])
    assert ok.exit_code == 0, ok.output
    assert "SURPRISE" not in ok.output
    bad = sorted((pack / "model-basics" / "solutions" / "bad").glob("*.py"))[0]
    shutil.copyfile(bad, pack / "model-basics" / "solutions" / "good" / "actually_bad.py")
    surprised = runner.invoke(cli, ["validate", "--challenges", str(pack)])
    assert surprised.exit_code == 1
    assert "SURPRISE" in surprised.output and "actually_bad.py" in surprised.output


def test_every_hidden_test_has_a_rubric_line(pack):
    missing = [f"{c.id}: {t.name}" for c in pack.values() for t in c.tests_of(("hidden",)) if not t.rubric]
    assert missing == []


def test_hidden_tests_are_deterministic(pack, tmp_path):
    """The references graded five times give the same verdict, test by test, each time."""
    from grader.grading import grade

    sub = tmp_path / "references"
    for cid, challenge in pack.items():
        (sub / cid).mkdir(parents=True)
        shutil.copyfile(challenge.path / "solutions" / "reference.py", sub / cid / "solution.py")
    backend = LocalBackend()
    runs = []
    for _ in range(5):
        result = grade(str(sub), list(pack.values()), backend)
        runs.append([(c.id, t.name, str(t.status), t.score) for c in result.challenges for t in c.tests])
    assert all(run == runs[0] for run in runs[1:])
    assert all(status == "passed" for _cid, _name, status, _score in runs[0])
