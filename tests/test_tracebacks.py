"""Tracebacks in ``details``: the test's and solution.py's frames only, named relative to the
submission, the same on every host and every run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grader.audience import for_audience
from grader.grading import grade
from sandbox.harness.plugin import Reporter, short_traceback
from sandbox.local import LocalBackend


def _reporter(work: Path) -> Reporter:
    return Reporter(
        lambda record: None,
        work / "solution" / "solution.py",
        5,
        lambda: None,
        tests=work / "tests",
        challenge_id="crud",
    )


def _raise_through(work: Path, chained: bool = False) -> BaseException:
    """An exception raised in "solution.py", called by a test file, called by library code."""
    namespace: dict[str, object] = {}
    solution = work / "solution" / "solution.py"
    body = "def create_user():\n    raise ValueError('taken')\n"
    if chained:
        body = (
            "def create_user():\n    try:\n        {}['x']\n"
            "    except KeyError as e:\n        raise ValueError('taken') from e\n"
        )
    for path, source in [
        (solution, body),
        (work / "tests" / "public" / "test_public.py", "def test_it(s):\n    s()\n"),
        (work / "site-packages" / "_pytest" / "python.py", "def call(f, s):\n    f(s)\n"),
    ]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
        exec(compile(source, str(path), "exec"), namespace)
    try:
        namespace["call"](namespace["test_it"], namespace["create_user"])  # type: ignore[operator]
    except ValueError as exc:
        return exc
    raise AssertionError("nothing was raised")


def test_only_the_tests_and_the_solutions_frames_remain_relative_to_the_submission(tmp_path):
    exc = _raise_through(tmp_path)
    text = short_traceback(exc, _reporter(tmp_path).shown)
    assert text == (
        "Traceback (most recent call last):\n"
        '  File "crud/public_tests/test_public.py", line 2, in test_it\n'
        "    s()\n"
        '  File "crud/solution.py", line 2, in create_user\n'
        "    raise ValueError('taken')\n"
        "ValueError: taken\n"
    )
    assert str(tmp_path) not in text and "_pytest" not in text


def test_a_chained_exception_keeps_both_parts(tmp_path):
    text = short_traceback(_raise_through(tmp_path, chained=True), _reporter(tmp_path).shown)
    assert "KeyError: 'x'" in text and "direct cause" in text and text.endswith("ValueError: taken\n")
    assert str(tmp_path) not in text


def test_collect_errors_name_the_tests_relative_too(tmp_path):
    reporter = _reporter(tmp_path)
    text = f"ImportError while importing test module '{tmp_path}/tests/hidden/test_hidden.py'"
    assert (
        reporter.relabel(text) == "ImportError while importing test module 'crud/hidden_tests/test_hidden.py'"
    )


@pytest.mark.slow
def test_details_and_output_from_a_real_run_hold_no_host_path_and_repeat_exactly(tmp_path, fast_pack):
    crud = fast_pack["crud"]
    sub = tmp_path / "sub" / "crud"
    sub.mkdir(parents=True)
    starter = crud.starter_path.read_text()
    warning = "    __import__('warnings').warn('careful')\n    raise NotImplementedError"
    sub.joinpath("solution.py").write_text(starter.replace("    raise NotImplementedError", warning, 1))
    backend = LocalBackend()
    runs = [grade(str(sub.parent), [crud], backend) for _ in range(2)]
    details = [[t.details for t in r.challenges[0].tests] for r in runs]
    assert details[0] == details[1]  # no temporary folder of the run in them
    failing = [d for d in details[0] if d]
    assert failing
    for text in failing:
        files = re.findall(r'File "([^"]+)"', text)
        assert files and all(
            re.fullmatch(r"crud/(solution\.py|(public|hidden)_tests/test_\w+\.py)", f) for f in files
        )
        assert "site-packages" not in text and "pluggy" not in text and "/tmp" not in text
    view = for_audience(runs[0], "candidate", [crud]).as_json()
    view.pop("submission")  # the path it was given
    outputs = [t.output for t in runs[0].challenges[0].tests if "careful" in t.output]
    assert outputs and all("crud/solution.py:" in o and "/tmp" not in o for o in outputs), outputs
    candidate = json.dumps(view)
    for where in ("site-packages", "/tmp/"):
        at = candidate.find(where)
        assert at < 0, candidate[max(0, at - 300) : at + 100]
