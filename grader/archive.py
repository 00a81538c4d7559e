"""Submissions handed in as archives (.zip, .tar.gz, .tgz), unpacked safely on the host.

An archive comes from a stranger, so nothing in it is trusted: every member is
checked before a byte is written, files are written by us (never by
``extractall``), with our own modes, into a private temporary folder, and the
sizes are counted as the bytes stream out rather than read from headers. Any
of these refuses the whole archive with one line saying why:

- a path that is absolute, climbs out with ``..``, is not valid UTF-8, or holds
  a control character;
- a symbolic or hard link, a device, a FIFO, a sparse file, or a setuid/setgid bit;
- more than ``MAX_MEMBERS`` members, more than ``MAX_TOTAL_BYTES`` unpacked,
  or a path deeper than ``MAX_DEPTH`` (zip bombs and their kin);
- in a zip, a central directory listing more than ``MAX_MEMBERS`` members or larger
  than ``MAX_DIRECTORY_BYTES`` (read from its end record, before zipfile parses it);
- in a tar, a pax or GNU long-name header larger than ``MAX_HEADER_BYTES`` (refused
  from its size field, before it is read), more than ``MAX_CHAINED`` of them before
  one member, or more than ``MAX_STREAM_BYTES`` of decompressed stream in all,
  headers and padding included: no header is read whole into memory before a cap counts it.
"""

from __future__ import annotations

import gzip
import os
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

from grader.errors import SubmissionError

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz")
MAX_MEMBERS = 2000
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 12
MAX_HEADER_BYTES = 64 * 1024  # one pax or GNU long-name header: a long path needs a few KiB
MAX_CHAINED = 4  # extended headers before one member (pax and long name and long link: 3)
MAX_STREAM_BYTES = MAX_TOTAL_BYTES + 8 * 1024 * 1024  # the data, and room for every header
MAX_DIRECTORY_BYTES = 4 * 1024 * 1024  # a zip's central directory: MAX_MEMBERS entries of 2 KiB
_CHUNK = 64 * 1024
_EXTENDED = frozenset(
    {
        tarfile.GNUTYPE_LONGNAME,
        tarfile.GNUTYPE_LONGLINK,
        tarfile.XHDTYPE,
        tarfile.XGLTYPE,
        tarfile.SOLARIS_XHDTYPE,
    }
)
_GZIP_MAGIC = b"\x1f\x8b"


def is_archive(path: Path) -> bool:
    """Whether ``path`` names an archive this module reads (by its suffix)."""
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


class _Refused(Exception):
    pass


def _shown(raw: str) -> str:
    """A member's name for a message: quoted with every odd character escaped, and cut."""
    return repr(raw if len(raw) <= 120 else raw[:120] + "...")


def _check_name(raw: str) -> PurePosixPath:
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise _Refused("a member's name is not valid UTF-8") from None
    if "\\" in raw:
        raise _Refused(f"member {_shown(raw)} has a character not allowed in a path")
    if any(ch < " " or "\x7f" <= ch <= "\x9f" for ch in raw):
        raise _Refused(f"member {_shown(raw)} has a control character in its name")
    path = PurePosixPath(raw)
    if path.is_absolute() or raw.startswith("/"):
        raise _Refused(f"member {_shown(raw)} has an absolute path")
    if ".." in path.parts:
        raise _Refused(f"member {_shown(raw)} points outside the archive")
    if len(path.parts) > MAX_DEPTH:
        raise _Refused(f"member {_shown(raw)} is nested deeper than {MAX_DEPTH} folders")
    return path


def _check_mode(name: str, mode: int) -> None:
    if mode & (stat.S_ISUID | stat.S_ISGID):
        raise _Refused(f"member {_shown(name)} has a setuid or setgid bit")


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
            raise _Refused(f"member {_shown(str(rel))} appears twice") from None
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


def _check_directory(path: Path) -> None:
    """Refuse a zip whose central directory zipfile would hold whole before a member is counted."""
    with open(path, "rb") as f:
        end = zipfile._EndRecData(f)  # type: ignore[attr-defined]  # zipfile's own reader of the end record
    if not end:
        return  # not a zip: ZipFile says so
    if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_MEMBERS:  # type: ignore[attr-defined]
        raise _Refused(f"it has more than {MAX_MEMBERS} members")
    if end[zipfile._ECD_SIZE] > MAX_DIRECTORY_BYTES:  # type: ignore[attr-defined]
        raise _Refused(f"its central directory is larger than {MAX_DIRECTORY_BYTES // (1024 * 1024)} MiB")


