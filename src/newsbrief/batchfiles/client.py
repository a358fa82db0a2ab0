"""Writing and sending request files, and the Batch API client: upload, create, poll, and take
in the replies (``settle``)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..base import jsonl_lines
from ..config import Settings
from ..errors import InputError

if TYPE_CHECKING:
    pass
from .files import ENDPOINT, TERMINAL, TRANSIENT, request_line
from .replay import Needed
from .state import State, transaction

# --- writing and sending request files ----------------------------------------------------------


class Submitter:
    """Writes one round's requests into files within the API's limits; each full file is
    handed to ``send`` (upload and create, or nothing for an export)."""

    def __init__(
        self,
        state: State,
        kind: str,
        round_: int,
        *,
        max_requests: int,
        max_bytes: int,
        send: Callable[[int, Path], None],
        path: Path | None = None,
    ) -> None:
        self.state = state
        self.kind = kind
        self.round = round_
        self.max_requests = max_requests
        self.max_bytes = max_bytes
        self.send = send
        self.path = path  # the export file (one file: no API limits apply)
        self.seq: int | None = None
        self.handle: IO[str] | None = None
        self.lines = 0
        self.bytes = 0
        self.sent = 0  # requests in files handed over

    def add(self, need: Needed) -> bool:
        """Queue ``need`` unless it is already answered or in a live batch (or in this round)."""
        self.state.db.execute(  # which article asked it, for --retry-failed to forget
            "INSERT OR IGNORE INTO asked VALUES (?, ?)", (need.sha, need.article)
        )
        if self.state.in_flight(need.sha) or self.state.reply(need.sha) is not None:
            return False
        line = request_line(need.custom_id, need.body) + "\n"
        size = len(line.encode())
        if self.path is None and size > self.max_bytes:
            self.state.db.execute(
                "INSERT OR REPLACE INTO replies VALUES (?, 400, NULL, ?)",
                (
                    need.sha,
                    f"the request is {size} bytes, over the batch file limit of {self.max_bytes}",
                ),
            )
            return False
        if (
            self.handle is not None
            and self.path is None
            and (self.lines >= self.max_requests or self.bytes + size > self.max_bytes)
        ):
            self.flush()
        if self.handle is None:
            self._open()
        seq = self.seq
        cursor = self.state.db.execute(
            "INSERT OR IGNORE INTO requests VALUES (?, ?, ?, ?, ?, ?)",
            (need.sha, need.custom_id, need.article, need.task, seq, int(self.kind == "openai")),
        )
        if not cursor.rowcount:
            row = self.state.db.execute("SELECT seq FROM requests WHERE sha = ?", (need.sha,))
            if row.fetchone()[0] == seq:
                return False  # asked by another article of this round: in this file already
            # Exported before and never answered: this file carries it now.
            self.state.db.execute(
                "UPDATE requests SET seq = ?, custom_id = ?, live = ? WHERE sha = ?",
                (seq, need.custom_id, int(self.kind == "openai"), need.sha),
            )
        assert self.handle is not None
        self.handle.write(line)
        self.lines += 1
        self.bytes += size
        return True

    def _open(self) -> None:
        db = self.state.db
        db.execute("BEGIN IMMEDIATE")
        cursor = db.execute(
            "INSERT INTO batches (round, kind, path, status, created) VALUES (?, ?, '', "
            "'writing', ?)",
            (self.round, self.kind, time.time()),
        )
        self.seq = cursor.lastrowid
        path = self.path or self.state.folder / f"round{self.round}-{self.seq}.jsonl"
        db.execute("UPDATE batches SET path = ? WHERE seq = ?", (str(path), self.seq))
        self.handle = path.open("w", encoding="utf-8")
        self.lines = self.bytes = 0

    def flush(self) -> None:
        if self.handle is None:
            return
        self.handle.close()
        self.handle = None
        db = self.state.db
        db.execute(
            "UPDATE batches SET requests = ?, status = 'written' WHERE seq = ?",
            (self.lines, self.seq),
        )
        db.execute("COMMIT")
        self.sent += self.lines
        assert self.seq is not None
        path = Path(db.execute("SELECT path FROM batches WHERE seq = ?", (self.seq,)).fetchone()[0])
        self.send(self.seq, path)

    def abandon(self) -> None:
        """An interrupted round: nothing of the open file was sent."""
        if self.handle is not None:
            self.handle.close()
            self.handle = None
            with contextlib.suppress(sqlite3.OperationalError):
                self.state.db.execute("ROLLBACK")


# --- the Batch API ------------------------------------------------------------------------------


class BatchAPI:
    """Upload, create, poll and download through the openai client's files and batches API."""

    def __init__(self, settings: Settings, state: State, *, poll_interval: float) -> None:
        import openai

        self.client = openai.OpenAI(
            api_key=settings.api_key or "not-needed",
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=5,  # these few control calls may use the client's own backoff
        )
        self.state = state
        self.poll_interval = poll_interval
        self.attempts = settings.retry.attempts

    def send(self, seq: int, path: Path) -> None:
        """Upload the file and create its batch, recording each id as soon as it exists (a
        process killed in between resumes without creating a second batch)."""
        db = self.state.db
        file_id = db.execute("SELECT file_id FROM batches WHERE seq = ?", (seq,)).fetchone()[0]
        if file_id is None:
            with path.open("rb") as handle:
                uploaded = self.client.files.create(file=(path.name, handle), purpose="batch")
            file_id = uploaded.id
            db.execute(
                "UPDATE batches SET file_id = ?, status = 'uploaded' WHERE seq = ?", (file_id, seq)
            )
        batch = self.client.batches.create(
            input_file_id=file_id,
            endpoint=ENDPOINT,
            completion_window="24h",
            metadata={"newsbrief": f"{path.name}"},
        )
        db.execute(
            "UPDATE batches SET batch_id = ?, status = ? WHERE seq = ?",
            (batch.id, batch.status, seq),
        )

    def recover(self) -> None:
        """Batches a killed process left half-made: a file written but not uploaded is
        forgotten (its requests are asked again); an uploaded one whose batch id was never
        recorded is found among the provider's batches, or created."""
        db = self.state.db
        for seq, path, file_id in db.execute(
            "SELECT seq, path, file_id FROM batches WHERE kind = 'openai' AND batch_id IS NULL"
        ).fetchall():
            if file_id is None:
                with transaction(db):
                    db.execute("DELETE FROM requests WHERE seq = ?", (seq,))
                    db.execute("UPDATE batches SET status = 'failed' WHERE seq = ?", (seq,))
                continue
            found = next(
                (b for b in self.client.batches.list(limit=100) if b.input_file_id == file_id),
                None,
            )
            if found is not None:
                db.execute(
                    "UPDATE batches SET batch_id = ?, status = ? WHERE seq = ?",
                    (found.id, found.status, seq),
                )
            else:
                self.send(seq, Path(path))

    def wait(self, report: Callable[[], None]) -> None:
        """Poll every live batch until each has ended; take in its output and error files."""
        while True:
            live = self.state.live_batches()
            if not live:
                return
            for seq, batch_id in live:
                batch = self.client.batches.retrieve(batch_id)
                if batch.status not in TERMINAL:
                    self.state.db.execute(
                        "UPDATE batches SET status = ? WHERE seq = ?", (batch.status, seq)
                    )
                    continue
                lines: list[str] = []
                for kind, file_id in (
                    ("output", batch.output_file_id),
                    ("error", batch.error_file_id),
                ):
                    if file_id:
                        saved = self.state.folder / f"{batch_id}.{kind}.jsonl"
                        self.client.files.content(file_id).write_to_file(saved)
                        lines += jsonl_lines(saved.read_text(encoding="utf-8"))
                errors = getattr(batch, "errors", None)
                reason = "; ".join(
                    e.message or e.code or "" for e in (getattr(errors, "data", None) or [])
                )
                settle(
                    self.state,
                    seq,
                    lines,
                    ended=batch.status,
                    reason=reason,
                    attempts=self.attempts,
                )
            report()
            if self.state.live_batches():
                time.sleep(self.poll_interval)


