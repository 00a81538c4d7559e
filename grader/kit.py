"""``grader kit``: a candidate's workspace, with nothing hidden in it.

Layout::

    DEST/README.md                     how to work and how to run `grader check`
    DEST/<id>/statement.md             the statement, with the shared rules (``grader.statements``)
    DEST/<id>/solution.py              the starter
    DEST/<id>/public_tests/test_*.py   the public tests, to read (and the helpers.py they import)

Only these kinds of file are copied, by name: no hidden test, reference or
known-bad solution can reach a kit by accident.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from grader.assessment import Assessment
from grader.challenges import Challenge
from grader.errors import UsageError
from grader.statements import full_statement

_README = """\
# Your Flask-SQLAlchemy challenges

Each folder is one challenge. In each, read `statement.md`, then write your
answer in `solution.py` (only that file is graded). `public_tests/` shows some
of the tests; hidden tests check the rest of what the statement says.

Check your work at any time from this folder (no Docker needed):

    grader check                           # every challenge
    grader check --challenge one-to-many   # just one (or run it inside that folder)

`grader check` runs the public tests against your `solution.py` files and
tells you what failed and where in your file. When you are done, hand in this
whole folder as it is (only each `solution.py` is graded).

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
    text = _README.format(listing=listing)
    if assessment is not None:
        hours, minutes = divmod(assessment.time_limit, 60)
        limit = f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
        heading = f"# {assessment.title}\n\n{assessment.summary}\n\n**Time limit: {limit}.**\n\n"
        text = heading + text.replace("# Your Flask-SQLAlchemy challenges\n\n", "", 1)
    readme.write_text(text, encoding="utf-8")
    written.append(readme)
    return written
