"""Where a batch's records go: a JSONL or SQLite results file, locked for the run's life.

A second writer is refused, naming the holder. Resume repairs a torn last JSONL line and skips
every id already written; ``--retry-failed`` also takes the failed ids out, so they are redone.
One id has one record: JSONL keeps the last line of each id (compacted on close and resume),
SQLite upserts.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import time
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import filelock

from ..errors import (
    UsageError,
)

if TYPE_CHECKING:
    pass


# --- result sinks ------------------------------------------------------------------------------


class Sink(Protocol):
    path: Path

    def done_ids(self) -> set[str]: ...
    def write(self, record: dict[str, Any]) -> None: ...
    def close(self) -> None: ...


class ResultsLock:
    """An exclusive lock on a results file for the life of a run: ``filelock`` on
    ``<out>.lock`` (``out`` with its links resolved), released by the operating system if the
    process dies. Who holds it (pid, host, start time) is written to ``<out>.lock.holder`` for
    the message a second writer gets.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        # Taken on the file itself, not on the name given: a link to a locked file (or the
        # same file by another path) meets the same lock.
        real = out.resolve()
        self.lock = filelock.FileLock(f"{real}.lock", timeout=0)
        self.holder = Path(f"{real}.lock.holder")

    def acquire(self) -> None:
        try:
            self.lock.acquire(timeout=0)
        except filelock.Timeout:
            raise UsageError(
                f"{self.out} is being written by another batch ({self._holder()})",
                "wait for that run to finish, or choose another --out",
            ) from None
        except OSError as exc:
            raise UsageError(
                f"cannot lock {self.out}: {exc.strerror or exc}", "choose a writable --out folder"
            ) from exc
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "started": started}
        with contextlib.suppress(OSError):  # the lock holds without it; others are told less
            self.holder.write_text(json.dumps(holder) + "\n", encoding="utf-8")

    def _holder(self, wait: float = 2.0) -> str:
        """Who holds the lock. The holder writes it just after taking the lock, so a run that
        started at the same moment looks again for up to ``wait`` seconds before giving up."""
        deadline = time.monotonic() + wait
        while True:
            try:
                found = json.loads(self.holder.read_text(encoding="utf-8"))
                return f"pid {found['pid']} on {found['host']}, since {found['started']}"
            except (OSError, ValueError, KeyError, TypeError):
                if time.monotonic() >= deadline:
                    return "a process that did not say who it is"
                time.sleep(0.05)

    def release(self) -> None:
        self.holder.unlink(missing_ok=True)
        self.lock.release()


def _already_written(path: Path, what: str) -> UsageError:
    return UsageError(
        f"{path} already holds {what}", "pass --resume to finish that run, or choose another --out"
    )


class JsonlSink:
    """One JSON object per line, flushed after each; a torn last line is cut on resume.

    One record per id: a record for an id the file already holds supersedes it (the last line
    of an id is its record). The superseded lines are dropped when the sink closes, and on
    resume when a crash came first, so a finished file holds each id once."""

    def __init__(self, path: Path, *, resume: bool, retry_failed: bool = False) -> None:
        self.path = path
        self._ids: set[str] = set()
        self._superseded = 0
        self.retried: set[str] = set()  # ids whose failed records retry_failed removed
        if path.exists() and path.stat().st_size and not resume:
            raise _already_written(path, "results")
        if resume and path.exists():
            last = self._read_and_repair()
            failed = {i for i, status in last.items() if status == "failed"}
            dropped = self.retried = failed if retry_failed else set()
            if dropped or self._superseded:
                self._compact(dropped)
            self._ids = set(last) - dropped
        self._handle = path.open("a", encoding="utf-8")

    def _read_and_repair(self) -> dict[str, str]:
        """The status of each id's last record; a torn last line is cut off."""
        last: dict[str, str] = {}
        keep = 0  # bytes up to the end of the last complete, valid line
        with self.path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.endswith(b"\n"):
                    break  # torn by a crash mid-write: the article is redone
                try:
                    record = json.loads(line)
                    item_id, status = str(record["id"]), str(record.get("status"))
                except (ValueError, KeyError, TypeError) as exc:
                    if handle.read(1):  # damage before the end is not ours to repair
                        raise UsageError(
                            f"line {number} of {self.path} is not a result record ({exc})",
                            "fix or remove that line, then resume",
                        ) from exc
                    break
                self._superseded += item_id in last
                last[item_id] = status
                keep += len(line)
        if self.path.stat().st_size > keep:
            with self.path.open("r+b") as handle:
                handle.truncate(keep)
        return last

    def _compact(self, dropped: Collection[str] = ()) -> None:
        """Rewrite the file (atomically) with each id's last record only, leaving out the ids
        in ``dropped``."""
        last_line: dict[str, int] = {}
        with self.path.open("rb") as source:
            for number, line in enumerate(source):
                last_line[str(json.loads(line)["id"])] = number
        tmp = self.path.with_name(self.path.name + ".compact.tmp")
        with self.path.open("rb") as source, tmp.open("wb") as target:
            for number, line in enumerate(source):
                item_id = str(json.loads(line)["id"])
                if last_line[item_id] == number and item_id not in dropped:
                    target.write(line)
        tmp.replace(self.path)
        self._superseded = 0

    def done_ids(self) -> set[str]:
        return set(self._ids)

    def write(self, record: dict[str, Any]) -> None:
        item_id = str(record["id"])
        self._superseded += item_id in self._ids
        self._ids.add(item_id)
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        try:
            self._handle.close()
            if self._superseded:
                self._compact()
        except OSError:  # a full disk: a torn last line and superseded lines wait for resume
            self.path.with_name(self.path.name + ".compact.tmp").unlink(missing_ok=True)


