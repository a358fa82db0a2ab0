"""A batch-file run's saved state, ``<out>.batches/state.sqlite``: batches, requests in flight,
replies, tries, and which article asked each request; migrated like the run log."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..store import apply_migrations

if TYPE_CHECKING:
    pass


# --- the saved state ------------------------------------------------------------------------------


# The state's tables, as migrations (the run log's mechanism, store.apply_migrations): a state
# folder left by an older newsbrief gets the tables it lacks when it is resumed. They use IF NOT
# EXISTS because states made before the migrations table existed already hold some of them.
MIGRATIONS: list[tuple[str, str]] = [
    ("001_meta", "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
    (
        "002_batches",
        """CREATE TABLE IF NOT EXISTS batches (
            seq INTEGER PRIMARY KEY, round INTEGER NOT NULL, kind TEXT NOT NULL,
            path TEXT NOT NULL, requests INTEGER NOT NULL DEFAULT 0, file_id TEXT,
            batch_id TEXT, status TEXT NOT NULL, created REAL NOT NULL)""",
    ),
    (
        "003_requests",
        """CREATE TABLE IF NOT EXISTS requests (
            sha TEXT PRIMARY KEY, custom_id TEXT NOT NULL, article TEXT NOT NULL,
            task TEXT NOT NULL, seq INTEGER NOT NULL, live INTEGER NOT NULL)""",
    ),
    (
        "004_requests_custom_id",
        "CREATE INDEX IF NOT EXISTS requests_custom_id ON requests (custom_id)",
    ),
    (
        "005_replies",
        """CREATE TABLE IF NOT EXISTS replies (
            sha TEXT PRIMARY KEY, status INTEGER NOT NULL, body TEXT, message TEXT NOT NULL)""",
    ),
    (
        "006_tries",
        "CREATE TABLE IF NOT EXISTS tries (sha TEXT PRIMARY KEY, count INTEGER NOT NULL)",
    ),
    (
        "007_asked",  # which articles asked each request: --retry-failed forgets theirs
        """CREATE TABLE IF NOT EXISTS asked (
            sha TEXT NOT NULL, article TEXT NOT NULL, PRIMARY KEY (sha, article))""",
    ),
]


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One explicit transaction (the connection otherwise commits every statement)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@dataclass
class Reply:
    status: int  # 200, the HTTP status of a failure, or 0 for "never answered"
    body: dict[str, Any] | None
    message: str


class State:
    """``<out>.batches/state.sqlite``: batches, requests in flight, replies, tries."""

    def __init__(self, out: Path, *, resume: bool) -> None:
        self.folder = Path(f"{out}.batches")
        existed = (self.folder / "state.sqlite").exists()
        if existed and not resume:
            raise UsageError(
                f"{self.folder} holds a batch run in progress",
                "pass --resume to continue it, or choose another --out",
            )
        self.folder.mkdir(exist_ok=True)
        path = self.folder / "state.sqlite"
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            self._create()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            if isinstance(exc, sqlite3.OperationalError):  # locked, read-only: no damage
                raise
            raise UsageError(
                f"{path} is not a SQLite database newsbrief can read ({exc})",
                f"move {self.folder} away and run again without --resume (its requests are "
                "sent again; the results already in --out stay)",
            ) from exc

    def _create(self) -> None:
        self.db.execute("PRAGMA journal_mode = WAL")
        apply_migrations(self.db, MIGRATIONS)

    def check_run(self, fingerprint: dict[str, str]) -> None:
        """The run being resumed asked the same model with the same prompt and strategy."""
        stored = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        if not stored:
            with transaction(self.db):
                self.db.executemany("INSERT INTO meta VALUES (?, ?)", fingerprint.items())
            return
        changed = [k for k, v in fingerprint.items() if stored.get(k) != v]
        if changed:
            was = ", ".join(f"{k} {stored.get(k)}" for k in changed)
            raise UsageError(
                f"{self.folder} belongs to a run with {was}",
                "resume with the same --model, --prompt and --strategy, or choose another --out",
            )

    def forget(self, articles: set[str]) -> None:
        """Drop the requests and replies of ``articles`` (their failed records were removed to
        be retried): the replay asks their questions again, in a new batch file."""
        with transaction(self.db):
            for article in articles:
                asked = "SELECT sha FROM asked WHERE article = ?"
                for table in ("replies", "tries", "requests"):
                    self.db.execute(f"DELETE FROM {table} WHERE sha IN ({asked})", (article,))
                self.db.execute("DELETE FROM asked WHERE article = ?", (article,))

    def reply(self, sha: str) -> Reply | None:
        row = self.db.execute(
            "SELECT status, body, message FROM replies WHERE sha = ?", (sha,)
        ).fetchone()
        if row is None:
            return None
        return Reply(row[0], json.loads(row[1]) if row[1] else None, row[2])

    def in_flight(self, sha: str) -> bool:
        found = self.db.execute("SELECT live FROM requests WHERE sha = ?", (sha,)).fetchone()
        return bool(found and found[0])

    def live_batches(self) -> list[tuple[int, str]]:
        return self.db.execute(
            "SELECT seq, batch_id FROM batches WHERE kind = 'openai' AND batch_id IS NOT NULL "
            "AND status NOT IN ('completed', 'expired', 'failed', 'cancelled') ORDER BY seq"
        ).fetchall()

    def live_requests(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM requests WHERE live = 1").fetchone()[0])

    def next_round(self) -> int:
        return int(self.db.execute("SELECT coalesce(max(round), 0) + 1 FROM batches").fetchone()[0])

    def batch_count(self) -> int:
        return int(
            self.db.execute("SELECT count(*) FROM batches WHERE kind = 'openai'").fetchone()[0]
        )
