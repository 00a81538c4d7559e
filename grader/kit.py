"""``grader kit``: a candidate's workspace, with nothing hidden in it.

Layout::

    DEST/README.md                     how to install the grader and run `grader check`
    DEST/grader-kit.json               the manifest: challenges, assessment, pack digest, version
    DEST/conftest.py, DEST/pytest.ini  make a plain `pytest` say, in one line, to use `grader check`
    DEST/<id>/statement.md             the statement, with the shared rules (``grader.statements``)
    DEST/<id>/solution.py              the starter
    DEST/<id>/public_tests/test_*.py   the public tests, to read (and the helpers.py they import)

Only these kinds of file are copied, by name: no hidden test, reference or
known-bad solution can reach a kit by accident.

The manifest is how ``grade`` and ``batch`` know what a kit (or a submission
made from one) holds: ``choose`` grades its challenges with its weights unless
``--challenge`` or ``--assessment`` says otherwise. It comes back inside the
candidate's hand-in, so it is read as untrusted data: capped, validated, its
ids checked against the pack, and where it came from is said in the results.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import stat
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import __version__
from grader.archive import is_archive
from grader.assessment import Assessment, load_assessment
from grader.challenges import Challenge, pack_digest, select
from grader.errors import SubmissionError, UsageError
from grader.kitfiles import CONFTEST, MANIFEST, PYTEST_INI
from grader.sanitize import one_line
from grader.statements import full_statement
from grader.submission import opened_submission, submission_root

MANIFEST_VERSION = 1
MAX_MANIFEST_BYTES = 64 * 1024

_README = """\
# Your Flask-SQLAlchemy challenges

Each folder is one challenge. In each, read `statement.md`, then write your
answer in `solution.py` (only that file is graded). `public_tests/` shows some
of the tests; hidden tests check the rest of what the statement says.

## Install the grader (once)

You need Python 3.11 or newer. Install the grader your hiring team sent you
(version {version}) in a virtual environment of its own, outside this folder
(everything in this folder is handed in):

    python3 -m venv ~/grader-venv
    ~/grader-venv/bin/pip install grader-{version}-py3-none-any.whl  # the file they sent
    source ~/grader-venv/bin/activate    # on Windows: ~\\grader-venv\\Scripts\\activate

## Check your work

Check your work at any time from this folder (no Docker needed):

    grader check                           # every challenge
    grader check --challenge one-to-many   # just one (or run it inside that folder)

`grader check` runs the public tests against your `solution.py` files and
tells you what failed and where in your file. The public tests need the
grader's own fixtures (a fresh app and database per test), so a plain `pytest`
here only tells you to run `grader check`. When you are done, hand in this
whole folder as it is (only each `solution.py` is graded; `grader-kit.json`
tells the grader which challenges the kit holds).

Challenges:

{listing}
"""


def make_kit(dest: Path, challenges: Sequence[Challenge], assessment: Assessment | None = None) -> list[Path]:
    """Write a candidate workspace for ``challenges`` into ``dest`` (new or empty); the files written."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest} already exists and is not an empty folder; choose a new folder")
    written: list[Path] = []
    dest.mkdir(parents=True, exist_ok=True)
    for challenge in challenges:
        folder = dest / challenge.id
        (folder / "public_tests").mkdir(parents=True)
        statement = folder / "statement.md"
        statement.write_text(full_statement(challenge), encoding="utf-8")
        written.append(statement)
        public = challenge.test_files("public")
        pairs = [(challenge.starter_path, folder / "solution.py")]
        pairs += [(p, folder / "public_tests" / p.name) for p in public]
        if challenge.helpers_path and public:
            pairs.append((challenge.helpers_path, folder / "public_tests" / challenge.helpers_path.name))
        for source, target in pairs:
            shutil.copyfile(source, target)
            written.append(target)
    listing = "\n".join(f"- `{c.id}/` ({c.difficulty}): {c.title} — {c.summary}" for c in challenges)
    readme = dest / "README.md"
    text = _README.format(listing=listing, version=__version__)
    if assessment is not None:
        hours, minutes = divmod(assessment.time_limit, 60)
        limit = f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
        heading = f"# {assessment.title}\n\n{assessment.summary}\n\n**Time limit: {limit}.**\n\n"
        text = heading + text.replace("# Your Flask-SQLAlchemy challenges\n\n", "", 1)
    readme.write_text(text, encoding="utf-8")
    written.append(readme)
    for name, body in (
        (MANIFEST, manifest_text(challenges, assessment)),
        ("conftest.py", CONFTEST),
        ("pytest.ini", PYTEST_INI),
    ):
        (dest / name).write_text(body, encoding="utf-8")
        written.append(dest / name)
    return written


