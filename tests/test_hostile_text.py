"""Attacks on the reports with text a candidate controls (issue 12, items 4 and 7).

A lone surrogate, a NUL, a terminal sequence or a Markdown link in an exception
message, printed output or file name must break no report writer, no batch and
no exit code, must not redraw the score on a reviewer's terminal, and must not
become a clickable link or an image fetch in a pull-request comment.
"""

from __future__ import annotations

import html
import html.parser
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from grader import github
from grader.batch import Batch
from grader.cli import cli
from grader.grading import grade
from grader.reports import FORMATS, render, render_check, render_grade
from grader.reports.leaderboard import (
    render_batch_json,
    render_batch_junit,
    render_cohort_json,
    render_csv,
    render_leaderboard_html,
    render_leaderboard_markdown,
    render_leaderboard_text,
)
from grader.results import RunStatus
from grader.sanitize import clean, file_name
from grader.submission import Submission
from sandbox.fake import FakeBackend
from tests.helpers import (
    FORGED_SCORE,
    HOSTILE_TEXT,
    MODEL_BASICS_OK,
    CountingBackend,
    assert_carriable,
    assert_valid_junit,
    failing_last_with,
    hostile_cohort,
    hostile_result,
    write_sub,
)

BATCH_WRITERS = {
    "csv": render_csv,
    "html": render_leaderboard_html,
    "text": render_leaderboard_text,
    "markdown": render_leaderboard_markdown,
    "junit": render_batch_junit,
    "json": render_batch_json,
    "cohort": render_cohort_json,
}
GRADER = str(Path(sys.executable).parent / "grader")  # the installed command, run as a user runs it
# The cursor-and-erase attack on the text report, as a hostile file name can carry it (no "/").
FORGED_NAME = "x\x1b[1A\x1b[2K\x1b[1GScore 9\u22159 (100.0%)  status PASSED.pth"


def _well_formed(fmt: str, document: str) -> None:
    if fmt in ("json", "gradescope", "cohort"):
        json.loads(document)
    elif fmt == "junit":
        assert_valid_junit(document)
    elif fmt == "html":
        assert "<img" not in document and '<a href="https' not in document


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_report_format_survives_any_text(fmt):
    document = render(fmt, hostile_result())
    assert_carriable(document, sgr=fmt == "text")
    _well_formed(fmt, document)
    assert "\x1b[1A" not in document and "\x1b]8" not in document


@pytest.mark.parametrize("writer", sorted(BATCH_WRITERS))
def test_every_batch_writer_survives_any_text(writer):
    document = BATCH_WRITERS[writer](hostile_cohort())
    assert_carriable(document)
    _well_formed(writer, document)


def test_the_check_report_survives_any_text():
    assert_carriable(render_check(hostile_result()), sgr=True)


@pytest.mark.slow
def test_huge_text_in_every_field_is_written_and_the_markdown_still_fits_a_comment():
    text = HOSTILE_TEXT + "y" * 500_000 + "\n" * 20_000 + "z" * 200_000
    result = replace(hostile_result(text), notes=(text + "1",), submission=text + "2")  # not all one string
    for fmt in FORMATS:
        assert_carriable(render(fmt, result), sgr=fmt == "text")
    assert len(render("markdown", result)) < 65_536
    longest = max(len(line) for line in render("text", result).splitlines())
    assert longest < 2_000  # one test's message cannot flood the reviewer's terminal
    assert len(render_leaderboard_markdown(hostile_cohort(text))) < 65_536


def test_annotations_survive_any_text():
    result = hostile_result()
    challenge = replace(result.challenges[0], id="crud")
    commands = github.error_commands(replace(result, submission="sub", challenges=(challenge,)), {})
    assert commands
    for command in commands:
        assert_carriable(command)
        assert "\n" not in command


# -- file names ------------------------------------------------------------------------


def test_notes_show_a_hostile_file_name_escaped(tmp_path):
    root = tmp_path / "sub"
    (root / "model-basics").mkdir(parents=True)
    os.close(os.open(bytes(root) + b"/bad\xff\x1b[2J\n\xe2\x80\xae.pth", os.O_CREAT | os.O_WRONLY, 0o600))
    (notes,) = Submission(root).notes()
    assert notes.startswith("refused bad\\xff\\x1b[2J\\n\\u202e.pth: ")
    assert notes.isprintable()
    assert file_name("plain_name.py") == "plain_name.py"


