"""Reading a submission folder: ``SUBMISSION/<challenge-id>/solution.py``.

Only ``solution.py`` is ever taken from a submission, read without following
links and with a size cap; everything else is left where it is. Files that
would change how tests run if a naive grader picked them up (``conftest.py``,
pytest configuration, ``*.pth``, ``sitecustomize.py``, modules shadowing
installed ones) are named in the results as ignored or refused.
"""

from __future__ import annotations

import importlib.machinery
import os
import stat
import sys
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from grader.archive import ARCHIVE_SUFFIXES, extract, is_archive
from grader.errors import SubmissionError
from grader.kitfiles import KIT_FILES
from grader.sanitize import file_name

MAX_SOLUTION_BYTES = 256 * 1024
_CONFIG_FILES = {"pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", ".pytest.ini"}
_STARTUP_HOOKS = {"sitecustomize.py", "usercustomize.py"}
_OWN_NAMES = {"solution", "statement", "public_tests", "tests", "README"}


@dataclass(frozen=True)
class Entry:
    """One challenge's part of a submission."""

    challenge_id: str
    present: bool  # the folder exists
    solution: bytes | None = None
    problem: str = ""  # why it cannot be graded, when it cannot
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Submission:
    """A submission folder."""

    path: Path
    inner: str = ""  # the folder inside the one given that holds the challenge folders, if any

    def entry(self, challenge_id: str) -> Entry:
        """What the submission holds for ``challenge_id``."""
        folder = self.path / challenge_id
        if folder.is_symlink():
            return Entry(
                challenge_id,
                True,
                problem=f"{challenge_id}/ is a symbolic link; submit a real folder",
            )
        if not folder.is_dir():
            return Entry(challenge_id, False)
        notes = tuple(suspicious_files(folder, f"{challenge_id}/"))
        solution, problem = read_solution(folder / "solution.py", f"{challenge_id}/solution.py")
        return Entry(challenge_id, True, solution, problem, notes)

    def notes(self) -> list[str]:
        """Notes about files at the top of the submission."""
        found = suspicious_files(self.path, "")
        if self.inner:
            found.insert(0, f"graded {self.inner}/ inside the submission: its challenge folders are there")
        return found

    def present(self, challenge_ids: Collection[str]) -> bool:
        """Whether the submission has a folder for any of ``challenge_ids``."""
        return any((self.path / cid).is_dir() or (self.path / cid).is_symlink() for cid in challenge_ids)

    def missing_all(self, challenge_ids: Collection[str]) -> SubmissionError:
        """The error for a submission with no folder of any of ``challenge_ids``: what was
        expected, and what is there instead."""
        ids = sorted(challenge_ids)
        wanted = ", ".join(ids[:4]) + (f" or {len(ids) - 4} more" if len(ids) > 4 else "")
        try:
            names = sorted(n for n in os.listdir(self.path) if not n.startswith("."))
        except OSError:
            names = []
        if "solution.py" in names:
            return SubmissionError(
                "the submission is one challenge's folder (it holds solution.py): give the folder "
                "above it, which holds <challenge-id>/solution.py for each challenge"
            )
        shown = ", ".join(file_name(n) for n in names[:5]) + (", ..." if len(names) > 5 else "")
        there = f"it holds {shown}" if names else "it is empty"
        return SubmissionError(
            f"no challenge folder in the submission ({there}): expected <challenge-id>/solution.py "
            f"folders at its top, for {wanted}"
        )


_PASSED_OVER = {"__MACOSX", "__pycache__"}


def submission_root(folder: Path, challenge_ids: Collection[str], depth: int = 3) -> tuple[Path, str]:
    """The folder holding the challenge folders, and its path inside ``folder`` ("" for itself).

    When ``folder`` has no challenge folder and exactly one visible folder (a kit copied,
    or unzipped, one or two levels down), that folder is looked in, up to ``depth`` levels;
    links are never followed."""
    inner: list[str] = []
    for _ in range(depth):
        if any((folder / cid).is_dir() for cid in challenge_ids) or (folder / "solution.py").exists():
            break
        try:
            names = [n for n in os.listdir(folder) if not n.startswith(".") and n not in _PASSED_OVER]
        except OSError:
            break
        folders = [n for n in names if (folder / n).is_dir() and not (folder / n).is_symlink()]
        if len(folders) != 1 or (folder / folders[0] / "solution.py").exists():
            break
        folder = folder / folders[0]
        inner.append(file_name(folders[0]))
    return folder, "/".join(inner)