def manifest_text(challenges: Sequence[Challenge], assessment: Assessment | None) -> str:
    """The kit's manifest: what it holds, from which pack, made by which grader."""
    data: dict[str, Any] = {
        "grader_kit": MANIFEST_VERSION,
        "grader_version": __version__,
        "pack_digest": pack_digest(challenges),
        "challenges": [c.id for c in challenges],
        "assessment": None,
    }
    if assessment is not None:
        data["assessment"] = {**assessment.as_json(), "summary": assessment.summary}
    return json.dumps(data, indent=2) + "\n"


@dataclass(frozen=True)
class Manifest:
    """A kit's ``grader-kit.json``, validated."""

    challenges: tuple[str, ...]
    assessment: Assessment | None
    pack_digest: str
    grader_version: str


@dataclass(frozen=True)
class Selection:
    """The challenges to grade, their assessment (weights), and how they were chosen."""

    challenges: list[Challenge]
    assessment: Assessment | None
    note: str = ""  # said in the results when the kit's manifest chose


def choose(
    pack: dict[str, Challenge],
    ids: Sequence[str],
    assessment_spec: str | None,
    submissions: Sequence[Path] = (),
) -> Selection:
    """What ``grade`` and ``batch`` grade: ``--challenge`` or ``--assessment`` when given, else
    the challenges and weights of the submissions' kit manifest, else the whole pack.

    Submissions made from different kits (their manifests disagree) are a ``UsageError``:
    a cohort is ranked on one set of challenges, chosen with ``-c`` or ``--assessment``.
    """
    if assessment_spec is not None:
        if ids:
            raise UsageError("give --assessment or --challenge, not both")
        assessment = load_assessment(assessment_spec)
        return Selection(assessment.challenges(pack), assessment)
    if ids:
        return Selection(select(pack, ids), None)
    found: dict[Path, Manifest] = {}
    for path in submissions:
        manifest = submission_manifest(path, pack)
        if manifest is not None:
            found[path] = manifest
    if not found:
        return Selection(select(pack, ()), None)
    first_path, first = next(iter(found.items()))
    for path, other in found.items():
        if _key(other) != _key(first):
            raise UsageError(
                f"{first_path} and {path} come from different kits ({_describe(first)} vs "
                f"{_describe(other)}); choose one set with --challenge or --assessment"
            )
    unknown = [cid for cid in first.challenges if cid not in pack]
    if unknown:
        raise UsageError(
            f"the kit's {MANIFEST} in {first_path} names challenge(s) this pack lacks: "
            f"{', '.join(unknown)}; give --challenges DIR (the pack the kit was made from), "
            "or choose with --challenge"
        )
    challenges = [pack[cid] for cid in first.challenges]
    where = "the kit's" if len(found) == 1 else f"{len(found)} submissions' (all alike)"
    what = "challenges and weights" if first.assessment else "challenges"
    note = f"{what} from {where} {MANIFEST}: {_describe(first)}"
    if first.pack_digest != pack_digest(challenges):
        note += "; the kit was made from another version of these challenges (its pack digest differs)"
    return Selection(challenges, first.assessment, note)