def _line_outcome(record: dict[str, Any]) -> tuple[int, dict[str, Any] | None, str]:
    """(status, completion or None, message) of one output/error line."""
    response = record.get("response") or {}
    status = int(response.get("status_code") or 0)
    body = response.get("body")
    if status == 200 and isinstance(body, dict):
        return 200, body, ""
    error = record.get("error") or {}
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
    message = str(error.get("message") or error.get("code") or f"status {status}")
    if error.get("code") in ("batch_expired", "batch_cancelled"):
        status = 0  # never asked: send it again
    return status, None, message


def settle(
    state: State,
    seq: int | None,
    lines: list[str],
    *,
    ended: str,
    reason: str = "",
    attempts: int = 5,
) -> tuple[int, int]:
    """Take in the answers ``lines`` (Batch API output/error lines) in one transaction: replies
    are stored; a request the provider did not answer, or answered with a transient failure,
    is sent again in a later round, up to ``attempts`` times. ``seq``: the batch the lines
    answer (its other requests went unanswered), or None for imported results. Returns
    (answers stored, requests to send again)."""
    db = state.db
    stored = again = 0
    with transaction(db):
        answered: set[str] = set()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                cid = str(record["custom_id"])
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(
                    f"line {number} of the results is not a batch result ({exc})",
                    "pass the output file the batch runner wrote",
                ) from exc
            row = db.execute("SELECT sha FROM requests WHERE custom_id = ?", (cid,)).fetchone()
            if row is None:
                continue  # not asked by this run (or answered already)
            sha = row[0]
            answered.add(sha)
            status, body, message = _line_outcome(record)
            if status == 200 or (status and status not in TRANSIENT):
                db.execute(
                    "INSERT OR REPLACE INTO replies VALUES (?, ?, ?, ?)",
                    (sha, status, json.dumps(body) if body else None, message),
                )
                db.execute("DELETE FROM requests WHERE sha = ?", (sha,))
                stored += 1
            else:
                again += _again(state, sha, message, attempts)
        if seq is not None:
            why = f"the batch ended {ended}" + (
                f": {reason}" if reason else " without answering it"
            )
            for (sha,) in db.execute("SELECT sha FROM requests WHERE seq = ?", (seq,)).fetchall():
                if sha not in answered:
                    again += _again(state, sha, why, attempts)
            db.execute("UPDATE batches SET status = ? WHERE seq = ?", (ended, seq))
    return stored, again


def _again(state: State, sha: str, message: str, attempts: int) -> int:
    """Count a try of ``sha``; 1 if it will be sent again, 0 if it has had its tries."""
    db = state.db
    db.execute(
        "INSERT INTO tries VALUES (?, 1) ON CONFLICT(sha) DO UPDATE SET count = count + 1", (sha,)
    )
    db.execute("DELETE FROM requests WHERE sha = ?", (sha,))
    count = db.execute("SELECT count FROM tries WHERE sha = ?", (sha,)).fetchone()[0]
    if count < attempts:
        return 1
    db.execute(
        "INSERT OR REPLACE INTO replies VALUES (?, 503, NULL, ?)",
        (sha, f"no answer after {count} batch rounds ({message})"),
    )
    return 0
