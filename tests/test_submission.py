"""Reading submissions: only solution.py is taken, and suspicious files are named."""

from __future__ import annotations

import os

import pytest

from grader.errors import SubmissionError
from grader.submission import MAX_SOLUTION_BYTES, open_submission


def test_nonexistent_and_file_submissions_are_refused(tmp_path):
    with pytest.raises(SubmissionError, match="does not exist"):
        open_submission(tmp_path / "nope")
    (tmp_path / "file.py").write_text("x")
    with pytest.raises(SubmissionError, match="is a file"):
        open_submission(tmp_path / "file.py")


def test_missing_folder_and_missing_solution(tmp_path):
    (tmp_path / "crud").mkdir()
    sub = open_submission(tmp_path)
    assert not sub.entry("raw-sql").present
    entry = sub.entry("crud")
    assert entry.present and entry.solution is None and "no crud/solution.py" in entry.problem


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"#" * (MAX_SOLUTION_BYTES + 1), "larger than"),
        (b"import os\nx = 1\x00\n", "crud/solution.py contains a NUL byte at line 2"),
    ],
    ids=["not-utf8", "too-large", "nul-byte"],
)
def test_unreadable_solutions_are_refused(tmp_path, content, problem):
    (tmp_path / "crud").mkdir()
    (tmp_path / "crud" / "solution.py").write_bytes(content)
    assert problem in open_submission(tmp_path).entry("crud").problem


def test_symlinks_are_never_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("host secret")
    sub = tmp_path / "sub"
    (sub / "crud").mkdir(parents=True)
    os.symlink(secret, sub / "crud" / "solution.py")
    os.symlink(sub / "crud", sub / "raw-sql")
    submission = open_submission(sub)
    assert "symbolic link" in submission.entry("crud").problem
    assert submission.entry("crud").solution is None
    assert "symbolic link" in submission.entry("raw-sql").problem


def test_suspicious_files_are_named(tmp_path):
    folder = tmp_path / "crud"
    folder.mkdir()
    (folder / "solution.py").write_text("db = None\n")
    for name in [
        "conftest.py",
        "pytest.ini",
        "setup.cfg",
        "evil.pth",
        "sitecustomize.py",
        "flask_sqlalchemy.py",
        "json.py",
        "helpers.py",
        "statement.md",
    ]:
        (folder / name).write_text("")
    (folder / "sqlalchemy").mkdir()
    (tmp_path / "conftest.py").write_text("")
    sub = open_submission(tmp_path)
    notes = " | ".join(sub.entry("crud").notes)
    for expected in [
        "ignored crud/conftest.py",
        "ignored crud/pytest.ini",
        "ignored crud/setup.cfg",
        "refused crud/evil.pth",
        "refused crud/sitecustomize.py",
        "shadow the installed module 'flask_sqlalchemy'",
        "shadow the installed module 'json'",
        "shadow the installed module 'sqlalchemy'",
    ]:
        assert expected in notes
    assert "helpers.py" not in notes and "statement.md" not in notes
    assert sub.notes() == ["ignored conftest.py: the grader uses its own test configuration"]


def test_a_nul_byte_is_an_error_that_says_where_never_line_none(tmp_path, pack):
    from grader.grading import grade
    from sandbox.fake import FakeBackend

    (tmp_path / "crud").mkdir()
    (tmp_path / "crud" / "solution.py").write_bytes(b"db = None\n\n\0\n")
    backend = FakeBackend()
    (result,) = grade(str(tmp_path), [pack["crud"]], backend, visibilities=("public",)).challenges
    assert str(result.status) == "error" and backend.jobs_seen == []  # refused before anything runs
    assert "contains a NUL byte at line 3" in result.message and "None" not in result.message