def _key(m: Manifest) -> tuple[object, ...]:
    weights = sorted(m.assessment.weights.items()) if m.assessment else None
    return (m.challenges, weights)


def _describe(m: Manifest) -> str:
    if m.assessment is None:
        return ", ".join(m.challenges)
    return m.assessment.name + " (" + ", ".join(f"{c} x{w:g}" for c, w in m.assessment.weights.items()) + ")"


def submission_manifest(path: Path, challenge_ids: Collection[str] = ()) -> Manifest | None:
    """The kit manifest beside the challenge folders of the submission ``path`` (a folder or an
    archive; with ``challenge_ids``, a kit one or two folders down is found as grading finds it),
    or None when it has none (or cannot be opened: grading says why). A manifest that is there
    but malformed is a ``SubmissionError``: guessing what it meant could grade the wrong
    challenges."""
    if path.is_dir() and not path.is_symlink():
        return read_manifest(submission_root(path, challenge_ids)[0] if challenge_ids else path)
    if path.is_file() and is_archive(path):
        try:
            with opened_submission(path, challenge_ids or None) as sub:
                return read_manifest(sub.path)
        except SubmissionError:
            return None
    return None


def read_manifest(folder: Path) -> Manifest | None:
    """``folder``'s ``grader-kit.json``, validated, or None when there is none."""
    target = folder / MANIFEST
    shown = f"{MANIFEST} in {folder}"
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SubmissionError(f"{shown} cannot be read ({exc.strerror}); choose with --challenge") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise SubmissionError(f"{shown} is not a regular file; choose with --challenge")
        raw = f.read(MAX_MANIFEST_BYTES + 1)
    try:
        if len(raw) > MAX_MANIFEST_BYTES:
            raise ValueError(f"larger than {MAX_MANIFEST_BYTES // 1024} KiB")
        return _parse(json.loads(raw.decode("utf-8")))
    except (ValueError, UnicodeDecodeError) as exc:
        why = one_line(str(exc), 200)
        raise SubmissionError(
            f"{shown} is not a kit manifest ({why}); choose with --challenge or --assessment"
        ) from None


def _parse(data: object) -> Manifest:
    if not isinstance(data, dict) or data.get("grader_kit") != MANIFEST_VERSION:
        raise ValueError(f'no "grader_kit": {MANIFEST_VERSION}')
    ids = data.get("challenges")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise ValueError('"challenges" must list challenge ids')
    if len(set(ids)) != len(ids) or len(ids) > 500 or max(map(len, ids)) > 100:
        raise ValueError('"challenges" repeats an id, or it or an id is too long')
    digest, version = data.get("pack_digest", ""), data.get("grader_version", "")
    if not isinstance(digest, str) or not isinstance(version, str):
        raise ValueError('"pack_digest" and "grader_version" must be strings')
    raw = data.get("assessment")
    assessment = None
    if raw is not None:
        if not isinstance(raw, dict):
            raise ValueError('"assessment" must be an object or null')
        name, title, summary = raw.get("name"), raw.get("title"), raw.get("summary", "")
        limit, weights = raw.get("time_limit"), raw.get("weights")
        if (
            not isinstance(name, str)
            or not isinstance(title, str)
            or not isinstance(summary, str)
            or type(limit) is not int
            or limit <= 0
            or max(len(name), len(title), len(summary) // 10) > 200
        ):
            raise ValueError("the assessment needs a name, a title (short) and a time_limit in minutes")
        if not isinstance(weights, dict) or list(weights) != ids:
            raise ValueError("the assessment's weights must name exactly the kit's challenges, in order")
        for w in weights.values():
            if (
                isinstance(w, bool)
                or not isinstance(w, int | float)
                or not math.isfinite(w)
                or not 0 < w <= 1000
            ):
                raise ValueError("every weight must be a positive number, at most 1000")
        assessment = Assessment(name, title, summary, limit, {k: float(v) for k, v in weights.items()})
    return Manifest(tuple(ids), assessment, digest, version)
