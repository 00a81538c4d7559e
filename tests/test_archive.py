"""Archives as submissions: good ones grade like folders, hostile ones are refused in one line."""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest

from grader import archive as archive_module
from grader.archive import MAX_DEPTH, MAX_HEADER_BYTES, MAX_MEMBERS, extract
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


@pytest.mark.slow
def test_a_zip_grades_like_the_folder(tmp_path, runner):
    archive = make_zip(tmp_path / "sub.zip", {"candidate/model-basics/solution.py": MODEL_BASICS_OK.encode()})
    result = runner.invoke(
        cli, ["grade", str(archive), "-c", "model-basics", "--backend", "local", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["challenges"][0]["status"] == "passed"


@pytest.mark.slow
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


@pytest.mark.slow
def test_a_refused_archive_is_one_line_and_leaves_nothing(tmp_path, runner, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    archive = make_zip(tmp_path / "evil.zip", {"../evil.py": b"x"})
    result = runner.invoke(cli, ["grade", str(archive), "--backend", "local"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "refused" in result.output
    assert "Traceback" not in result.output
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.slow
def test_a_broken_archive_says_so(tmp_path, runner):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(cli, ["grade", str(archive), "--backend", "local"])
    assert result.exit_code == 2 and "cannot be read" in result.output


# -- headers that tarfile would read whole (issue 12, item 5) -------------------------------


def extended_header_tgz(path: Path, kind: bytes, size: int, *, chained: int = 1) -> Path:
    """A .tar.gz whose first member is preceded by ``chained`` extended headers of type
    ``kind`` (pax ``x`` or GNU long name ``L``), each declaring ``size`` bytes, streamed so the
    test never holds them: ``size`` bytes of a single repeated byte compress to almost nothing."""
    good = tar_member("model-basics/solution.py")
    good.size = len(MODEL_BASICS_OK)
    with gzip.open(path, "wb", compresslevel=6) as out:
        for _ in range(chained):
            header = tarfile.TarInfo(
                "././@LongLink" if kind == tarfile.GNUTYPE_LONGNAME else "././@PaxHeader"
            )
            header.type, header.size = kind, size
            out.write(header.tobuf(tarfile.USTAR_FORMAT))
            chunk, left = b"7" * (1024 * 1024), size
            while left:
                out.write(chunk[: min(left, len(chunk))])
                left -= min(left, len(chunk))
            out.write(b"\0" * (-size % tarfile.BLOCKSIZE))
        out.write(good.tobuf(tarfile.USTAR_FORMAT) + MODEL_BASICS_OK.encode())
        out.write(b"\0" * (-len(MODEL_BASICS_OK) % tarfile.BLOCKSIZE) + b"\0" * (2 * tarfile.BLOCKSIZE))
    return path


@pytest.mark.parametrize(
    ("kind", "size", "chained", "reason"),
    [
        (tarfile.XHDTYPE, MAX_HEADER_BYTES + 1, 1, "pax or long-name header is larger than 64 KiB"),
        (tarfile.GNUTYPE_LONGNAME, MAX_HEADER_BYTES + 1, 1, "pax or long-name header is larger than 64 KiB"),
        (tarfile.XGLTYPE, 512, 50, "more than 4 extended headers"),
    ],
    ids=["pax", "gnu-long-name", "chained"],
)
def test_oversized_or_chained_tar_headers_are_refused(tmp_path, kind, size, chained, reason):
    archive = extended_header_tgz(tmp_path / "evil.tgz", kind, size, chained=chained)
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(SubmissionError, match=reason):
        extract(archive, dest)


def test_every_byte_of_the_tar_stream_counts_headers_included(tmp_path, monkeypatch):
    monkeypatch.setattr(archive_module, "MAX_STREAM_BYTES", 8 * 1024)
    archive = extended_header_tgz(tmp_path / "padded.tgz", tarfile.XHDTYPE, 4 * 1024, chained=3)
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(SubmissionError, match="headers included"):
        extract(archive, dest)


def test_long_names_and_pax_headers_of_honest_tools_still_unpack(tmp_path):
    long = "model-basics/" + "d" * 150 + "/" + "n" * 150 + ".txt"
    for fmt in (tarfile.GNU_FORMAT, tarfile.PAX_FORMAT):
        archive = make_tar(
            tmp_path / f"ok{fmt}.tgz",
            [tar_member("model-basics/solution.py"), tar_member(long)],
            {"model-basics/solution.py": MODEL_BASICS_OK.encode(), long: b"notes"},
            format=fmt,
        )
        dest = tmp_path / f"dest{fmt}"
        dest.mkdir()
        root = extract(archive, dest)
        assert (root / "model-basics" / "solution.py").read_text() == MODEL_BASICS_OK
        assert (root / long).read_bytes() == b"notes"


@pytest.mark.parametrize(
    "name", ["a\x1b[2J.py", "b\n.py", "c\x85.py", "d\x7f.py"], ids=["esc", "lf", "c1", "del"]
)
@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_member_names_with_control_characters_are_refused(tmp_path, name, kind):
    path = tmp_path / f"evil.{'zip' if kind == 'zip' else 'tgz'}"
    if kind == "zip":
        make_zip(path, {f"model-basics/{name}": b"x"})
    else:
        make_tar(path, [tar_member(f"model-basics/{name}")], format=tarfile.PAX_FORMAT)
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(SubmissionError, match="control character") as refused:
        extract(path, dest)
    assert str(refused.value).isprintable()


def _grade_archive_rss(archive: Path) -> tuple[int, str, int]:
    """Exit code, standard error and peak RSS (KiB) of ``grader grade ARCHIVE`` run as a process."""
    grader = str(Path(sys.executable).parent / "grader")
    args = [grader, "grade", str(archive), "-c", "model-basics", "--backend", "local"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, stderr, usage.ru_maxrss


@pytest.mark.slow
@pytest.mark.parametrize("kind", [tarfile.XHDTYPE, tarfile.GNUTYPE_LONGNAME], ids=["pax", "gnu-long-name"])
def test_a_huge_tar_header_is_refused_in_one_line_with_bounded_memory(tmp_path, kind):
    """256 MiB of header in a .tar.gz of under 1 MiB: tarfile alone would read it all at once."""
    size = 256 * 1024 * 1024
    archive = extended_header_tgz(tmp_path / "evil.tgz", kind, size)
    assert archive.stat().st_size < 1024 * 1024
    baseline = make_tar(
        tmp_path / "control.tgz", [tar_member("model-basics/x\x1b.py")], format=tarfile.PAX_FORMAT
    )
    code, stderr, base_rss = _grade_archive_rss(baseline)
    assert (code, stderr.count("\n")) == (2, 1) and "control character" in stderr, stderr
    code, stderr, rss = _grade_archive_rss(archive)
    assert code == 2, stderr
    why = "a member's pax or long-name header is larger than 64 KiB"
    assert stderr == f"grader: error: archive evil.tgz refused: {why}\n"
    print(f"peak RSS {rss >> 10} MiB refusing a {size >> 20} MiB header; {base_rss >> 10} MiB for a tiny one")
    assert rss < base_rss + 32 * 1024, (rss, base_rss)


def test_a_zip_central_directory_too_large_to_hold_is_refused_before_it_is_read(tmp_path):
    """zipfile holds the whole central directory before a member is counted: its end record
    is read first, and a directory of more than 4 MiB (here 80 entries with 60 KiB comments)
    is refused."""
    path = tmp_path / "wide.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(80):
            info = zipfile.ZipInfo(f"model-basics/f{i}")
            info.comment = b"c" * (60 * 1024)
            archive.writestr(info, b"")
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(SubmissionError, match="central directory is larger than 4 MiB"):
        extract(path, dest)
