"""``grader batch``: finding submissions, parallel grading, resume, the leaderboard and cohort files.

Most tests use the fake backend (no process runs, each run counted); the
mixed-cohort test at the end runs the local backend for real through the CLI.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from grader.batch import Batch, Interrupted, find_submissions, unique_names
from grader.cli import cli
from grader.cohort import Row
from grader.errors import UsageError
from sandbox.fake import FakeAnswer, FakeJob, honest
from tests.helpers import (
    BAD,
    HOSTILE_MODEL_BASICS,
    MODEL_BASICS_OK,
    CountingBackend,
    assert_valid_junit,
    failing_last,
    write_sub,
)


@pytest.fixture
def cohort_dir(tmp_path: Path) -> Path:
    root = tmp_path / "cohort"
    for name in ("ann", "bob", "cat", "dan"):
        write_sub(root, name)
    return root


def test_find_submissions_expands_a_folder_of_them(tmp_path, pack):
    root = tmp_path / "in"
    write_sub(root, "alice")
    (root / "bob.zip").write_bytes(b"PK")
    (root / "carol.tar.gz").write_bytes(b"x")
    (root / "dave.TGZ").write_bytes(b"x")
    (root / "notes.txt").write_text("not a submission")
    (root / "erin").symlink_to(tmp_path / "gone")
    (root / ".git").mkdir()
    (root / "out").mkdir()
    single = write_sub(tmp_path, "solo")
    found, skipped = find_submissions([root, single], pack, exclude=root / "out")
    assert [p.name for p in found] == ["alice", "bob.zip", "carol.tar.gz", "dave.TGZ", "erin", "solo"]
    assert [p.name for p in skipped] == ["notes.txt"]


def test_a_folder_with_nothing_like_a_submission_inside_is_one(tmp_path, pack):
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "solution.py").write_text("x = 1\n")
    assert find_submissions([flat], pack) == ([flat], [])


def test_find_submissions_refuses_a_missing_path(tmp_path, pack):
    with pytest.raises(UsageError, match="does not exist"):
        find_submissions([tmp_path / "nope"], pack)


def test_names_are_unique_and_safe_for_files():
    paths = [
        Path("a/alice"),
        Path("b/alice"),
        Path("alice.zip"),
        Path("../../=cmd|x"),
        Path("..."),
        Path("x.tar.gz"),
    ]
    assert unique_names(paths) == ["alice", "alice-2", "alice-3", "cmd_x", "submission", "x"]


def test_batch_writes_each_result_and_the_cohort_files(tmp_path, cohort_dir, pack):
    backend = CountingBackend(failing_last)
    out = tmp_path / "out"
    cohort = Batch(out, [pack["model-basics"]], backend).run(sorted(cohort_dir.iterdir()), jobs=2)
    assert len(backend.runs) == 4
    for name in ("ann", "bob", "cat", "dan"):
        data = json.loads((out / "submissions" / f"{name}.json").read_text())
        assert data["schema_version"] == 1 and data["status"] == "failed"
        assert (out / "submissions" / f"{name}.html").read_text().startswith("<!doctype html>")
    stats = json.loads((out / "cohort.json").read_text())
    (challenge,) = stats["challenges"]
    assert challenge["attempted"] == 4 and challenge["passed"] == 0 and challenge["pass_rate"] == 0
    rates = {t["name"]: t["pass_rate"] for t in challenge["tests"]}
    last = pack["model-basics"].tests[-1].name
    assert rates[last] == 0 and all(rate == 1 for name, rate in rates.items() if name != last)
    assert stats["most_missed_hidden"][0]["name"] == last
    rows = list(csv.DictReader((out / "leaderboard.csv").open()))
    assert [r["candidate"] for r in rows] == ["ann", "bob", "cat", "dan"]
    assert cohort.ranked()[0].name == "ann"


def test_resume_regrades_nothing_already_done(tmp_path, cohort_dir, pack):
    out = tmp_path / "out"
    subs = sorted(cohort_dir.iterdir())
    Batch(out, [pack["model-basics"]], CountingBackend()).run(subs)
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "submissions").glob("*.json")}
    again = CountingBackend()
    cohort = Batch(out, [pack["model-basics"]], again).run(subs, resume=True)
    assert again.runs == [] and all(r.reused for r in cohort.rows)
    assert stamps == {p.name: p.stat().st_mtime_ns for p in (out / "submissions").glob("*.json")}
    # Without --resume, or for another audience, everything is graded again.
    fresh = CountingBackend()
    Batch(out, [pack["model-basics"]], fresh, audience="candidate").run(subs, resume=True)
    assert len(fresh.runs) == 4


def test_an_interrupted_batch_resumes_where_it_stopped(tmp_path, cohort_dir, pack):
    out = tmp_path / "out"
    subs = sorted(cohort_dir.iterdir())

    def stop_after_two(row: Row, done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    first = CountingBackend()
    with pytest.raises(Interrupted, match="--resume") as stopped:
        Batch(out, [pack["model-basics"]], first).run(subs, jobs=1, on_row=stop_after_two)
    assert stopped.value.exit_code == 130
    saved = {p.stem for p in (out / "submissions").glob("*.json")}
    assert len(saved) >= 2
    # The leaderboard of what is done: the saved submissions, and no row for the others.
    assert {r["candidate"] for r in csv.DictReader((out / "leaderboard.csv").open())} == saved
    rest = CountingBackend()
    cohort = Batch(out, [pack["model-basics"]], rest).run(subs, resume=True)
    assert len(rest.runs) == 4 - len(saved)
    assert {r.name for r in cohort.rows if r.reused} == saved


def test_one_crash_loses_no_other_submission(tmp_path, cohort_dir, pack):
    def respond(job: FakeJob) -> FakeAnswer:
        if b"CRASH" in job.solution:
            raise RuntimeError("backend bug")
        return honest(job)

    (cohort_dir / "bob" / "model-basics" / "solution.py").write_text("# CRASH\n")
    (cohort_dir / "eve.zip").write_text("not an archive at all")
    out = tmp_path / "out"
    subs = sorted(cohort_dir.iterdir())
    cohort = Batch(out, [pack["model-basics"]], CountingBackend(respond)).run(subs, jobs=2)
    by_name = {r.name: r for r in cohort.rows}
    assert by_name["bob"].result.status == "error" and "RuntimeError: backend bug" in by_name["bob"].reason
    assert not by_name["bob"].saved and not (out / "submissions" / "bob.json").exists()
    assert by_name["eve"].result.status == "error" and by_name["eve"].reason
    assert all(by_name[n].graded for n in ("ann", "cat", "dan"))
    # On resume the crashed one is graded again; the unreadable one is a verdict and is kept.
    again = CountingBackend()
    resumed = Batch(out, [pack["model-basics"]], again).run(subs, resume=True)
    assert [run.solution for run in again.runs] == [b"# CRASH\n"]
    assert {r.name for r in resumed.rows if r.reused} == {"ann", "cat", "dan", "eve"}


def test_csv_cells_cannot_become_spreadsheet_formulas(tmp_path, pack):
    root = tmp_path / "in"
    write_sub(root, "=HYPERLINK(1)")
    out = tmp_path / "out"
    Batch(out, [pack["model-basics"]], CountingBackend()).run([root / "=HYPERLINK(1)"])
    (row,) = csv.DictReader((out / "leaderboard.csv").open())
    assert row["candidate"] == "HYPERLINK_1"
    assert not row["submission"].startswith("=")


@pytest.mark.slow
def test_mixed_cohort_through_the_cli(runner, tmp_path, pack):
    """Right, wrong, broken, hostile and unreadable submissions, graded on the local backend, two at once."""
    root = tmp_path / "cohort"
    write_sub(root, "right")
    write_sub(
        root, "wrong", (pack["model-basics"].path / "solutions" / "bad" / "swapped_lengths.py").read_text()
    )
    write_sub(root, "broken", BAD)
    write_sub(root, "hostile", HOSTILE_MODEL_BASICS)
    write_sub(root, "empty-folder", None)
    (root / "unreadable.zip").write_bytes(b"\x00garbage")
    out = tmp_path / "out"
    args = ["batch", str(root), "--out", str(out), "--jobs", "2", "-c", "model-basics"]
    junit = tmp_path / "all.xml"
    result = runner.invoke(cli, [*args, "--format", "text", "--format", "junit", "--output", str(junit)])
    assert result.exit_code == 0, result.output
    rows = {r["candidate"]: r for r in csv.DictReader((out / "leaderboard.csv").open())}
    assert set(rows) == {"right", "wrong", "broken", "hostile", "empty-folder", "unreadable"}
    assert (rows["right"]["status"], rows["right"]["percent"]) == ("passed", "100.00")
    assert rows["right"]["rank"] == "1"
    for name in ("wrong", "broken", "hostile"):
        assert rows[name]["status"] == "failed" and float(rows[name]["percent"]) < 100, name
    assert rows["broken"]["model-basics"] == "0"
    assert rows["empty-folder"]["status"] == "failed" and rows["empty-folder"]["model-basics"] == "0"
    assert rows["unreadable"]["status"] == "error" and rows["unreadable"]["reason"]
    assert rows["unreadable"]["rank"] == "-"
    broken = json.loads((out / "submissions" / "broken.json").read_text())
    assert "syntax error at line 3" in broken["challenges"][0]["message"]
    for row in rows.values():
        assert (out / row["report"]).is_file()
    assert "right" in result.stdout and "unreadable" in result.stdout
    assert_valid_junit(junit.read_text())
    stats = json.loads((out / "cohort.json").read_text())
    assert (stats["submissions"], stats["graded"], stats["errors"]) == (6, 5, 1)
    assert stats["challenges"][0]["attempted"] == 5 and stats["challenges"][0]["passed"] == 1
    # Resume after the fact: nothing is graded again.
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "submissions").glob("*.json")}
    resumed = runner.invoke(cli, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert "6 submissions already graded" in resumed.stderr and "0 to grade" in resumed.stderr
    assert stamps == {p.name: p.stat().st_mtime_ns for p in (out / "submissions").glob("*.json")}


@pytest.mark.slow
def test_candidate_batch_files_hold_no_hidden_source(runner, tmp_path, pack):
    from tests.helpers import readable, secret_lines

    root = tmp_path / "cohort"
    write_sub(root, "hostile", HOSTILE_MODEL_BASICS)
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["batch", str(root), "--out", str(out), "-c", "model-basics", "--audience", "candidate"]
    )
    assert result.exit_code == 0, result.output
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == 5
    secrets = secret_lines(pack["model-basics"])
    for path in files:
        fmt = {".json": "json", ".html": "html"}.get(path.suffix, "text")
        seen = readable(fmt, path.read_text())
        for line in secrets:
            assert line not in seen, f"{path.name} leaks {line!r}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["batch", "/definitely/not/here", "--out", "x"], "does not exist"),
        (["batch", ".", "--out", "x", "--format", "gradescope"], "'gradescope' is not one of"),
    ],
    ids=["missing", "gradescope"],
)
def test_batch_bad_input_exits_2_with_one_line(runner, args, message):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_an_archive_in_a_cohort_is_graded_like_a_folder(tmp_path, cohort_dir, pack):
    import zipfile

    with zipfile.ZipFile(cohort_dir / "zoe.zip", "w") as archive:
        archive.writestr("zoe/model-basics/solution.py", MODEL_BASICS_OK)
    backend = CountingBackend()
    cohort = Batch(tmp_path / "out", [pack["model-basics"]], backend).run(sorted(cohort_dir.iterdir()))
    (zoe,) = [r for r in cohort.rows if r.name == "zoe"]
    assert zoe.graded and zoe.result.status == "passed"
    assert MODEL_BASICS_OK.encode() in [run.solution for run in backend.runs]