class SqliteSink:
    """A ``results`` table, one transaction per record (WAL: a crash loses nothing committed).
    One row per id: a record for an id already there replaces it."""

    def __init__(self, path: Path, *, resume: bool, retry_failed: bool = False) -> None:
        self.path = path
        existed = path.exists() and path.stat().st_size > 0
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS results (id TEXT PRIMARY KEY, status TEXT NOT NULL, "
            "written TEXT NOT NULL, record TEXT NOT NULL)"
        )
        count = self.db.execute("SELECT count(*) FROM results").fetchone()[0]
        if existed and count and not resume:
            self.db.close()
            raise _already_written(path, f"{count} results")
        self.retried: set[str] = set()  # ids whose failed records retry_failed removed
        if retry_failed:
            failed = self.db.execute("SELECT id FROM results WHERE status = 'failed'")
            self.retried = {row[0] for row in failed}
            self.db.execute("DELETE FROM results WHERE status = 'failed'")

    def done_ids(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT id FROM results")}

    def write(self, record: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO results (id, status, written, record) VALUES (?, ?, ?, ?) ON CONFLICT(id) "
            "DO UPDATE SET status = excluded.status, written = excluded.written, "
            "record = excluded.record",
            (
                record["id"],
                record["status"],
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                json.dumps(record, ensure_ascii=False),
            ),
        )

    def close(self) -> None:
        self.db.close()


_SQLITE = (".sqlite", ".sqlite3", ".db")
_JSONL = (".jsonl", ".ndjson", ".json")


def check_out(path: Path) -> None:
    """A usable ``--out``: a known format, in a folder that exists (it is not created: a typo
    in the path should not make folders)."""
    if path.suffix.lower() not in _SQLITE + _JSONL:
        raise UsageError(f"--out {path}: unknown result format", "name it *.jsonl or *.sqlite")
    if not path.parent.is_dir():
        raise UsageError(
            f"--out {path}: the folder {path.parent} does not exist",
            f"create it first (mkdir -p {path.parent}) or choose another --out",
        )


def open_sink(path: Path, *, resume: bool, retry_failed: bool = False) -> JsonlSink | SqliteSink:
    """The sink for ``path``; the caller holds its :class:`ResultsLock`. ``retry_failed``
    removes the failed records first, so their articles are done again."""
    check_out(path)
    if path.suffix.lower() in _SQLITE:
        return SqliteSink(path, resume=resume, retry_failed=retry_failed)
    return JsonlSink(path, resume=resume, retry_failed=retry_failed)


class LockedSink:
    """A run's results file opened for writing with its :class:`ResultsLock` held, as every
    engine opens it; :meth:`close` closes the sink and lets go of the lock."""

    def __init__(self, out: Path, *, resume: bool, retry_failed: bool = False) -> None:
        self.lock = ResultsLock(out)
        self.lock.acquire()
        try:
            self.sink = open_sink(out, resume=resume, retry_failed=retry_failed)
        except BaseException:
            self.lock.release()
            raise

    def close(self) -> None:
        try:
            self.sink.close()
        finally:
            self.lock.release()
