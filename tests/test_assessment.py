"""Assessments: built-in and file-based sets of challenges with weights and a time limit."""

from __future__ import annotations

import json

import pytest

from grader.assessment import builtin_assessments, load_assessment
from grader.cli import cli
from grader.errors import UsageError
from tests.helpers import MODEL_BASICS_OK


@pytest.mark.parametrize("name", ["junior", "mid", "senior"])
def test_builtin_assessments_draw_from_the_pack(pack, name):
    assessment = load_assessment(name)
    challenges = assessment.challenges(pack)
    assert challenges and assessment.time_limit > 0
    levels = {c.difficulty for c in challenges}
    assert name in levels, f"the {name} assessment holds no {name} challenge"


def test_the_three_builtins_exist():
    assert builtin_assessments() == ["junior", "mid", "senior"]


def test_a_kit_from_an_assessment_states_the_time_limit(runner, tmp_path):
    dest = tmp_path / "kit"
    result = runner.invoke(cli, ["kit", str(dest), "--assessment", "junior"])
    assert result.exit_code == 0, result.output
    readme = (dest / "README.md").read_text()
    assert readme.startswith("# Junior take-home") and "Time limit: 2 h 00 min" in readme
    expected = set(load_assessment("junior").weights)
    assert {p.name for p in dest.iterdir() if p.is_dir()} == expected


@pytest.mark.slow
def test_weights_scale_the_scores(runner, tmp_path):
    spec = tmp_path / "take-home.toml"
    spec.write_text('title = "Two"\ntime_limit = 30\n[challenges]\nmodel-basics = 2\ncrud = 1\n')
    sub = tmp_path / "sub" / "model-basics"
    sub.mkdir(parents=True)
    (sub / "solution.py").write_text(MODEL_BASICS_OK)
    result = runner.invoke(
        cli, ["grade", str(sub.parent), "--assessment", str(spec), "--backend", "local", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    basics, crud = data["challenges"]
    assert basics["weight"] == 2 and basics["score"] == basics["max_score"] == 18
    assert crud["status"] == "missing" and crud["weight"] == 1
    assert data["assessment"]["name"] == "take-home" and data["assessment"]["time_limit"] == 30


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title = 1\ntime_limit = 3\n[challenges]\ncrud = 1\n", "title"),
        ('title = "x"\ntime_limit = 0\n[challenges]\ncrud = 1\n', "time_limit"),
        ('title = "x"\ntime_limit = 3\n[challenges]\ncrud = -1\n', "weight"),
        ('title = "x"\ntime_limit = 3\n', "[challenges]"),
        ('title = "x" time_limit', "not valid TOML"),
    ],
)
def test_bad_assessment_files_say_what_is_wrong(tmp_path, text, message):
    spec = tmp_path / "a.toml"
    spec.write_text(text)
    with pytest.raises(UsageError, match=message.replace("[", r"\[")):
        load_assessment(str(spec))


@pytest.mark.slow
def test_assessment_and_challenge_together_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["grade", str(tmp_path), "--assessment", "junior", "-c", "crud"])
    assert result.exit_code == 2 and "not both" in result.stderr


def test_unknown_assessment_names_the_builtins(runner, tmp_path):
    result = runner.invoke(cli, ["kit", str(tmp_path / "k"), "--assessment", "principal"])
    assert result.exit_code == 2 and "junior, mid, senior" in result.stderr