def _unzip(path: Path, writer: _Writer) -> None:
    _check_directory(path)
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            writer.count()
            name = _zip_name(info)
            rel = _check_name(name)
            mode = info.external_attr >> 16
            kind = stat.S_IFMT(mode)
            if kind == stat.S_IFLNK:
                raise _Refused(f"member {_shown(name)} is a symbolic link")
            if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
                raise _Refused(f"member {_shown(name)} is not a regular file or folder")
            _check_mode(name, mode)
            if info.is_dir():
                writer.folder(rel)
            else:
                with archive.open(info) as source:
                    writer.file(rel, source)


class _CappedStream:
    """The decompressed tar stream, refusing any read or seek that would take it past
    ``MAX_STREAM_BYTES``: tarfile asks for a header's whole declared size in one read, so
    the request is counted before a byte of it is decompressed or held."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw

    def _within(self, end: int) -> None:
        if end > MAX_STREAM_BYTES:
            raise _Refused(
                f"it unpacks to more than {MAX_STREAM_BYTES // (1024 * 1024)} MiB, headers included"
            )

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = MAX_STREAM_BYTES + 1  # "everything" is at most the cap, and then one byte too many
        self._within(self.raw.tell() + size)
        return self.raw.read(size)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self.raw.tell()
        elif whence != os.SEEK_SET:
            raise OSError("only absolute and relative seeks are supported")
        self._within(offset)
        return self.raw.seek(offset)

    def tell(self) -> int:
        return self.raw.tell()


class _CheckedTarInfo(tarfile.TarInfo):
    """A tar header that refuses, from its size field alone, an extended header too large to
    hold, too many of them before one member, and sparse files."""

    def _proc_member(self, archive: Any) -> Any:  # tarfile's own hook for each header block
        if self.type in _EXTENDED:
            archive.chained += 1
            if archive.chained > MAX_CHAINED:
                raise _Refused(f"a member has more than {MAX_CHAINED} extended headers")
            if self.size > MAX_HEADER_BYTES:
                raise _Refused(
                    f"a member's pax or long-name header is larger than {MAX_HEADER_BYTES // 1024} KiB"
                )
        else:
            archive.chained = 0
            if self.type == tarfile.GNUTYPE_SPARSE:
                raise _Refused("a member is a sparse file")
        return super()._proc_member(archive)  # type: ignore[misc]  # private to tarfile, stable since 3.2


class _CheckedTarFile(tarfile.TarFile):
    tarinfo = _CheckedTarInfo
    members: list[tarfile.TarInfo]  # every header read so far (tarfile's own list)
    chained = 0  # extended headers read since the last member


def _tar_stream(path: Path) -> IO[bytes]:
    """The decompressed bytes of a .tar.gz (or of a plain tar under that name)."""
    with open(path, "rb") as f:
        magic = f.read(2)
    return cast(IO[bytes], gzip.open(path, "rb") if magic == _GZIP_MAGIC else open(path, "rb"))


def _untar(path: Path, writer: _Writer) -> None:
    with _tar_stream(path) as raw, _CheckedTarFile(fileobj=cast(IO[bytes], _CappedStream(raw))) as archive:
        for member in _members(archive, writer):
            rel = _check_name(member.name)
            if member.sparse is not None:  # a pax-declared sparse map: holes that unpack to more
                raise _Refused(f"member {_shown(member.name)} is a sparse file")
            if member.issym():
                raise _Refused(f"member {_shown(member.name)} is a symbolic link")
            if member.islnk():
                raise _Refused(f"member {_shown(member.name)} is a hard link")
            if not (member.isreg() or member.isdir()):
                raise _Refused(f"member {_shown(member.name)} is not a regular file or folder")
            _check_mode(member.name, member.mode)
            if member.isdir():
                writer.folder(rel)
                continue
            source = archive.extractfile(member)
            if source is None:  # pragma: no cover - a regular member always has data
                continue
            with source:
                writer.file(rel, source)


def _members(archive: _CheckedTarFile, writer: _Writer) -> Iterator[tarfile.TarInfo]:
    while True:
        member = archive.next()
        if member is None:
            return
        writer.count()
        yield member
        archive.members.clear()  # tarfile keeps every header it read: hold one at a time


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
