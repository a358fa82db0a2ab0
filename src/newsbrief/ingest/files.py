"""Article files: one path, ``-`` or a URL (:func:`read_source`), and the files of a folder
with its links policy (:func:`walk_folder`)."""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from .article import (
    ARTICLE_SUFFIXES,
    MAX_ARTICLE_BYTES,
    Article,
    Item,
    Unreadable,
    article_from_bytes,
    article_id_of,
    article_or_unreadable,
    read_capped,
)
from .fetching import fetch

_URL = re.compile(r"^https?://", re.IGNORECASE)


def read_source(source: str, stdin: BinaryIO | None = None) -> Article:
    """Read one article from a file path, ``-`` (standard input) or an http(s) URL."""
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return article_from_bytes(stream.read(MAX_ARTICLE_BYTES + 1), source="<stdin>")
    if _URL.match(source):
        return fetch(source)
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
        raise InputError(f"{source}: only http and https URLs are supported", "pass a file or URL")
    path = Path(source)
    if not path.exists():
        raise InputError(f"file not found: {source}", "check the path, or pass - to read stdin")
    if path.is_dir():
        raise InputError(f"{source} is a directory", "pass one article file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ARTICLE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror}", "check its permissions") from exc
    return article_from_bytes(data, source=str(path), article_id=path.stem)


def file_item(path: Path, article_id: str) -> Item:
    """One article file. It is opened without waiting (a FIFO or a device swapped in after the
    folder was listed cannot hang the run) and read only if what was opened is a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return _special(path, article_id, os.fstat(fd).st_mode)
            data = read_capped(handle.read, str(path), article_id)
    except OSError as exc:
        error = InputError(f"cannot read {path}: {exc.strerror}", "check its permissions")
        return Unreadable(article_id, str(path), error)
    if isinstance(data, Unreadable):
        return data
    return article_or_unreadable(data, source=str(path), article_id=article_id)


_SPECIAL_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device",
                  stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}  # fmt: skip


def _special(path: Path, article_id: str, mode: int) -> Unreadable:
    what = _SPECIAL_KINDS.get(stat.S_IFMT(mode), "not a regular file")
    error = InputError(f"{path} is {what}, which is not read", "pass regular files only")
    return Unreadable(article_id, str(path), error)


def walk_folder(root: Path) -> Iterator[Item]:
    """Every article file under ``root``, in name order. The links policy: a symbolic link is
    followed only when it resolves to a regular file inside ``root`` (links to directories are
    not followed); one that leads outside, dangles or loops is a failed record, as a link in an
    archive is. FIFOs, devices and sockets are failed records, never opened for reading."""
    inside = root.resolve()
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.suffix.lower() in ARTICLE_SUFFIXES:
                yield _folder_item(path, inside, article_id_of(path.relative_to(root).as_posix()))


def _folder_item(path: Path, inside: Path, article_id: str) -> Item:
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            target = path.resolve(strict=True)
            if not target.is_relative_to(inside):
                error = InputError(f"{path} is a symbolic link to {target}, outside the input "
                                   "folder, which is not followed",
                                   "copy the article into the folder")  # fmt: skip
                return Unreadable(article_id, str(path), error)
            mode = target.stat().st_mode
    except (OSError, RuntimeError) as exc:  # dangling, a loop, or gone since it was listed
        why = getattr(exc, "strerror", None) or str(exc)
        error = InputError(f"cannot read {path}: {why}", "check the link or the file")
        return Unreadable(article_id, str(path), error)
    if not stat.S_ISREG(mode):
        return _special(path, article_id, mode)
    return file_item(path, article_id)
