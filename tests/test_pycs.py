"""Test modules' pycs: made ahead by a run without candidate code, kept, and used by pytest."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from _pytest.assertion.rewrite import _read_pyc, _rewrite_test
from _pytest.config import get_config

from grader.challenges import builtin_pack, load_pack
from grader.grading import challenge_run, grade
from grader.results import TestStatus
from sandbox.harness.precompile import compile_tests
from sandbox.local import LocalBackend
from sandbox.pycs import PycStore
from tests.helpers import MODEL_BASICS_OK


@pytest.mark.slow
def test_a_made_pyc_loads_as_the_code_pytest_would_have_made(tmp_path: Path) -> None:
    """Every test file of the pack: what pytest reads from our pyc equals its own rewrite."""
    files = sorted(builtin_pack().glob("*/tests/*/*.py"))
    tail, pycs = compile_tests([f.read_bytes() for f in files])
    config = get_config([])
    (tmp_path / "__pycache__").mkdir()
    for original, pyc in zip(files, pycs, strict=True):
        source = tmp_path / original.name
        shutil.copy(original, source)
        cached = tmp_path / "__pycache__" / f"{source.stem}{tail}"
        cached.write_bytes(pyc)
        loaded = _read_pyc(source, cached)
        _hash, rewritten = _rewrite_test(source, config)
        assert loaded is not None and loaded == rewritten, original
        assert loaded.co_filename == str(source)


def test_a_source_that_does_not_compile_gets_no_pyc() -> None:
    _tail, pycs = compile_tests([b"def broken(:\n", b"x = 1\n"])
    assert pycs[0] == b"" and pycs[1]


class Producer:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, sources: list[bytes]) -> tuple[str, list[bytes]]:
        self.calls.append(len(sources))
        return compile_tests(sources)


def runs_of(*ids: str) -> list:
    pack = load_pack()
    return [challenge_run(pack[i], MODEL_BASICS_OK.encode(), ("public", "hidden")) for i in ids]


def test_pycs_go_beside_their_test_files_and_are_made_once(tmp_path: Path) -> None:
    producer = Producer()
    store = PycStore("test", producer, folder=tmp_path / "cache")
    [run] = store.with_pycs(runs_of("model-basics"))
    names = {phase.phase: [name for name, _data in phase.files] for phase in run.phases}
    tail = compile_tests([])[0]
    assert f"__pycache__/test_public{tail}" in names["public"]
    assert f"__pycache__/test_hidden{tail}" in names["hidden"]
    assert producer.calls == [2]
    store.with_pycs(runs_of("model-basics", "crud"))
    assert producer.calls == [2, 2], "only the new challenge's files are made"
    again = PycStore("test", producer, folder=tmp_path / "cache")  # a later process: from disk
    again.with_pycs(runs_of("model-basics", "crud"))
    assert producer.calls == [2, 2]


def test_without_pycs_the_runs_are_unchanged_and_a_failing_maker_is_not_asked_again(
    tmp_path: Path,
) -> None:
    calls = []

    def broken(sources: list[bytes]) -> tuple[str, list[bytes]]:
        calls.append(len(sources))
        raise OSError("no engine")

    store = PycStore("test", broken, folder=tmp_path / "cache")
    runs = runs_of("model-basics")
    assert store.with_pycs(runs) == runs
    store.with_pycs(runs_of("model-basics"))
    assert calls == [2], "asked again after it failed"


@pytest.mark.slow
def test_pytest_runs_the_shipped_pyc(tmp_path: Path, fast_pack: dict) -> None:
    """The pyc is what runs: one made from other code, under the real source's hash, is used
    (so a pyc must only ever come from a run without candidate code)."""
    challenge = fast_pack["model-basics"]
    real = (challenge.path / "tests" / "public" / "test_public.py").read_bytes()
    tail, [pyc] = compile_tests([b"def test_only_this():\n    pass\n"])
    forged = pyc[:8] + importlib.util.source_hash(real)[:8] + pyc[16:]

    def produce(sources: list[bytes]) -> tuple[str, list[bytes]]:
        return tail, [forged if s == real else compile_tests([s])[1][0] for s in sources]

    backend = LocalBackend(jobs=1, tier="rlimits")
    backend.pycs = PycStore("forged", produce, folder=tmp_path / "cache")
    sub = tmp_path / "sub" / "model-basics"
    sub.mkdir(parents=True)
    (sub / "solution.py").write_text(MODEL_BASICS_OK)
    result = grade(str(sub.parent), [challenge], backend, visibilities=("public",))
    # The public file's own tests never ran: the module pytest loaded holds only the forged
    # one, which the host did not expect.
    (challenge,) = result.challenges
    assert challenge.score == 0 and "an unknown test 'test_only_this' ran" in challenge.message, challenge
    assert all(t.status is not TestStatus.PASSED for t in challenge.tests)
