"""Archives as submissions: good ones grade like folders, hostile ones are refused in one line."""

from __future__ import annotations

import io
import json
import stat
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest

from grader.archive import MAX_DEPTH, MAX_MEMBERS, extract
from grader.cli import cli
from grader.errors import SubmissionError
from tests.helpers import MODEL_BASICS_OK


def make_zip(path: Path, members: dict[str, bytes], modes: dict[str, int] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ((modes or {}).get(name, stat.S_IFREG | 0o644)) << 16
            archive.writestr(info, data)
    return path


def make_tar(path: Path, members: list[tarfile.TarInfo], data: dict[str, bytes] | None = None, **kw) -> Path:
    with tarfile.open(path, "w:gz", **kw) as archive:
        for member in members:
            payload = (data or {}).get(member.name, b"")
            if member.isreg():
                member.size = len(payload)
            archive.addfile(member, io.BytesIO(payload) if member.isreg() else None)
    return path


def tar_member(
    name: str, kind: bytes = tarfile.REGTYPE, mode: int = 0o644, link: str = ""
) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.linkname = link
    return info


def test_a_zip_grades_like_the_folder(tmp_path, runner):
    archive = make_zip(tmp_path / "sub.zip", {"candidate/model-basics/solution.py": MODEL_BASICS_OK.encode()})
    result = runner.invoke(
        cli, ["grade", str(archive), "-c", "model-basics", "--backend", "local", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["challenges"][0]["status"] == "passed"


def test_a_tar_gz_grades_like_the_folder(tmp_path, runner):
    archive = make_tar(
        tmp_path / "sub.tgz",
        [tar_member("model-basics", tarfile.DIRTYPE, 0o755), tar_member("model-basics/solution.py")],
        {"model-basics/solution.py": MODEL_BASICS_OK.encode()},
    )
    result = runner.invoke(
        cli, ["grade", str(archive), "-c", "model-basics", "--backend", "local", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["challenges"][0]["score"] == 9


@pytest.mark.parametrize(
    ("members", "modes", "reason"),
    [
        ({"../evil.py": b"x"}, None, "points outside"),
        ({"/etc/evil.py": b"x"}, None, "absolute path"),
        ({"a/b": b"x"}, {"a/b": stat.S_IFLNK | 0o777}, "symbolic link"),
        ({"fifo": b""}, {"fifo": stat.S_IFIFO | 0o644}, "not a regular file"),
        ({"x.py": b"x"}, {"x.py": stat.S_IFREG | stat.S_ISUID | 0o755}, "setuid"),
        ({"/".join(["d"] * (MAX_DEPTH + 1)): b"x"}, None, "nested deeper"),
        ({f"f{i}": b"" for i in range(MAX_MEMBERS + 1)}, None, "more than"),
        ({"bomb": b"\0" * (60 * 1024 * 1024)}, None, "unpacks to more than"),
    ],
    ids=["dot-dot", "absolute", "symlink", "fifo", "setuid", "too-deep", "too-many", "zip-bomb"],
)
def test_hostile_zips_are_refused(tmp_path, members, modes, reason):
    archive = make_zip(tmp_path / "evil.zip", members, modes)
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(SubmissionError, match=reason):
        extract(archive, dest)
    assert not (tmp_path / "evil.py").exists() and not Path("/etc/evil.py").exists()


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ([tar_member("a", tarfile.SYMTYPE, link="/etc/passwd")], "symbolic link"),
        ([tar_member("a"), tar_member("b", tarfile.LNKTYPE, link="a")], "hard link"),
        ([tar_member("dev", tarfile.CHRTYPE)], "not a regular file"),
        ([tar_member("fifo", tarfile.FIFOTYPE)], "not a regular file"),
        ([tar_member("s.py", mode=0o4755)], "setuid"),
        ([tar_member("../../evil.py")], "points outside"),
    ],
    ids=["symlink", "hardlink", "device", "fifo", "setuid", "dot-dot"],
)
def test_hostile_tars_are_refused(tmp_path, members, reason):
    archive = make_tar(tmp_path / "evil.tar.gz", members)
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(SubmissionError, match=reason):
        extract(archive, dest)
    assert not (tmp_path / "evil.py").exists()


def test_names_that_are_not_utf8_are_refused(tmp_path):
    archive = make_tar(
        tmp_path / "latin.tgz", [tar_member("caf\xe9.py")], encoding="latin-1", format=tarfile.GNU_FORMAT
    )
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(SubmissionError, match="not valid UTF-8"):
        extract(archive, dest)


def test_a_refused_archive_is_one_line_and_leaves_nothing(tmp_path, runner, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    archive = make_zip(tmp_path / "evil.zip", {"../evil.py": b"x"})
    result = runner.invoke(cli, ["grade", str(archive), "--backend", "local"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "refused" in result.output
    assert "Traceback" not in result.output
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_broken_archive_says_so(tmp_path, runner):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(cli, ["grade", str(archive), "--backend", "local"])
    assert result.exit_code == 2 and "cannot be read" in result.output