@contextmanager
def opened_submission(
    path: str | os.PathLike[str], challenge_ids: Collection[str] | None = None
) -> Iterator[Submission]:
    """The submission at ``path``, a folder or an archive (unpacked into a private temporary
    folder that is removed when the block ends). Given ``challenge_ids``, a submission one
    or two folders down is found (``submission_root``)."""
    p = Path(path)
    if p.is_file() and is_archive(p):
        with tempfile.TemporaryDirectory(prefix="grader-submission-") as tmp:
            yield _rooted(Submission(extract(p, Path(tmp))), challenge_ids)
        return
    yield _rooted(open_submission(p), challenge_ids)


def _rooted(submission: Submission, challenge_ids: Collection[str] | None) -> Submission:
    if challenge_ids is None:
        return submission
    root, inner = submission_root(submission.path, challenge_ids)
    return Submission(root, inner) if inner else submission


def check_submission_path(path: str | os.PathLike[str], challenge_ids: Collection[str] = ()) -> None:
    """``SubmissionError`` unless ``path`` is a readable folder or an archive that unpacks
    (unpacked once here, so that a refused archive is said before anything else) with a
    folder for one of ``challenge_ids``, when given."""
    with opened_submission(path, challenge_ids or None) as sub:
        if challenge_ids and not sub.present(challenge_ids):
            raise sub.missing_all(challenge_ids)


def open_submission(path: str | os.PathLike[str]) -> Submission:
    """The submission folder at ``path``, or ``SubmissionError`` when it is not a readable folder."""
    p = Path(path)
    if not p.exists():
        raise SubmissionError(f"submission {p} does not exist")
    if not p.is_dir():
        raise SubmissionError(
            f"submission {p} is a file; give a folder laid out as <challenge-id>/solution.py, "
            f"or an archive of one ({', '.join(ARCHIVE_SUFFIXES)})"
        )
    if not os.access(p, os.R_OK | os.X_OK):
        raise SubmissionError(f"submission {p} cannot be read")
    return Submission(p)


def read_solution(path: Path, shown: str) -> tuple[bytes | None, str]:
    """The bytes of ``solution.py`` and no problem, or None and why it cannot be graded."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None, f"no {shown} in the submission"
    except OSError as exc:
        if path.is_symlink():
            return None, f"{shown} is a symbolic link; submit a regular file"
        return None, f"{shown} cannot be read ({exc.strerror})"
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None, f"{shown} is not a regular file"
        data = f.read(MAX_SOLUTION_BYTES + 1)
    if len(data) > MAX_SOLUTION_BYTES:
        return None, f"{shown} is larger than {MAX_SOLUTION_BYTES // 1024} KiB"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"{shown} is not UTF-8 text (byte {exc.start})"
    if b"\0" in data:  # Python refuses such a file with no line number: say where it is
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        return None, f"{shown} contains a NUL byte at line {line}; save it as plain UTF-8 text"
    return data, ""


def _shadows_installed(name: str) -> bool:
    if name in sys.stdlib_module_names or name in sys.builtin_module_names:
        return True
    paths = [p for p in sys.path if p not in ("", ".")]
    return importlib.machinery.PathFinder.find_spec(name, paths) is not None


def _kit_file(path: Path) -> bool:
    expected = KIT_FILES.get(path.name)
    if expected is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as f:
        return stat.S_ISREG(os.fstat(f.fileno()).st_mode) and f.read(len(expected) + 1) == expected


def suspicious_files(folder: Path, shown: str) -> list[str]:
    """One note per file in ``folder`` that would change how tests run if it were used."""
    notes: list[str] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return notes
    for name in names:
        # The name is the candidate's: bytes that are not UTF-8 (surrogate escapes here) and
        # control characters are shown escaped, so the note is safe in any report.
        where = f"{shown}{file_name(name)}"
        stem = name[:-3] if name.endswith(".py") else name
        if not shown and _kit_file(folder / name):
            continue  # handed back as `grader kit` wrote it: nothing to say
        if name == "conftest.py":
            notes.append(f"ignored {where}: the grader uses its own test configuration")
        elif name in _CONFIG_FILES:
            notes.append(f"ignored {where}: test configuration in a submission has no effect")
        elif name in _STARTUP_HOOKS or name.endswith(".pth"):
            notes.append(f"refused {where}: start-up hooks in a submission are never loaded")
        elif (
            stem.isidentifier()
            and stem not in _OWN_NAMES
            and not stem.startswith("test_")
            and (name.endswith(".py") or (folder / name).is_dir())
            and _shadows_installed(stem)
        ):
            notes.append(
                f"ignored {where}: it would shadow the installed module {stem!r}; only solution.py is graded"
            )
    return notes
