"""Kits: the manifest that lets a kit grade itself, and a plain `pytest` inside one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.assessment import load_assessment
from grader.challenges import Challenge
from grader.cli import cli
from grader.errors import SubmissionError, UsageError
from grader.kit import MANIFEST, choose, make_kit
from grader.submission import open_submission
from tests.helpers import MODEL_BASICS_OK


def _kit(tmp_path: Path, pack: dict[str, Challenge], ids: list[str], assessment: str | None = None) -> Path:
    dest = tmp_path / "kit"
    if assessment:
        a = load_assessment(assessment)
        make_kit(dest, a.challenges(pack), a)
    else:
        make_kit(dest, [pack[i] for i in ids])
    return dest


def test_a_kit_chooses_its_own_challenges(tmp_path, pack):
    kit = _kit(tmp_path, pack, ["one-to-many", "order-by"])
    chosen = choose(pack, (), None, [kit])
    assert [c.id for c in chosen.challenges] == ["one-to-many", "order-by"]
    assert chosen.assessment is None
    assert "grader-kit.json: one-to-many, order-by" in chosen.note
    assert "another version" not in chosen.note


def test_a_kit_keeps_its_assessment_and_weights(tmp_path, pack):
    kit = _kit(tmp_path, pack, [], assessment="mid")
    mid = load_assessment("mid")
    chosen = choose(pack, (), None, [kit])
    assert [c.id for c in chosen.challenges] == list(mid.weights)
    assert chosen.assessment is not None and chosen.assessment.weights == mid.weights
    assert chosen.assessment.as_json() == mid.as_json()


def test_options_win_over_the_manifest(tmp_path, pack):
    kit = _kit(tmp_path, pack, ["one-to-many", "order-by"])
    assert [c.id for c in choose(pack, ("crud",), None, [kit]).challenges] == ["crud"]
    by_assessment = choose(pack, (), "junior", [kit])
    assert by_assessment.assessment is not None and by_assessment.assessment.name == "junior"
    assert by_assessment.note == ""
    # No manifest at all: the whole pack, as before.
    assert len(choose(pack, (), None, [tmp_path / "elsewhere"]).challenges) == len(pack)


def test_a_zipped_kit_is_read_too(tmp_path, pack):
    kit = _kit(tmp_path, pack, ["crud"])
    archive = tmp_path / "hand-in.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in kit.rglob("*"):
            z.write(path, f"take-home/{path.relative_to(kit).as_posix()}")
    assert [c.id for c in choose(pack, (), None, [archive]).challenges] == ["crud"]


def test_a_kit_one_folder_down_is_read_where_grading_finds_it(tmp_path, pack):
    kit = _kit(tmp_path, pack, ["crud"])
    (tmp_path / "sub").mkdir()
    kit.rename(tmp_path / "sub" / "take-home")
    assert [c.id for c in choose(pack, (), None, [tmp_path / "sub"]).challenges] == ["crud"]


def test_an_edited_challenge_shows_in_the_note(tmp_path, pack):
    kit = _kit(tmp_path, pack, ["crud"])
    local = tmp_path / "pack"
    shutil.copytree(pack["crud"].path, local / "crud")
    (local / "crud" / "statement.md").write_text("changed since the kit was made\n")
    from grader.challenges import load_pack

    note = choose(load_pack(local), (), None, [kit]).note
    assert "another version of these challenges" in note


def test_submissions_of_different_kits_are_refused_in_one_cohort(tmp_path, pack):
    a = _kit(tmp_path / "a", pack, ["crud"])
    b = _kit(tmp_path / "b", pack, ["crud", "order-by"])
    with pytest.raises(UsageError, match=r"different kits.*--challenge or --assessment"):
        choose(pack, (), None, [a, b])
    same = _kit(tmp_path / "c", pack, ["crud"])
    assert [c.id for c in choose(pack, (), None, [a, same]).challenges] == ["crud"]


@pytest.mark.parametrize(
    "body, why",
    [
        ("not json", "not a kit manifest"),
        ('{"grader_kit": 1, "challenges": []}', "must list challenge ids"),
        ('{"grader_kit": 1, "challenges": ["crud", "crud"]}', "repeats"),
        (
            '{"grader_kit": 1, "challenges": ["crud"], "assessment": {"name": "x", "title": "x", '
            '"time_limit": 60, "weights": {"crud": -5}}}',
            "positive number",
        ),
        (
            '{"grader_kit": 1, "challenges": ["crud"], "assessment": {"name": "x", "title": "x", '
            '"time_limit": 60, "weights": {"order-by": 1}}}',
            "exactly the kit's challenges",
        ),
        (
            '{"grader_kit": 1, "challenges": ["crud"], "assessment": {"name": "x", "title": "x", '
            '"time_limit": 60, "weights": {"crud": 1e300}}}',
            "at most 1000",
        ),
        (
            '{"grader_kit": 1, "challenges": ["crud"], "assessment": {"name": "' + "n" * 300 + '", '
            '"title": "x", "time_limit": 60, "weights": {"crud": 1}}}',
            "title \\(short\\)",
        ),
        ("x" * 70_000, "larger than 64 KiB"),
    ],
    ids=[
        "not-json",
        "empty",
        "repeated",
        "negative-weight",
        "other-weights",
        "huge-weight",
        "long-name",
        "huge",
    ],
)
def test_a_malformed_manifest_is_an_input_error(tmp_path, pack, body, why):
    (tmp_path / MANIFEST).write_text(body)
    with pytest.raises(SubmissionError, match=why):
        choose(pack, (), None, [tmp_path])


def test_an_unknown_challenge_in_the_manifest_says_which_pack_to_use(tmp_path, pack):
    (tmp_path / MANIFEST).write_text('{"grader_kit": 1, "challenges": ["not-in-this-pack"]}')
    with pytest.raises(UsageError, match=r"not-in-this-pack.*--challenges DIR"):
        choose(pack, (), None, [tmp_path])


def test_the_kits_own_pytest_files_are_not_noted_when_handed_back(tmp_path, pack):
    kit = _kit(tmp_path, pack, ["crud"])
    assert open_submission(kit).notes() == []
    (kit / "conftest.py").write_text("import os\n")  # the candidate's own: noted as ever
    assert [n for n in open_submission(kit).notes() if "conftest.py" in n]


def _plain_pytest(cwd: Path, path: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GRADER_"))}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *([path] if path else [])],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "where", ["", "one-to-many", "one-to-many/public_tests"], ids=["top", "challenge", "tests"]
)
def test_plain_pytest_in_a_kit_says_in_one_line_to_use_grader_check(tmp_path, pack, where):
    kit = _kit(tmp_path, pack, ["one-to-many", "order-by"])
    ran = _plain_pytest(kit / where, "")
    assert ran.returncode != 0
    out = (ran.stdout + ran.stderr).strip()
    assert out.count("\n") == 0, out
    assert "grader check" in out and "fixture 'db' not found" not in out


def test_the_kit_readme_says_how_to_install_and_check(tmp_path, pack):
    text = (_kit(tmp_path, pack, ["crud"]) / "README.md").read_text()
    assert "pip install" in text and "python3 -m venv ~/grader-venv" in text and "grader check" in text
    assert "Python 3.11" in text


@pytest.mark.slow
def test_grade_on_a_kit_grades_its_challenges_with_their_weights(runner, tmp_path, fast_pack, monkeypatch):
    monkeypatch.setenv("GRADER_CHALLENGES", str(next(iter(fast_pack.values())).path.parent))
    spec = tmp_path / "take-home.toml"
    spec.write_text('title = "T"\ntime_limit = 30\n[challenges]\nmodel-basics = 2\n')
    kit = tmp_path / "kit"
    made = runner.invoke(cli, ["kit", str(kit), "--assessment", str(spec)])
    assert made.exit_code == 0, made.output
    (kit / "model-basics" / "solution.py").write_text(MODEL_BASICS_OK)
    graded = runner.invoke(cli, ["grade", str(kit), "--backend", "local", "--format", "json"])
    assert graded.exit_code == 0, graded.output
    data = json.loads(graded.stdout)
    assert [c["id"] for c in data["challenges"]] == ["model-basics"]
    assert data["challenges"][0]["weight"] == 2 and data["percent"] == 100
    assert data["assessment"]["name"] == "take-home"
    assert any("grader-kit.json" in n for n in data["notes"])


def test_a_cohort_of_one_kit_is_graded_with_its_weights_and_resumed_only_with_them(tmp_path, pack):
    from grader.assessment import Assessment
    from grader.batch import Batch, find_submissions
    from sandbox.fake import FakeBackend

    heavy = Assessment("take-home", "T", "", 30, {"model-basics": 2.0})
    subs = tmp_path / "subs"
    for name in ("ann", "bob"):
        make_kit(subs / name, heavy.challenges(pack), heavy)
        (subs / name / "model-basics" / "solution.py").write_text(MODEL_BASICS_OK)
    found, _ = find_submissions([subs], pack)
    picked = choose(pack, (), None, found)
    assert picked.assessment == heavy and "2 submissions' (all alike)" in picked.note
    out = tmp_path / "out"
    cohort = Batch(out, picked.challenges, FakeBackend(), assessment=picked.assessment).run(found)
    full = pack["model-basics"].max_score()
    assert [c.max_score for c in cohort.challenges] == [2 * full]
    assert all(r.result.max_score == 2 * full and r.result.challenges[0].weight == 2 for r in cohort.rows)
    again = FakeBackend()
    Batch(out, picked.challenges, again, assessment=picked.assessment).run(found, resume=True)
    assert again.jobs_seen == []  # same weights: reused
    other = FakeBackend()
    Batch(out, picked.challenges, other).run(found, resume=True)
    assert other.jobs_seen  # other weights: graded again
