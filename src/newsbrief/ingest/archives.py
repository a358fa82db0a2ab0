"""zip and tar archives: members read in memory, never extracted, their names never used as
paths; links and archives within the archive are failed records, not followed or opened."""

from __future__ import annotations

import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError
from .article import (
    ARTICLE_SUFFIXES,
    MAX_ARTICLE_BYTES,
    Item,
    Unreadable,
    article_id_of,
    article_or_unreadable,
    read_capped,
    too_big,
)


def _member(archive: Path, name: str, size: int, read: Callable[[int], bytes]) -> Item:
    """One archive member, read in memory; its declared size is checked before reading, and
    the read is capped too (a declared size can lie: zip bombs)."""
    source, article_id = f"{archive}!{name}", article_id_of(name)
    if size > MAX_ARTICLE_BYTES:
        return too_big(source, article_id)
    try:
        data = read_capped(read, source, article_id)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, RuntimeError, zlib.error) as exc:
        return Unreadable(article_id, source, InputError(f"{source}: {exc}", "skip it"))
    if isinstance(data, Unreadable):
        return data
    return article_or_unreadable(data, source=source, article_id=article_id)


def _is_article_name(name: str) -> bool:
    return Path(name).suffix.lower() in ARTICLE_SUFFIXES


def _is_nested_name(name: str, nested: tuple[str, ...]) -> bool:
    return name.lower().endswith(nested)


def _not_read(archive: Path, name: str, what: str, hint: str) -> Unreadable:
    source = f"{archive}!{name}"
    return Unreadable(article_id_of(name), source, InputError(f"{source} is {what}", hint))


def _nested(archive: Path, name: str) -> Unreadable:
    return _not_read(
        archive, name, "an archive inside the archive, which is not opened",
        "extract it and pass it as an input of its own",
    )  # fmt: skip


def read_zip(path: Path, nested: tuple[str, ...]) -> Iterator[Item]:
    """The article members of a zip archive; a member named with one of the ``nested``
    suffixes (one that holds other articles) is one failed record, never opened."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir() or not (
                _is_article_name(info.filename) or _is_nested_name(info.filename, nested)
            ):
                continue
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                yield _not_read(path, info.filename, "a symbolic link, which is not followed",
                                "store the article itself in the archive")  # fmt: skip
            elif not _is_article_name(info.filename):
                yield _nested(path, info.filename)
            else:

                def read(limit: int, info: zipfile.ZipInfo = info) -> bytes:
                    with archive.open(info) as member:
                        return member.read(limit)

                yield _member(path, info.filename, info.file_size, read)


def read_tar(path: Path, nested: tuple[str, ...]) -> Iterator[Item]:
    """The article members of a tar archive (plain or compressed), as :func:`read_zip`."""
    with tarfile.open(path, "r|*") as archive:  # a stream: members are read in order, once
        for entry in archive:
            if not (_is_article_name(entry.name) or _is_nested_name(entry.name, nested)):
                continue
            if entry.islnk() or entry.issym():
                kind = "a hard link" if entry.islnk() else "a symbolic link"
                yield _not_read(path, entry.name, f"{kind} to {entry.linkname!r}, which is not "
                                "followed", "store the article itself in the archive")  # fmt: skip
            elif not entry.isfile():
                continue  # devices, fifos: nothing to read
            elif not _is_article_name(entry.name):
                yield _nested(path, entry.name)
            else:
                handle = archive.extractfile(entry)
                read = handle.read if handle is not None else (lambda _: b"")
                yield _member(path, entry.name, entry.size, read)
