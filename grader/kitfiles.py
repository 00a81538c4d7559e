"""Files ``grader kit`` writes beside the challenges, byte for byte.

They live apart from ``grader.kit`` so that submission intake can tell the
kit's own ``conftest.py`` and ``pytest.ini`` (handed back untouched) from a
candidate's, without importing the kit writer.
"""

from __future__ import annotations

MANIFEST = "grader-kit.json"

# The ini file makes the kit's folder pytest's rootdir wherever inside it `pytest` runs, so the
# conftest below is always loaded first and its one line is all a plain `pytest` prints.
PYTEST_INI = """\
# Written by `grader kit`. The public tests run through `grader check`, which gives
# them the fixtures they need; this file only lets a plain `pytest` say so.
[pytest]
"""

CONFTEST = '''\
"""Written by `grader kit`: the public tests need the grader's fixtures (a fresh app and
database for each test, your solution imported safely), which `grader check` gives them."""

import shutil

import pytest


def pytest_configure(config):
    if shutil.which("grader"):
        hint = "run `grader check` in this folder instead"
    else:
        hint = "install the grader (README.md says how), then run `grader check` in this folder"
    raise pytest.UsageError(f"these tests run through the grader: {hint}")
'''

# What a submission may hold at its top, untouched from the kit, without a note.
KIT_FILES = {"conftest.py": CONFTEST.encode(), "pytest.ini": PYTEST_INI.encode()}
