"""Submissions handed in as archives (.zip, .tar.gz, .tgz), unpacked safely on the host.

An archive comes from a stranger, so nothing in it is trusted: every member is
checked before a byte is written, files are written by us (never by
``extractall``), with our own modes, into a private temporary folder, and the
sizes are counted as the bytes stream out rather than read from headers. Any
of these refuses the whole archive with one line saying why:

- a path that is absolute, climbs out with ``..``, or is not valid UTF-8;
- a symbolic or hard link, a device, a FIFO, or a setuid/setgid bit;
- more than ``MAX_MEMBERS`` members, more than ``MAX_TOTAL_BYTES`` unpacked,
  or a path deeper than ``MAX_DEPTH`` (zip bombs and their kin).
"""

from __future__ import annotations

import os
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from grader.errors import SubmissionError

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz")
MAX_MEMBERS = 2000
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 12
_CHUNK = 64 * 1024


def is_archive(path: Path) -> bool:
    """Whether ``path`` names an archive this module reads (by its suffix)."""
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


class _Refused(Exception):
    pass


def _check_name(raw: str) -> PurePosixPath:
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise _Refused("a member's name is not valid UTF-8") from None
    if "\0" in raw or "\\" in raw:
        raise _Refused(f"member {raw!r} has a character not allowed in a path")
    path = PurePosixPath(raw)
    if path.is_absolute() or raw.startswith("/"):
        raise _Refused(f"member {raw!r} has an absolute path")
    if ".." in path.parts:
        raise _Refused(f"member {raw!r} points outside the archive")
    if len(path.parts) > MAX_DEPTH:
        raise _Refused(f"member {raw!r} is nested deeper than {MAX_DEPTH} folders")
    return path


def _check_mode(name: str, mode: int) -> None:
    if mode & (stat.S_ISUID | stat.S_ISGID):
        raise _Refused(f"member {name!r} has a setuid or setgid bit")


class _Writer:
    """Writes members under ``root``, counting members and bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.members = 0
        self.total = 0

    def count(self) -> None:
        self.members += 1
        if self.members > MAX_MEMBERS:
            raise _Refused(f"it has more than {MAX_MEMBERS} members")

    def folder(self, rel: PurePosixPath) -> None:
        target = self.root.joinpath(*rel.parts)
        target.mkdir(mode=0o700, parents=True, exist_ok=True)

    def file(self, rel: PurePosixPath, source: IO[bytes]) -> None:
        if not rel.parts:
            return
        parent = self.root.joinpath(*rel.parts[:-1])
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = parent / rel.parts[-1]
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        try:
            fd = os.open(target, flags, 0o600)
        except FileExistsError:
            raise _Refused(f"member {str(rel)!r} appears twice") from None
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(_CHUNK):
                self.total += len(chunk)
                if self.total > MAX_TOTAL_BYTES:
                    raise _Refused(f"it unpacks to more than {MAX_TOTAL_BYTES // (1024 * 1024)} MiB")
                out.write(chunk)


def _zip_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:  # zipfile decoded the raw bytes as cp437; they must be UTF-8 (ASCII is both)
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise _Refused("a member's name is not valid UTF-8") from None


def _unzip(path: Path, writer: _Writer) -> None:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            writer.count()
            name = _zip_name(info)
            rel = _check_name(name)
            mode = info.external_attr >> 16
            kind = stat.S_IFMT(mode)
            if kind == stat.S_IFLNK:
                raise _Refused(f"member {name!r} is a symbolic link")
            if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
                raise _Refused(f"member {name!r} is not a regular file or folder")
            _check_mode(name, mode)
            if info.is_dir():
                writer.folder(rel)
            else:
                with archive.open(info) as source:
                    writer.file(rel, source)


def _untar(path: Path, writer: _Writer) -> None:
    with tarfile.open(path, "r:*") as archive:
        for member in _members(archive, writer):
            rel = _check_name(member.name)
            if member.issym():
                raise _Refused(f"member {member.name!r} is a symbolic link")
            if member.islnk():
                raise _Refused(f"member {member.name!r} is a hard link")
            if not (member.isreg() or member.isdir()):
                raise _Refused(f"member {member.name!r} is not a regular file or folder")
            _check_mode(member.name, member.mode)
            if member.isdir():
                writer.folder(rel)
                continue
            source = archive.extractfile(member)
            if source is None:  # pragma: no cover - a regular member always has data
                continue
            with source:
                writer.file(rel, source)


def _members(archive: tarfile.TarFile, writer: _Writer) -> Iterator[tarfile.TarInfo]:
    while True:
        member = archive.next()
        if member is None:
            return
        writer.count()
        yield member


def extract(path: Path, dest: Path) -> Path:
    """Unpack ``path`` into the empty folder ``dest``; the submission folder inside it.

    When the archive holds a single top folder that is not itself a challenge folder
    (a zipped submission folder), that folder is the submission. ``SubmissionError``
    says why an archive is refused.
    """
    writer = _Writer(dest)
    shown = path.name
    try:
        if path.name.lower().endswith(".zip"):
            _unzip(path, writer)
        else:
            _untar(path, writer)
    except _Refused as exc:
        raise SubmissionError(f"archive {shown} refused: {exc}") from None
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise SubmissionError(f"archive {shown} cannot be read: {reason}") from None
    entries = [e for e in dest.iterdir() if e.name not in ("__MACOSX", ".DS_Store")]
    if len(entries) == 1 and entries[0].is_dir() and not (entries[0] / "solution.py").exists():
        return entries[0]
    return dest
