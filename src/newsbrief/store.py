"""SQLite run log and result cache, with ordered migrations.

One database file in the user data folder (``NEWSBRIEF_HOME`` overrides it). WAL mode and a busy
timeout from the start, so several newsbrief processes can log and cache at once without
locking each other out. Every migration is applied once, in order, and recorded.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .base import TIME_FORMAT, data_dir
from .errors import ConfigError, NewsbriefError, mask_secrets

T = TypeVar("T")

CACHE_VERSION = 1  # bump when the stored result's shape changes; old rows are then ignored

MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_calls",
        """CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt TEXT,
            prompt_sha256 TEXT,
            article_sha256 TEXT,
            task TEXT,
            messages TEXT NOT NULL,
            raw_reply TEXT,
            parsed TEXT,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            latency_ms INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT
        )""",
    ),
    (
        "002_cache",
        """CREATE TABLE cache (
            key TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            created TEXT NOT NULL,
            value TEXT NOT NULL
        )""",
    ),
    (
        "003_cleaned",
        """CREATE TABLE cleaned (
            raw_sha256 TEXT NOT NULL,
            cleaner TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (raw_sha256, cleaner)
        )""",
    ),
    (
        "004_fastpath",
        """CREATE TABLE fastpath (
            key TEXT PRIMARY KEY,
            result_key TEXT NOT NULL,
            article TEXT NOT NULL
        )""",
    ),
    # The brief a call belongs to: one summarize of one article is one run of calls.
    ("005_calls_run", "ALTER TABLE calls ADD COLUMN run TEXT"),
]


def redact(text: str | None) -> str | None:
    """``text`` with credentials masked (:func:`newsbrief.errors.mask_secrets`)."""
    return None if text is None else mask_secrets(text)


def default_path() -> Path:
    return data_dir() / "newsbrief.db"


def open_store(path: Path | None = None) -> Store:
    """The run log and cache, created and migrated if needed; one clear error if it cannot be."""
    path = path or default_path()
    try:
        return Store(path)
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError):  # locked, read-only, disk I/O: not damage
            raise _cannot_open(exc) from exc
        raise ConfigError(
            f"the run log and cache {path} is not a SQLite database newsbrief can read ({exc})",
            "move it away (a new one is made), or set NEWSBRIEF_HOME to another folder",
        ) from exc
    except (OSError, sqlite3.Error) as exc:
        raise _cannot_open(exc) from exc


def _cannot_open(exc: Exception) -> NewsbriefError:
    return NewsbriefError(
        f"cannot open the run log and cache: {exc}",
        "set NEWSBRIEF_HOME to a writable folder, or pass --no-cache --no-log",
    )


def fastpath_lookup(
    key: str, path: Path | None = None
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(article, stored result) for a fast-path key, read without migrating or creating
    anything (the fast path must never write); None on a miss or a store that is not there."""
    path = path or default_path()
    if not path.is_file():
        return None
    db = sqlite3.connect(path, timeout=5)
    try:
        row = db.execute(
            "SELECT f.article, c.value, c.created FROM fastpath f "
            "JOIN cache c ON c.key = f.result_key "
            "WHERE f.key = ? AND c.version = ?",
            (key, CACHE_VERSION),
        ).fetchone()
    except sqlite3.Error:
        return None  # no fastpath table yet: the full path migrates the store
    finally:
        db.close()
    if row is None:
        return None
    return json.loads(row[0]), {**json.loads(row[1]), "created": row[2]}


