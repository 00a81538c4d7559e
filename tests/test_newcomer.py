"""What a newcomer tripped over (issue 14, hiring teams and CI pipelines): batch options that
match grade's, a kit one folder down, nothing to grade as an input error, a status that agrees
with grade, advice naming only options that exist, a reason for exit 1, one-line usage errors,
and the wording and layout of the leaderboard.

Stops (Ctrl-C, SIGTERM) are in test_stop.py.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click
import pytest

from grader.batch import Batch
from grader.cli import cli
from grader.cohort import ChallengeInfo, Cohort, Row
from grader.grading import grade
from grader.reports.leaderboard import render_batch_json, render_csv, render_leaderboard_text
from grader.reports.text import render_check, render_grade
from grader.results import ChallengeResult, ChallengeStatus, GradeResult, RunStatus
from grader.scoring import without_pytest_advice
from sandbox.fake import FakeBackend, honest
from tests.helpers import BAD, MODEL_BASICS_OK, CountingBackend, docker_client, write_sub

# -- batch has grade's options (item 2) ----------------------------------------------------


def test_batch_offers_what_grade_offers_for_a_cohort_and_no_format_it_refuses(runner):
    shown = runner.invoke(cli, ["batch", "--help"]).output
    for option in ("--assessment", "--min-score", "--backend", "--runtime", "--base-image", "--challenge"):
        assert option in shown, option
    assert "gradescope" not in shown


@pytest.mark.slow
def test_batch_min_score_exits_1_naming_who_is_below_and_applies_the_assessment(runner, tmp_path):
    root = tmp_path / "cohort"
    write_sub(root, "ann", MODEL_BASICS_OK)
    write_sub(root, "bob", BAD)
    spec = tmp_path / "take-home.toml"
    spec.write_text('title = "One"\ntime_limit = 60\n[challenges]\nmodel-basics = 2\n')
    out = tmp_path / "out"
    args = ["batch", str(root), "--out", str(out), "--backend", "local", "-a", str(spec), "--min-score", "50"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.output
    below = [line for line in result.stderr.splitlines() if "below --min-score" in line]
    assert below == ["grader: 1 of 2 submissions below --min-score 50: bob (0.0%)"]
    ann = json.loads((out / "submissions" / "ann.json").read_text())
    assert ann["assessment"]["weights"] == {"model-basics": 2.0}
    assert ann["challenges"][0]["weight"] == 2.0 and ann["percent"] == 100


def test_a_batch_resumes_only_what_was_graded_with_the_same_weights(tmp_path, pack):
    from grader.assessment import Assessment

    subs = [write_sub(tmp_path / "cohort", "ann")]
    weighted = Assessment("w", "W", "", 60, {"model-basics": 3.0})
    Batch(tmp_path / "out", [pack["model-basics"]], CountingBackend()).run(subs)
    again = CountingBackend()
    rows = Batch(tmp_path / "out", [pack["model-basics"]], again, assessment=weighted).run(subs, resume=True)
    assert len(again.runs) == 1 and not rows.rows[0].reused
    assert rows.rows[0].result.max_score == 3 * pack["model-basics"].max_score()


# -- where the submission is (item 3) ------------------------------------------------------


def test_a_kit_one_or_two_folders_down_is_graded_and_said(tmp_path, pack):
    write_sub(tmp_path / "sub" / "take-home", "kit")
    (tmp_path / "sub" / "notes.txt").write_text("a file beside it does not matter")
    result = grade(str(tmp_path / "sub"), [pack["model-basics"]], FakeBackend(honest))
    assert result.challenges[0].status is ChallengeStatus.PASSED
    assert result.notes[0] == "graded take-home/kit/ inside the submission: its challenge folders are there"


@pytest.mark.parametrize(
    ("layout", "said"),
    [
        ({}, "(it is empty)"),
        ({"answers/one.py": "x = 1\n", "two/x.py": "y = 2\n"}, "(it holds answers, two)"),
        (
            {"solution.py": "x = 1\n"},
            "one challenge's folder (it holds solution.py): give the folder above it",
        ),
    ],
    ids=["empty", "elsewhere", "a-challenge-folder"],
)
def test_nothing_to_grade_is_exit_2_saying_what_was_expected(runner, tmp_path, layout, said):
    sub = tmp_path / "sub"
    sub.mkdir()
    for name, text in layout.items():
        (sub / name).parent.mkdir(parents=True, exist_ok=True)
        (sub / name).write_text(text)
    result = runner.invoke(cli, ["grade", str(sub), "-c", "model-basics", "-c", "crud"])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert said in line and line.startswith("grader: error: ")
    if layout.keys() != {"solution.py"}:
        assert "expected <challenge-id>/solution.py folders at its top, for crud, model-basics" in line


def test_a_refused_archive_is_the_only_line_on_stderr(runner, tmp_path):
    bad = tmp_path / "answer.zip"
    bad.write_bytes(b"\x00not a zip")
    # A base image no host has: before, the Docker fallback's warning came first.
    args = ["grade", str(bad), "-c", "model-basics", "--base-image", "grader-tests/no-such-base:0"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("grader: error: archive answer.zip cannot be read")


# -- sandbox status and grade agree (item 5) -----------------------------------------------


@pytest.mark.docker
def test_status_says_docker_cannot_be_used_when_grade_would_fall_back(runner):
    from grader.backends import tiers

    docker_client()  # skips without an engine
    missing = "grader-tests/no-such-base:0"
    docker = tiers(missing)[0]
    assert not docker.available
    assert f"docker pull {missing}" in docker.detail and "--base-image" in docker.detail
    shown = runner.invoke(cli, ["sandbox", "status", "--base-image", missing]).output
    assert "--backend auto uses: local" in shown


# -- advice names only what exists (item 6) ------------------------------------------------


def test_pytest_advice_to_use_v_is_dropped_from_messages():
    message = (
        "AssertionError: assert ['Cleo', 'Ann'] == ['Ann', 'Cleo']\n"
        "  At index 0 diff: 'Cleo' != 'Ann'\n"
        "  Use -v to get more diff\n"
        "  ...Full output truncated (3 lines hidden), use '-vv' to show"
    )
    kept = without_pytest_advice(message)
    assert "-v" not in kept
    assert "At index 0 diff" in kept and "Full output truncated (3 lines hidden)" in kept


# -- a reason for every exit 1; the summary gives the threshold's verdict (item 11, 13) ------


@pytest.mark.slow
def test_min_score_not_met_says_why_and_an_output_takes_its_extension_format(runner, tmp_path):
    sub = write_sub(tmp_path, "bob", BAD)
    out = tmp_path / "results.json"
    local = ["--backend", "local", "-c", "model-basics"]
    args = ["grade", str(sub), *local, "--min-score", "70", "-o", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "grader: score 0.0% is below --min-score 70"
    assert json.loads(out.read_text())["percent"] == 0


def test_the_summary_line_gives_the_threshold_verdict_when_one_was_given(sample):
    last = click.unstyle(render_grade(sample)).splitlines()[-1]
    assert "status FAILED" in last
    met = click.unstyle(render_grade(sample, min_score=sample.percent)).splitlines()[-1]
    assert f"meets --min-score {sample.percent:g}: PASSED" in met and "status" not in met
    below = click.unstyle(render_grade(sample, min_score=100)).splitlines()[-1]
    assert "below --min-score 100: FAILED" in below


# -- one line for usage errors (item 16) ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["grade", "--jobz"],
         "grader: error: No such option '--jobz'. Did you mean '--jobs'? (see grader grade --help)"),
        (["grade"], "grader: error: Missing argument 'SUBMISSION'. (see grader grade --help)"),
        (["nope"], "grader: error: No such command 'nope'. (see grader --help)"),
    ],
    ids=["option", "argument", "command"],
)  # fmt: skip
def test_a_usage_error_is_one_line_and_verbose_shows_the_usage(runner, args, said):
    result = runner.invoke(cli, args, prog_name="grader")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [said]
    verbose = runner.invoke(cli, [*args, "--verbose"], prog_name="grader")
    assert verbose.exit_code == 2 and "Usage: grader" in verbose.stderr


# -- wording and the leaderboard (item 17) -------------------------------------------------


def _result(sample: GradeResult, percent: float, challenge: ChallengeResult | None = None) -> GradeResult:
    first = challenge or replace(sample.challenges[0], score=percent, max_score=100.0)
    return replace(sample, score=percent, max_score=100.0, challenges=(first,), status=RunStatus.FAILED)


def test_equal_scores_share_a_rank(sample):
    rows = tuple(Row(name, name, _result(sample, p)) for name, p in [("a", 90), ("b", 90), ("c", 50)])
    cohort = Cohort(rows, (ChallengeInfo(sample.challenges[0].id, "t", 100.0),), "reviewer")
    ranks = [row["rank"] for row in json.loads(render_batch_json(cohort))["leaderboard"]]
    assert ranks == [1, 1, 3]
    assert [line.split()[0] for line in render_leaderboard_text(cohort).splitlines()[1:4]] == ["1", "1", "3"]


def test_the_text_leaderboard_fits_100_columns_and_gives_a_syntax_errors_reason(sample, pack):
    broken = ChallengeResult(
        "crud", "crud", ChallengeStatus.ERROR, 0.0, 10.0, message="syntax error at line 3"
    )
    rows = (
        Row("a-candidate-with-a-very-long-name", "x", _result(sample, 90)),
        Row("broken", "y", _result(sample, 0, broken)),
    )
    infos = tuple(ChallengeInfo(c.id, c.title, 10.0) for c in pack.values())
    assert len(infos) >= 15
    cohort = Cohort(rows, infos, "reviewer")
    text = render_leaderboard_text(cohort)
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "crud: syntax error at line 3" in text
    assert "crud: syntax error at line 3" in render_csv(cohort)


def test_counts_are_said_in_words(runner, tmp_path, sample):
    made = runner.invoke(cli, ["kit", str(tmp_path / "kit"), "-c", "crud"])
    assert "wrote a kit with 1 challenge to" in made.output
    one = replace(sample, challenges=tuple(c for c in sample.challenges if c.status == "failed")[:1])
    assert f"{one.challenges[0].id} does not pass its public tests." in render_check(one)
    assert "challenges pass their public tests" in render_check(sample)


def test_the_header_names_the_rlimits_tier_as_the_warning_does(sample):
    header = render_grade(replace(sample, isolation="rlimits")).splitlines()[1]
    assert "rlimits only" in header and "subprocesses" not in header


def test_grade_takes_a_folder_path_like_an_archive(tmp_path: Path, pack):
    """An archive of the same folder one level down is graded the same (archives did this already)."""
    import zipfile

    sub = write_sub(tmp_path / "sub" / "wrap", "kit")
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sub.rglob("*"):
            z.write(path, path.relative_to(tmp_path))
    by_folder = grade(str(tmp_path / "sub"), [pack["model-basics"]], FakeBackend(honest))
    by_archive = grade(str(archive), [pack["model-basics"]], FakeBackend(honest))
    assert by_folder.score == by_archive.score == pack["model-basics"].max_score()


def test_similarity_reads_a_kit_one_folder_down_as_grading_does(tmp_path, pack):
    from grader.similarity import read_sources

    sub = write_sub(tmp_path / "ann" / "take-home", "kit").parent.parent
    sources, problems = read_sources([sub], ["ann"], ["model-basics"])
    assert problems == [] and sources["ann"] == {"model-basics": MODEL_BASICS_OK}
