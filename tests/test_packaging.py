"""The installable package holds no hidden material (issue 12, item 3).

The wheel and the sdist carry the public part of the built-in pack only: no
hidden test, no solution, no hidden test's name or rubric line. An install of
the wheel checks and makes kits, and refuses to grade without a pack that has
hidden tests, in one line, exit 2. The quick tests use a public copy made as
the build makes it; the slow ones build the distributions for real.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from grader.challenges import builtin_pack, load_pack, require_hidden
from grader.cli import cli
from grader.errors import UsageError
from grader.public_pack import MARKER, public_metadata
from tests.helpers import MODEL_BASICS_OK, hidden_material, public_copy

ROOT = Path(__file__).resolve().parent.parent
REFUSAL = "holds no hidden tests"


@pytest.fixture(scope="module")
def public_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return public_copy(builtin_pack(), tmp_path_factory.mktemp("public") / "pack")


def test_a_public_pack_loads_with_the_full_pack_s_counts(public_pack, pack):
    public = load_pack(public_pack)
    assert sorted(public) == sorted(pack)
    for cid, challenge in public.items():
        assert challenge.public_only and not pack[cid].public_only
        assert challenge.tests_of(["hidden"]) == ()
        assert challenge.hidden_count == pack[cid].hidden_count
        assert challenge.max_score() == pack[cid].max_score()
        assert challenge.max_score(["public"]) == pack[cid].max_score(["public"])
    with pytest.raises(UsageError, match=REFUSAL):
        public["crud"].test_files("hidden")
    with pytest.raises(UsageError, match="--challenges DIR or GRADER_CHALLENGES=DIR"):
        require_hidden(public.values())


def test_public_metadata_keeps_no_hidden_name_rubric_or_comment():
    text = (
        'id = "x"\n# hidden test_secret checks the salt\n[tests.test_secret]\nrubric = "the salt is random"\n'
        'points = 2\n[tests.test_shown]\nrubric = "shown"\n[tests."TestC::test_odd"]\npoints = 3\n'
    )
    public = public_metadata(text, ["test_secret", "TestC::test_odd"])
    assert "secret" not in public and "salt" not in public and "TestC" not in public
    data = tomllib.loads(public)
    assert data["tests"] == {"test_shown": {"rubric": "shown"}}
    assert data[MARKER] == {"count": 2, "points": 5.0}
    assert public_metadata(public, []) == public  # building from an sdist changes nothing


@pytest.mark.parametrize(
    ("args", "ok"),
    [
        (["list"], True),
        (["list", "--format", "json"], True),
        (["show", "crud"], True),
        (["grade", "SUB", "--backend", "local"], False),
        (["batch", "SUB", "--out", "OUT", "--backend", "local"], False),
        (["validate", "-c", "crud"], False),
    ],
    ids=["list", "list-json", "show", "grade", "batch", "validate"],
)
def test_commands_on_a_public_pack(runner, public_pack, tmp_path, args, ok, pack):
    sub = tmp_path / "sub" / "model-basics"
    sub.mkdir(parents=True)
    (sub / "solution.py").write_text(MODEL_BASICS_OK)
    args = [str(tmp_path / "sub") if a == "SUB" else str(tmp_path / "out") if a == "OUT" else a for a in args]
    result = runner.invoke(cli, [*args, "--challenges", str(public_pack)])
    if ok:
        assert result.exit_code == 0, result.output
        if "json" in args:
            counts = {c["id"]: c["tests"]["hidden"] for c in json.loads(result.stdout)}
            assert counts == {cid: c.hidden_count for cid, c in pack.items()}
        return
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert REFUSAL in line and "--challenges DIR" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_check_and_kit_work_on_a_public_pack(runner, public_pack, tmp_path):
    kit = tmp_path / "kit"
    made = runner.invoke(cli, ["kit", str(kit), "-c", "model-basics", "--challenges", str(public_pack)])
    assert made.exit_code == 0, made.output
    starter = runner.invoke(cli, ["check", str(kit), "--challenges", str(public_pack)])
    assert starter.exit_code == 1 and "public tests did not pass" in starter.output
    (kit / "model-basics" / "solution.py").write_text(MODEL_BASICS_OK)
    solved = runner.invoke(cli, ["check", str(kit), "--challenges", str(public_pack)])
    assert solved.exit_code == 0, solved.output


# -- real builds --------------------------------------------------------------------------

_NOT_SHIPPED = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", ".*_cache", "artifacts"
)


def _source_tree(dest: Path) -> Path:
    """A copy of this repository as a clone has it, with what a developer's builds leave
    behind: a stale build folder and egg-info listing hidden files (they must not ship)."""
    shutil.copytree(ROOT, dest, ignore=_NOT_SHIPPED)
    stale = dest / "build" / "lib" / "grader" / "pack" / "crud" / "solutions"
    stale.mkdir(parents=True)
    shutil.copy(ROOT / "challenges" / "crud" / "solutions" / "reference.py", stale / "reference.py")
    info = dest / "grader.egg-info"
    info.mkdir()
    (info / "SOURCES.txt").write_text(
        "challenges/crud/tests/hidden/test_hidden.py\nchallenges/crud/solutions/reference.py\n"
    )
    return dest


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``args`` run in ``cwd`` as a user would, with nothing that points grader at this clone."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # conftest clears the rest
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def _build_wheel(source: Path, out: Path) -> Path:
    done = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            str(source),
            "-w",
            str(out),
        ],
        source,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = out.glob("grader-*.whl")
    return wheel


def _contents(archive: Path) -> dict[str, bytes]:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            return {name: z.read(name) for name in z.namelist() if not name.endswith("/")}
    with tarfile.open(archive) as t:
        return {m.name.split("/", 1)[1]: t.extractfile(m).read() for m in t.getmembers() if m.isfile()}


def _assert_public(files: dict[str, bytes], pack_prefix: str, secrets: list[str]) -> None:
    pack_files = [name for name in files if name.startswith(pack_prefix)]
    # __init__.py, then 4 files a challenge, and the helpers.py its public tests import if any
    helpers = list(builtin_pack().glob("*/helpers.py"))
    assert helpers, "the built-in pack shows a helpers.py (rest-api)"
    assert len(pack_files) == 1 + 4 * 15 + len(helpers), pack_files
    assert {f"{pack_prefix}{p.parent.name}/helpers.py" for p in helpers} <= set(pack_files)
    for name in pack_files:
        assert "/tests/hidden/" not in name and "/solutions/" not in name, name
    assert not any(name.startswith(("examples/", "tests/")) for name in files)
    for name, data in files.items():
        text = data.decode("utf-8", "replace")
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{name} holds hidden material: {leaked[:3]}"
    for name in pack_files:
        if name.endswith("challenge.toml"):
            assert MARKER in tomllib.loads(files[name].decode())


@pytest.mark.slow
def test_the_wheel_and_sdist_hold_only_the_public_pack(tmp_path, pack):
    source = _source_tree(tmp_path / "src")
    secrets = hidden_material(pack)
    assert len(secrets) > 500
    wheel = _build_wheel(source, tmp_path / "wheel")
    _assert_public(_contents(wheel), "grader/pack/", secrets)

    code = "import setuptools.build_meta as b, sys; print(b.build_sdist(sys.argv[1]))"
    done = _run([sys.executable, "-c", code, str(tmp_path / "sdist")], source)
    assert done.returncode == 0, done.stderr
    sdist = tmp_path / "sdist" / done.stdout.strip().splitlines()[-1]
    files = _contents(sdist)
    _assert_public(files, "challenges/", secrets)
    assert "setup.py" in files and "grader/public_pack.py" in files

    # What pip does with the sdist: a wheel built from it is just as public.
    with tarfile.open(sdist) as t:
        t.extractall(tmp_path / "unpacked", filter="data")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    _assert_public(_contents(_build_wheel(unpacked, tmp_path / "wheel2")), "grader/pack/", secrets)


@pytest.mark.slow
def test_an_installed_wheel_checks_and_makes_kits_and_refuses_to_grade(tmp_path, pack):
    wheel = _build_wheel(_source_tree(tmp_path / "src"), tmp_path / "wheel")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    done = _run([str(python), "-m", "pip", "install", "-q", str(wheel)], tmp_path)
    if done.returncode != 0:
        pytest.fail(
            f"installing the wheel and its dependencies failed (is a package index reachable?): {done.stderr}"
        )
    grader = str(env_dir / "bin" / "grader")
    work = tmp_path / "work"
    work.mkdir()

    where = _run(
        [str(python), "-c", "from grader.challenges import builtin_pack; print(builtin_pack())"], work
    )
    assert where.stdout.strip().startswith(str(env_dir)), where  # the wheel's pack, not this clone's
    listed = _run([grader, "list", "--format", "json"], work)
    assert listed.returncode == 0, listed.stderr
    assert {c["id"]: c["tests"]["hidden"] for c in json.loads(listed.stdout)} == {
        cid: c.hidden_count for cid, c in pack.items()
    }

    kit = work / "kit"
    made = _run([grader, "kit", str(kit), "-c", "model-basics", "-c", "crud"], work)
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in (kit / "model-basics").iterdir()) == [
        "public_tests",
        "solution.py",
        "statement.md",
    ]
    starter = _run([grader, "check"], kit)
    assert starter.returncode == 1, starter.stdout + starter.stderr
    (kit / "model-basics" / "solution.py").write_text(MODEL_BASICS_OK)
    solved = _run([grader, "check", "-c", "model-basics"], kit)
    assert solved.returncode == 0, solved.stdout + solved.stderr

    refused = _run([grader, "grade", str(kit), "--backend", "local"], work)
    assert refused.returncode == 2
    (line,) = refused.stderr.strip().splitlines()
    assert REFUSAL in line and "--challenges DIR or GRADER_CHALLENGES=DIR" in line
    # With the hiring team's pack at hand, the same install grades.
    args = [grader, "grade", str(kit), "-c", "model-basics", "--backend", "local", "--format", "json"]
    private = _run([*args, "--challenges", str(ROOT / "challenges")], work)
    assert private.returncode == 0, private.stderr
    assert json.loads(private.stdout)["score"] == 9