# -- the terminal ----------------------------------------------------------------------


def _screen(document: str, rows: int = 60) -> tuple[list[str], object]:
    """What an 80-column terminal shows after ``document`` (LF as a tty's onlcr sends it)."""
    pyte = pytest.importorskip("pyte", reason="pyte (a VT100 emulator) is in the [dev] extra")
    screen = pyte.Screen(80, rows)
    pyte.Stream(screen).feed(document.replace("\n", "\r\n"))
    return [line.rstrip() for line in screen.display], screen


def test_the_terminal_shows_the_real_score_whatever_the_candidate_wrote(tmp_path, pack):
    """A grading of 8/9 whose failing message and file name try to redraw the score line."""
    sub = write_sub(tmp_path, "sub")
    (sub / FORGED_NAME).write_text("")
    # A name that needs no escape at all: padded to wrap onto a line of its own at 80 columns.
    (sub / ("x" * 66 + FORGED_SCORE.replace("/", "\u2215") + ".pth")).write_text("")
    attack = f"wrong \ud800\x1b[1A\x1b[2K\r{FORGED_SCORE}\x1b[999B\x1b[2J\x1b[H"

    result = grade(str(sub), [pack["model-basics"]], FakeBackend(failing_last_with(attack)))
    assert result.score == 8
    document = render_grade(result)
    assert_carriable(document, sgr=True)
    lines, screen = _screen(document)
    shown = [line for line in lines if line]
    # The last line is the real score: nothing the candidate wrote moved, erased or followed it.
    assert shown[-1] == f"Score 8/9 (88.9%)  status FAILED  in {result.duration:.1f} s"
    assert [line for line in lines if line.startswith("Score 8/9")] == [shown[-1]]
    assert sum("status PASSED" in line for line in lines) == 3  # each forgery, shown as text
    # The report's own colours still reach the terminal: the score is bold, FAILED bold red.
    row = lines.index(shown[-1])
    column = lines[row].index("FAILED")
    cells = screen.buffer[row]
    assert (cells[column].fg, cells[column].bold, cells[0].bold) == ("red", True, True)


# -- Markdown as GitHub renders it -------------------------------------------------------


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "img", "image", "iframe", "link", "script", "source", "video", "audio"):
            self.found.append(f"<{tag} {attrs}>")


def _github_html(markdown: str) -> str:
    cmarkgfm = pytest.importorskip("cmarkgfm", reason="cmarkgfm (GitHub's cmark) is in the [dev] extra")
    from cmarkgfm.cmark import Options

    # Raw HTML is let through, as GitHub does before its sanitizer: nothing may rely on it.
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


@pytest.mark.parametrize(
    "markdown",
    [lambda: render("markdown", hostile_result()), lambda: render_leaderboard_markdown(hostile_cohort())],
    ids=["grading", "leaderboard"],
)
def test_markdown_shows_no_candidate_link_and_fetches_no_image(markdown):
    page = _github_html(markdown())
    links = _Links()
    links.feed(page)
    assert links.found == []
    assert "evil.example" in page  # shown as text, not dropped
    assert "mailto:" not in page


def test_markdown_inline_text_reads_as_the_candidate_wrote_it():
    from grader.reports.markdown import inline

    text = "a [b](c) *d* _e_ `f` | g \\ h <i> & www.j.example k@l.example https://m.example"
    shown = html.unescape(_github_html(inline(text))).replace("\u2060", "")
    assert shown.strip() == f"<p>{text}</p>"


# -- crashes while writing -----------------------------------------------------------------


