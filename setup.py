"""Build hooks: grader's wheel and sdist carry only the public part of the challenge pack.

Everything else about the package is declared in pyproject.toml. The pack in
``challenges/`` ships as ``grader.pack``; these hooks keep, of each challenge,
what a candidate may see (``challenge.toml``, ``statement.md``, ``starter/``,
``tests/public/``) and rewrite ``challenge.toml`` without its hidden tests'
names and rubric lines (``grader/public_pack.py`` says exactly what). Hidden
tests and solutions never enter a built distribution; a build that would ship
one stops. A team that puts its own pack in ``challenges/`` and builds gets the
same filtering. An editable install (``pip install -e .``) keeps using the
whole ``challenges/`` folder of the clone.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.errors import SetupError

HERE = Path(__file__).resolve().parent
PACK_PACKAGE = "grader.pack"
PACK_SOURCE = "challenges"  # pyproject.toml's package-dir for grader.pack


def _load_public_pack() -> ModuleType:
    # By path: the build environment has setuptools only, not grader's dependencies.
    spec = importlib.util.spec_from_file_location("_grader_public_pack", HERE / "grader" / "public_pack.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


PUBLIC = _load_public_pack()


def _is_public(path_in_pack: str) -> bool:
    return bool(PUBLIC.is_public(PurePosixPath(path_in_pack.replace(os.sep, "/"))))


def _public_metadata(challenge: Path) -> str:
    """The challenge's ``challenge.toml`` without its hidden tests, from its source folder."""
    hidden = [
        name
        for test_file in sorted((challenge / "tests" / "hidden").glob("test_*.py"))
        for name in PUBLIC.test_names(test_file.read_bytes(), str(test_file))
    ]
    try:
        return str(PUBLIC.public_metadata((challenge / "challenge.toml").read_text(encoding="utf-8"), hidden))
    except ValueError as exc:
        raise SetupError(f"{challenge / 'challenge.toml'}: {exc}") from None


def _rewrite_metadata(built_pack: Path, source_pack: Path) -> None:
    for meta in sorted(built_pack.glob("*/challenge.toml")):
        text = _public_metadata(source_pack / meta.parent.name)
        meta.unlink()  # it may be a hard link to the source file: replace it, never write through it
        meta.write_text(text, encoding="utf-8")


def _refuse_leaks(paths_in_pack: Iterable[str], where: str) -> None:
    leaked = sorted(p for p in paths_in_pack if not _is_public(p))
    if leaked:
        shown = ", ".join(leaked[:5]) + (", ..." if len(leaked) > 5 else "")
        raise SetupError(
            f"refusing to build: {where} would hold {len(leaked)} file(s) of the challenge pack that "
            f"candidates must not see ({shown}); check MANIFEST.in and the build folder"
        )


class PublicPackBuildPy(build_py):
    """Copies only the public files of the pack into the build, and its public metadata."""

    def find_data_files(self, package: str, src_dir: str) -> list[str]:
        files = list(super().find_data_files(package, src_dir))
        if package != PACK_PACKAGE or self.editable_mode:
            return files
        return [f for f in files if _is_public(os.path.relpath(f, src_dir))]

    def run(self) -> None:
        built = Path(self.build_lib, *PACK_PACKAGE.split("."))
        if not self.editable_mode:
            shutil.rmtree(built, ignore_errors=True)  # what an older build left there would ship too
        super().run()
        if self.editable_mode or not built.is_dir():
            return
        _rewrite_metadata(built, Path(self.get_package_dir(PACK_PACKAGE)))
        _refuse_leaks((p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()), "the wheel")


class PublicPackSdist(sdist):
    """Ships only the public files of the pack (MANIFEST.in prunes the rest) and its public metadata."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        prefix = PACK_SOURCE + "/"
        in_pack = [f.replace(os.sep, "/") for f in files]
        _refuse_leaks((f[len(prefix) :] for f in in_pack if f.startswith(prefix)), "the sdist")
        super().make_release_tree(base_dir, files)
        _rewrite_metadata(Path(base_dir, PACK_SOURCE), HERE / PACK_SOURCE)


setup(cmdclass={"build_py": PublicPackBuildPy, "sdist": PublicPackSdist})