def group_runs(calls: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """``calls`` (newest first) as article runs: the calls of one brief of one article together,
    in the order they were asked; the run with the newest call first. A call logged before runs
    were recorded (no ``run``) is a group of its own."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for call in calls:
        groups.setdefault(call.get("run") or ("call", call["id"]), []).append(call)
    return [sorted(group, key=lambda c: c["id"]) for group in groups.values()]


def apply_migrations(db: sqlite3.Connection, migrations: list[tuple[str, str]]) -> list[str]:
    """Apply to ``db`` the ``(name, sql)`` migrations it has not had yet, in order, in one
    transaction, recording each in its ``migrations`` table; returns the names applied. The
    one mechanism for every SQLite file newsbrief keeps (the run log and cache, a batch-file
    run's state)."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS migrations "
        "(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, applied TEXT NOT NULL)"
    )
    applied: list[str] = []
    db.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then skip
    try:
        done = {row[0] for row in db.execute("SELECT name FROM migrations")}
        for name, sql in migrations:
            if name not in done:
                db.execute(sql)  # one statement each: executescript would commit midway
                db.execute("INSERT INTO migrations (name, applied) VALUES (?, ?)", (name, _now()))
                applied.append(name)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return applied


def _now() -> str:
    return time.strftime(TIME_FORMAT, time.gmtime())


_WARNED: set[str] = set()  # the stores already said they cannot be written (once a process)


def _degrading(write: Callable[..., T]) -> Callable[..., T | None]:
    """A write to the cache or the run log that a storage fault (a full disk, a read-only or
    lost folder) cannot turn into a failed brief: the fault is said once, on stderr, and this
    store writes nothing more; the brief already made is still printed or written."""

    @functools.wraps(write)
    def degrading(self: Store, *args: Any, **kwargs: Any) -> T | None:
        if self.degraded:
            return None
        try:
            return write(self, *args, **kwargs)
        except (OSError, sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
            if "locked" in str(exc):
                raise  # contention past the busy timeout is no storage fault
            self.degraded = True
            if str(self.path) not in _WARNED:
                _WARNED.add(str(self.path))
                print(f"warning: cannot write the cache and run log at {self.path} ({exc}); "
                      "briefs go on without them: free some space or set NEWSBRIEF_HOME",
                      file=sys.stderr)  # fmt: skip
            return None

    return degrading


class Store:
    """The run log and the cache."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self.degraded = False  # a write failed for want of space: nothing more is written
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread off: a batch worker thread uses it, the dispatcher closes it at the end.
        self.db = sqlite3.connect(
            self.path, timeout=30, isolation_level=None, check_same_thread=False
        )
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA busy_timeout = 30000")
        self._use_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.migrate()

    def _use_wal(self, attempts: int = 100) -> None:
        """Switch a new database to WAL (the mode then persists). The switch takes an exclusive
        lock that does not wait on the busy timeout, so two processes opening a new database at
        once collide ("database is locked"): the one that loses waits a moment and looks again,
        and finds the other has switched it."""
        for attempt in range(attempts):
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == attempts - 1:
                    raise
                time.sleep(0.05)

    def migrate(self) -> list[str]:
        """Apply the migrations this database has not had yet, in order; returns their names."""
        return apply_migrations(self.db, MIGRATIONS)

    def close(self) -> None:
        self.db.close()

    # --- run log ---------------------------------------------------------------------------

    @_degrading
    def log_call(self, record: dict[str, Any]) -> int:
        usage = record.get("usage") or {}
        cursor = self.db.execute(
            "INSERT INTO calls (time, model, prompt, prompt_sha256, article_sha256, task, "
            "messages, raw_reply, parsed, prompt_tokens, completion_tokens, latency_ms, attempts, "
            "error, run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _now(),
                redact(record["model"]),
                record.get("prompt"),
                record.get("prompt_sha256"),
                record.get("article_sha256"),
                record.get("task"),
                redact(json.dumps(record["messages"], ensure_ascii=False)),
                redact(record.get("raw_reply")),
                json.dumps(record["parsed"], ensure_ascii=False) if record.get("parsed") else None,
                int(usage.get("prompt_tokens", 0)),
                int(usage.get("completion_tokens", 0)),
                record.get("latency_ms"),
                int(record.get("attempts", 0)),
                redact(record.get("error")),
                record.get("run"),
            ),
        )
        return int(cursor.lastrowid or 0)

    def calls(
        self,
        limit: int | None = 20,
        *,
        model: str | None = None,
        text: str | None = None,
        run: str | None = None,
    ) -> list[dict[str, Any]]:
        """The latest calls, newest first: ``limit`` of them (None: all), only those whose model
        contains ``model``, whose messages, reply or error contain ``text``, and (when given)
        of the run whose id starts with ``run``."""
        where: list[str] = []
        params: list[Any] = []
        if run:
            where.append("substr(run, 1, ?) = ?")
            params += [len(run), run]
        if model:
            where.append("instr(model, ?) > 0")
            params.append(model)
        if text:
            where.append("(instr(messages, ?) > 0 OR instr(coalesce(raw_reply, ''), ?) > 0 "
                         "OR instr(coalesce(error, ''), ?) > 0)")  # fmt: skip
            params += [text, text, text]
        sql = "SELECT * FROM calls" + (f" WHERE {' AND '.join(where)}" if where else "")
        sql += " ORDER BY id DESC LIMIT ?"
        rows = self.db.execute(sql, (*params, -1 if limit is None else limit))
        return [dict(row) for row in rows]

    def call(self, call_id: int) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM calls WHERE id = ?", (call_id,)).fetchone()
        return dict(row) if row else None

    # --- cache -----------------------------------------------------------------------------

    def cache_get(self, key: str) -> dict[str, Any] | None:
        """The stored value, with ``created`` (UTC) added: when it was stored."""
        row = self.db.execute(
            "SELECT value, created FROM cache WHERE key = ? AND version = ?", (key, CACHE_VERSION)
        ).fetchone()
        return {**json.loads(row[0]), "created": row[1]} if row else None

    @_degrading
    def cache_put(self, key: str, value: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO cache (key, version, created, value) VALUES (?, ?, ?, ?)",
            (key, CACHE_VERSION, _now(), json.dumps(value, ensure_ascii=False)),
        )

    @_degrading
    def fastpath_put(self, key: str, result_key: str, article: dict[str, Any]) -> None:
        """Let the CLI's fast path (:mod:`newsbrief.quick`) find ``result_key`` by ``key``."""
        self.db.execute(
            "INSERT OR REPLACE INTO fastpath (key, result_key, article) VALUES (?, ?, ?)",
            (key, result_key, json.dumps(article, ensure_ascii=False)),
        )

    # --- cleaned articles ------------------------------------------------------------------

    def cleaned_get(self, raw_sha256: str, cleaner: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT value FROM cleaned WHERE raw_sha256 = ? AND cleaner = ?", (raw_sha256, cleaner)
        ).fetchone()
        return json.loads(row[0]) if row else None

    @_degrading
    def cleaned_put(self, raw_sha256: str, cleaner: str, value: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO cleaned (raw_sha256, cleaner, value) VALUES (?, ?, ?)",
            (raw_sha256, cleaner, json.dumps(value, ensure_ascii=False)),
        )