@pytest.mark.slow
def test_a_crash_while_writing_exits_3_and_leaves_no_empty_file(runner, tmp_path, monkeypatch):
    """Whatever goes wrong in a writer, the exit code never says "below --min-score"."""
    sub = write_sub(tmp_path, "sub")
    target = tmp_path / "report.json"

    def broken(fmt: str, result: object) -> str:
        raise RuntimeError("a writer bug \ud800\x1b[2J")

    monkeypatch.setattr("grader.cli.render", broken)
    result = runner.invoke(
        cli,
        [
            "grade",
            str(sub),
            "-c",
            "model-basics",
            "--backend",
            "local",
            "--format",
            "json",
            "-o",
            str(target),
        ],
    )
    assert result.exit_code == 3, result.output
    assert not target.exists()
    # Where neither Docker nor bwrap works, the rlimits warning comes first, as it should.
    *warned, line = result.stderr.strip().splitlines()
    assert all(w.startswith("warning: ") and "rlimits" in w for w in warned) and len(warned) <= 1
    assert line.startswith("grader: internal error: RuntimeError: a writer bug")
    assert_carriable(line)


# -- batches -----------------------------------------------------------------------------


def _hostile_for(name: str, pack):
    return failing_last_with(HOSTILE_TEXT, HOSTILE_TEXT, when=b"HOSTILE")


def test_a_batch_with_text_that_broke_every_writer_grades_everyone(tmp_path, pack):
    root = tmp_path / "cohort"
    for name in ("ann", "bob", "cat"):
        write_sub(root, name)
    write_sub(root, "eve", MODEL_BASICS_OK + "\n# HOSTILE\n")
    subs = sorted(root.iterdir())
    out = tmp_path / "out"
    cohort = Batch(out, [pack["model-basics"]], FakeBackend(_hostile_for("eve", pack))).run(subs, jobs=2)
    assert [r.name for r in cohort.rows] == ["ann", "bob", "cat", "eve"]
    assert all(r.graded and r.saved for r in cohort.rows)
    assert cohort.rows[-1].result.score < cohort.rows[0].result.score
    for name in ("leaderboard.csv", "leaderboard.html", "cohort.json", "submissions/eve.json"):
        assert_carriable((out / name).read_text(encoding="utf-8"))
    again = Batch(out, [pack["model-basics"]], FakeBackend(_hostile_for("eve", pack)))
    (out / "submissions" / "eve.html").unlink()  # resume writes it again from the saved result
    resumed = again.run(subs, resume=True)
    assert all(r.reused for r in resumed.rows) and (out / "submissions" / "eve.html").exists()


def test_a_submission_named_with_odd_bytes_is_graded_saved_and_reused(tmp_path, pack):
    root = tmp_path / "cohort"
    write_sub(root, "ann")
    odd = Path(os.fsdecode(bytes(root) + b"/eve\xff\x1b[2J\xed\xa0\x80"))  # the last three: a surrogate
    os.rename(write_sub(tmp_path / "elsewhere", "eve"), odd)
    subs = sorted(root.iterdir())
    out = tmp_path / "out"
    cohort = Batch(out, [pack["model-basics"]], CountingBackend()).run(subs)
    assert all(r.graded and r.saved for r in cohort.rows)
    assert_carriable((out / "leaderboard.csv").read_text(encoding="utf-8"))
    backend = CountingBackend()
    resumed = Batch(out, [pack["model-basics"]], backend).run(subs, resume=True)
    assert all(r.reused for r in resumed.rows) and backend.runs == []


def test_a_submission_that_cannot_be_saved_is_its_own_error_row(tmp_path, pack):
    root = tmp_path / "cohort"
    for name in ("ann", "bob", "cat"):
        write_sub(root, name)
    subs = sorted(root.iterdir())
    out = tmp_path / "out"
    (out / "submissions" / "bob.html").mkdir(parents=True)  # a real obstacle: a folder where the file goes
    cohort = Batch(out, [pack["model-basics"]], CountingBackend()).run(subs)
    rows = {r.name: r for r in cohort.rows}
    assert rows["ann"].graded and rows["cat"].graded
    assert rows["bob"].result.status is RunStatus.ERROR and not rows["bob"].saved
    assert "could not save" in rows["bob"].reason
    assert not (out / "submissions" / "bob.json").exists()  # nothing half-saved for --resume to trust
    assert "bob" in (out / "leaderboard.csv").read_text()
    (out / "submissions" / "bob.html").rmdir()
    backend = CountingBackend()
    resumed = Batch(out, [pack["model-basics"]], backend).run(subs, resume=True)
    assert [r.name for r in resumed.rows if not r.reused] == ["bob"] and len(backend.runs) == 1
    assert all(r.graded and r.saved for r in resumed.rows)


