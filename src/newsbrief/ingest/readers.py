"""Which reader reads an input, by its suffixes (:data:`READERS`), and the stream of items of
many inputs: files, folders, globs and the formats in the table."""

from __future__ import annotations

import csv
import glob
import re
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from .archives import read_tar, read_zip
from .article import Item, Unreadable
from .files import file_item, walk_folder
from .records import read_csv, read_jsonl
from .warc import read_warc

_GLOB_CHARS = re.compile(r"[*?\[]")


def _suffixes(path: Path) -> str:
    return "".join(path.suffixes[-2:]).lower() if len(path.suffixes) > 1 else path.suffix.lower()


Reader = Callable[[Path, str, str], Iterator[Item]]  # (path, text field, id field) -> items


def _records_reader(read: Callable[..., Iterator[Item]]) -> Reader:
    return lambda path, text_field, id_field: read(path, text_field=text_field, id_field=id_field)


def _archive_reader(read: Callable[[Path, tuple[str, ...]], Iterator[Item]]) -> Reader:
    return lambda path, _text, _id: read(path, NESTED_SUFFIXES)


def _file_reader(read: Callable[[Path], Iterator[Item]]) -> Reader:
    return lambda path, _text, _id: read(path)


# Which reader reads a file, by its last two suffixes (``.jsonl.gz``) or its last one (``.zip``);
# anything else is one article file. A new input format is a reader and a row here.
READERS: dict[str, Reader] = {
    **dict.fromkeys((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"), _records_reader(read_jsonl)),
    **dict.fromkeys((".csv", ".csv.gz"), _records_reader(read_csv)),
    ".zip": _archive_reader(read_zip),
    **dict.fromkeys((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"), _archive_reader(read_tar)),
    **dict.fromkeys((".warc", ".warc.gz"), _file_reader(read_warc)),
}
# Members that hold other articles: every suffix above, and compressed files of any kind. An
# archive never opens one (no archive within an archive within an archive); each is one
# failed record instead.
NESTED_SUFFIXES = (*READERS, ".gz", ".bz2", ".xz", ".7z")


def reader_for(path: Path) -> Reader | None:
    """The reader of ``path`` by its suffixes (None: an article file)."""
    return READERS.get(_suffixes(path)) or READERS.get(path.suffix.lower())


def _one_input(path: Path, *, text_field: str, id_field: str) -> Iterator[Item]:
    read = reader_for(path)
    try:
        if read is None:
            yield file_item(path, path.stem)
        else:
            yield from read(path, text_field, id_field)
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, zlib.error) as exc:
        # A corrupt or truncated archive: what was read before the damage stands.
        source = str(path)
        yield Unreadable(source, source, InputError(f"{path} is damaged: {exc}", "check the file"))
    except (ValueError, RecursionError, MemoryError, csv.Error) as exc:
        # A reader met bytes it has no rule for: the file's earlier records stand, and the run
        # goes on with the next input.
        source = str(path)
        why = f"{type(exc).__name__}: {str(exc)[:200]}"
        error = InputError(f"{path} could not be read past this point ({why})", "check the file")
        yield Unreadable(source, source, error)


def check_inputs(inputs: Iterable[str]) -> None:
    """Refuse, before a run starts, an input path that does not exist or a glob that matches
    nothing: a typo is a usage error, not a failed record."""
    for given in inputs:
        if Path(given).exists():
            continue
        if _GLOB_CHARS.search(given):
            if not glob.glob(given, recursive=True):
                raise InputError(f"{given} matches no file", "check the pattern")
            continue
        raise InputError(f"input {given}: no such file or directory", "check the path")


def iter_articles(
    inputs: Iterable[str], *, text_field: str = "text", id_field: str = "id"
) -> Iterator[Item]:
    """Every article in ``inputs`` (files, directories, globs, JSONL/CSV, zip/tar/WARC
    archives), read as a stream: one article in memory at a time."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            yield from walk_folder(path)
        elif path.is_file():
            yield from _one_input(path, text_field=text_field, id_field=id_field)
        elif _GLOB_CHARS.search(given):
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                error = InputError(f"{given} matches no file", "check the pattern")
                yield Unreadable(given, given, error)
            for match in matches:
                if Path(match).is_file():
                    yield from _one_input(Path(match), text_field=text_field, id_field=id_field)
        else:
            error = InputError(f"{given}: no such file or directory", "check the path")
            yield Unreadable(given, given, error)