def test_resume_survives_a_tampered_saved_result(tmp_path, pack):
    """Saved results sit in --out, where code on the rlimits tier can write: read back, they
    are trusted for nothing that could crash a writer."""
    root = tmp_path / "cohort"
    write_sub(root, "ann")
    subs = sorted(root.iterdir())
    out = tmp_path / "out"
    Batch(out, [pack["model-basics"]], CountingBackend()).run(subs)
    saved = out / "submissions" / "ann.json"
    data = json.loads(saved.read_text())
    data["notes"] = ["\ud800\x1b[2J"]
    saved.write_text(json.dumps(data))  # ASCII JSON: the lone surrogate as an escape
    (out / "submissions" / "ann.html").unlink()
    resumed = Batch(out, [pack["model-basics"]], CountingBackend()).run(subs, resume=True)
    assert resumed.rows[0].reused
    assert_carriable((out / "submissions" / "ann.html").read_text(encoding="utf-8"))
    data["score"] = float("nan")
    saved.write_text(json.dumps(data))
    backend = CountingBackend()
    regraded = Batch(out, [pack["model-basics"]], backend).run(subs, resume=True)
    assert not regraded.rows[0].reused and len(backend.runs) == 1


# -- real gradings ---------------------------------------------------------------------------

# Raised from the candidate's own code while a public test runs, so the reviewer sees it.
RAISING = (
    MODEL_BASICS_OK
    + "\n\n_init = User.__init__\n\n\ndef _hostile_init(self, **kw):\n"
    + "    if kw.get('username') == 'ada':\n"
    + f"        raise ValueError({HOSTILE_TEXT!r})\n"
    + "    _init(self, **kw)\n\n\nUser.__init__ = _hostile_init\n"
)


@pytest.mark.slow
def test_a_real_grading_of_hostile_text_writes_every_format(tmp_path):
    sub = tmp_path / "sub"
    (sub / "model-basics").mkdir(parents=True)
    (sub / "model-basics" / "solution.py").write_text(RAISING)
    (sub / FORGED_NAME).write_text("")
    args = [GRADER, "grade", str(sub), "-c", "model-basics", "--backend", "local"]
    for fmt in FORMATS:
        args += ["--format", fmt, "-o", str(tmp_path / f"report.{fmt}")]
    done = subprocess.run([*args, "--min-score", "0"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    for fmt in FORMATS:
        document = (tmp_path / f"report.{fmt}").read_text(encoding="utf-8")
        assert document, fmt
        assert_carriable(document)
        _well_formed(fmt, document)
    data = json.loads((tmp_path / "report.json").read_text())
    (challenge,) = data["challenges"]
    assert 0 < challenge["score"] < challenge["max_score"]
    messages = [t["message"] for t in challenge["tests"] if t["status"] != "passed"]
    assert any("[phish](https://evil.example/login)" in m for m in messages)  # kept, as plain text
    assert ET.fromstring((tmp_path / "report.junit").read_text()).tag == "testsuites"


@pytest.mark.slow
def test_a_real_batch_with_a_hostile_submission_grades_everyone(tmp_path):
    root = tmp_path / "cohort"
    for name in ("ann", "bob"):
        write_sub(root, name)
    write_sub(root, "eve", RAISING)
    os.close(os.open(bytes(root / "eve") + b"/\xff\x1b[2J.pth", os.O_CREAT | os.O_WRONLY, 0o600))
    out = tmp_path / "out"
    args = [GRADER, "batch", str(root), "--out", str(out), "-c", "model-basics"]
    done = subprocess.run([*args, "--backend", "local", "--jobs", "2"], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    rows = json.loads((out / "cohort.json").read_text())
    assert (rows["submissions"], rows["graded"]) == (3, 3)
    board = (out / "leaderboard.csv").read_text(encoding="utf-8")
    assert all(name in board for name in ("ann", "bob", "eve"))
    assert clean(done.stdout.decode("utf-8")) == done.stdout.decode("utf-8")
