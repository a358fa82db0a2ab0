"""Provider batch files: the same briefs through OpenAI's Batch API (or any runner of its JSONL).

A batch file holds chat-completion requests, each answered on the provider's schedule (within 24
hours, at half the price). A strategy asks its questions one at a time and reads each reply
before it asks the next, so the questions cannot all be written down in advance. Instead every
article is *replayed*: the strategy runs as it does live, through the same
:class:`~newsbrief.llm.LLM` (instructor's validation and re-asks, the grounding checks and
their re-asks, the error translation), over a provider that answers from the replies collected
so far. A question with no reply yet becomes a request for the next batch file; a reply that
fails validation makes instructor write its re-ask, which is asked in the next round, as live.
An article whose questions all have replies is written to the results file like a live one.

While one question waits, the rest of the article's tasks still run on a stand-in reply, so
their first questions go into the same round (a strategy's tasks do not read each other's
replies); what the stand-in leads to is never sent nor written. ``whole`` (brief@3) thus asks
its four questions in round one, and round two carries only re-asks.

State lives next to the results file, in ``<out>.batches/``: ``state.sqlite`` (the requests in
flight, the replies, the batches with their ids and rounds) and the request files as uploaded. A
killed process resumes with ``--resume``: batches it created are polled, never created again,
and a request already in a live batch is never sent twice. Requests a batch did not answer
(expired, cancelled, 429 or 5xx) are sent again in a later round, up to ``retry_attempts`` times.

``--export-requests FILE`` writes the round's requests without uploading (for ``vllm run-batch``
or another runner); ``--import-results FILE`` reads that runner's output and continues.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, cast

from . import api
from .base import jsonl_lines
from .batch import (
    RECORD_VERSION,
    Books,
    Counts,
    LockedSink,
    Progress,
    _failure,
    _kind,
    _selected,
    check_not_empty,
    check_out,
    duplicate_failure,
)
from .config import Settings, resolve_settings
from .errors import InputError, UsageError
from .ingest import Article, Unreadable, check_inputs, iter_articles
from .llm import LLM, CallResult, OpenAIProvider, build_provider
from .prompts import Prompt
from .retry import RetryPolicy
from .store import Store, open_store
from .strategies import Strategy

if TYPE_CHECKING:
    from pydantic import BaseModel

# The Batch API's limits on one input file (OpenAI's documentation, "Batch API", rate limits).
MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024
ENDPOINT: Literal["/v1/chat/completions"] = "/v1/chat/completions"
TERMINAL = frozenset({"completed", "expired", "failed", "cancelled"})
# Replies worth asking for again: the provider was busy or failing, not the request wrong.
TRANSIENT = frozenset({408, 409, 429, 500, 502, 503, 504})
VIAS = ("openai-batch",)


def body_sha(body: dict[str, Any]) -> str:
    """The identity of a request: its canonical JSON."""
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def custom_id(article_id: str, task: str, sha: str) -> str:
    """What the Batch API's ``custom_id`` carries: the article, the task, and the request's
    own hash (unique per file; the article id is cut at 200 characters)."""
    return f"{article_id[:200]}|{task}|{sha[:16]}"


def request_line(cid: str, body: dict[str, Any]) -> str:
    """One line of a Batch API input file (the documented fields, nothing else)."""
    return json.dumps(
        {"custom_id": cid, "method": "POST", "url": ENDPOINT, "body": body}, ensure_ascii=False
    )


# --- stand-in replies ----------------------------------------------------------------------------


def placeholder(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> Any:
    """The smallest value ``schema`` accepts (first choices, empty lists, required fields)."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return placeholder(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return placeholder(schema[key][0], defs)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = kind[0]
    if kind == "object":
        required = schema.get("required", list(schema.get("properties", {})))
        props = schema.get("properties", {})
        return {name: placeholder(props[name], defs) for name in required if name in props}
    if kind == "array":
        return [placeholder(schema.get("items", {}), defs)] * int(schema.get("minItems", 0))
    if kind == "string":
        return "x" * max(1, int(schema.get("minLength", 1)))
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return None


def _stand_in(kwargs: dict[str, Any]) -> Any:
    """A completion holding the placeholder reply for the request ``kwargs`` (tools mode or a
    response_format schema)."""
    from openai.types.chat import ChatCompletion

    message: dict[str, Any] = {"role": "assistant", "content": None}
    if kwargs.get("tools"):
        function = kwargs["tools"][0]["function"]
        arguments = json.dumps(placeholder(function.get("parameters", {})))
        message["tool_calls"] = [
            {
                "id": "stand-in",
                "type": "function",
                "function": {"name": function["name"], "arguments": arguments},
            }
        ]
    else:
        fmt = kwargs.get("response_format") or {}
        schema = fmt.get("json_schema", {}).get("schema") or fmt.get("schema") or {}
        message["content"] = json.dumps(placeholder(schema))
    return ChatCompletion.model_validate(
        {
            "id": "stand-in",
            "object": "chat.completion",
            "created": 0,
            "model": "stand-in",
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": "tool_calls" if kwargs.get("tools") else "stop",
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }
    )


def _status_error(status: int, message: str) -> Exception:
    """The openai client's exception for an HTTP ``status`` (what the live path would have got),
    so :meth:`LLM._translate` words a batch reply's failure exactly as a live one."""
    import openai

    try:
        import httpx2 as http  # what openai>=3 uses
    except ImportError:  # pragma: no cover - older openai clients
        import httpx as http  # type: ignore[no-redef]
    classes: dict[int, type[openai.APIStatusError]] = {
        400: openai.BadRequestError,
        401: openai.AuthenticationError,
        403: openai.PermissionDeniedError,
        404: openai.NotFoundError,
        409: openai.ConflictError,
        422: openai.UnprocessableEntityError,
        429: openai.RateLimitError,
    }
    cls = classes.get(
        status, openai.InternalServerError if status >= 500 else openai.APIStatusError
    )
    response = http.Response(status, request=http.Request("POST", f"https://batch{ENDPOINT}"))
    return cls(message, response=response, body={"error": {"message": message}})


# --- the saved state ------------------------------------------------------------------------------


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
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS batches (
                seq INTEGER PRIMARY KEY, round INTEGER NOT NULL, kind TEXT NOT NULL,
                path TEXT NOT NULL, requests INTEGER NOT NULL DEFAULT 0, file_id TEXT,
                batch_id TEXT, status TEXT NOT NULL, created REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS requests (
                sha TEXT PRIMARY KEY, custom_id TEXT NOT NULL, article TEXT NOT NULL,
                task TEXT NOT NULL, seq INTEGER NOT NULL, live INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS requests_custom_id ON requests (custom_id);
            CREATE TABLE IF NOT EXISTS replies (
                sha TEXT PRIMARY KEY, status INTEGER NOT NULL, body TEXT, message TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS tries (sha TEXT PRIMARY KEY, count INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS asked (
                sha TEXT NOT NULL, article TEXT NOT NULL, PRIMARY KEY (sha, article));
            """
        )

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


# --- replaying an article ------------------------------------------------------------------------


@dataclass
class Needed:
    sha: str
    custom_id: str
    article: str
    task: str
    body: dict[str, Any]


@dataclass
class ReplayProvider:
    """A provider that answers from the state's replies; see the module docstring."""

    real: OpenAIProvider
    state: State
    article: str
    task: str = ""
    needed: list[Needed] = field(default_factory=list)
    waiting: set[str] = field(default_factory=set)  # tasks whose replies are not all there

    @property
    def name(self) -> str:
        return self.real.name

    @property
    def mode(self) -> Any:
        return self.real.mode

    @property
    def context_window(self) -> int | None:
        return self.real.context_window

    def count_tokens(self, messages: list[dict[str, str]]) -> int | None:
        return self.real.count_tokens(messages)

    def create(self, **kwargs: Any) -> Any:
        from openai.types.chat import ChatCompletion

        if self.task in self.waiting:  # this request follows a stand-in reply: never sent
            return _stand_in(kwargs)
        body = {"model": self.real.model, **kwargs}
        sha = body_sha(body)
        reply = self.state.reply(sha)
        if reply is None:
            self.needed.append(
                Needed(sha, custom_id(self.article, self.task, sha), self.article, self.task, body)
            )
            self.waiting.add(self.task)
            return _stand_in(kwargs)
        if reply.status == 200 and reply.body is not None:
            return ChatCompletion.model_validate(reply.body)
        raise _status_error(reply.status or 503, reply.message)


class ReplayLLM(LLM):
    """The live :class:`LLM`, told which task each question belongs to, with no transport
    retries (the batch rounds retry instead, without sleeping)."""

    def extract(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        **options: Any,
    ) -> CallResult:
        cast(ReplayProvider, self.provider).task = str(
            (options.get("context") or {}).get("task", "")
        )
        return super().extract(messages, response_model, **options)


class _Deferred:
    """The store as a replay sees it: reads go through; the cache entry and the run-log records
    are kept back until the replay is known to rest on real replies only."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        self.puts: list[tuple[str, dict[str, Any]]] = []
        self.calls: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def cache_put(self, key: str, value: dict[str, Any]) -> None:
        self.puts.append((key, value))

    def log_call(self, record: dict[str, Any]) -> int:
        self.calls.append(record)
        return 0

    def commit(self) -> None:
        if self.store is None:
            return
        for key, value in self.puts:
            self.store.cache_put(key, value)
        for record in self.calls:
            self.store.log_call(record)


@dataclass
class Replayer:
    settings: Settings
    prompt: Prompt
    strategy: Strategy
    real: OpenAIProvider
    state: State
    store: Store | None
    cache: bool
    log: bool

    @property
    def identity(self) -> str:
        return api.LazyLLM(self.settings).identity

    def __call__(self, article: Article) -> tuple[dict[str, Any] | None, list[Needed]]:
        """(the article's record, []) when every reply it needs is there, else (None, the
        requests still to send)."""
        provider = ReplayProvider(self.real, self.state, article.id)
        llm = ReplayLLM(
            cast(Any, provider),
            retry=RetryPolicy(attempts=1),
            reask_tokens=self.settings.reask_tokens,
        )
        deferred = _Deferred(self.store)
        try:
            result = api.summarize_article(
                article,
                prompt=self.prompt,
                strategy=self.strategy,
                identity=self.identity,
                make=lambda: llm,
                store=cast(Store, deferred) if self.store else None,
                cache=self.cache,
                log=self.log,
            )
        except Exception as exc:
            if provider.needed:
                return None, provider.needed
            return _failure(article.id, article.source, exc, _kind(exc)), []
        if provider.needed:
            return None, provider.needed
        deferred.commit()
        return {"version": RECORD_VERSION, "id": article.id, "status": "ok", **result.to_dict()}, []


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


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Outcome(Counts):
    """A batch-file run's counts, with what is still waiting for answers."""

    waiting: int = 0  # articles whose requests are out (in a live batch or an exported file)
    requests_sent: int = 0
    rounds: int = 0
    exported: Path | None = None


def run(
    inputs: list[str],
    out: Path,
    *,
    prompt: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    mode: str | None = None,
    timeout: float | None = None,
    limit: int | None = None,
    resume: bool = False,
    shard: tuple[int, int] | None = None,
    fail_fast: bool = False,
    cache: bool = True,
    log: bool = True,
    text_field: str = "text",
    id_field: str = "id",
    progress: Progress | None = None,
    total: int | None = None,
    strategy: str | None = None,
    via: str | None = "openai-batch",
    export_requests: Path | None = None,
    import_results: Path | None = None,
    poll_interval: float = 30.0,
    max_requests: int = MAX_REQUESTS,
    max_bytes: int = MAX_BYTES,
    retry_failed: bool = False,
    **_live_only: Any,
) -> Outcome:
    """Brief ``inputs`` into ``out`` through batch files (see the module docstring).

    ``via="openai-batch"``: upload, create, poll and take in batches until every article is
    written. ``export_requests``: write the next round's requests to that file and stop;
    ``import_results``: take in a runner's output for an exported round first (implies
    resume). ``retry_failed`` resumes and asks again for the articles whose records say they
    failed (their replies are forgotten, so the questions go into the next batch file).
    Options of the live engine that do not apply (``concurrency``) are ignored.
    """
    if via is not None and via not in VIAS:
        raise UsageError(f"unknown --via {via!r}", f"choose one of: live, {', '.join(VIAS)}")
    if export_requests is not None and via is not None:
        raise UsageError(
            "--export-requests writes the requests instead of sending them",
            "pass either --export-requests or --via openai-batch",
        )
    if import_results is not None and not import_results.is_file():
        raise UsageError(
            f"--import-results {import_results}: no such file",
            "pass the output file the batch runner wrote",
        )
    check_out(out)
    check_inputs(inputs)
    check_not_empty(inputs, text_field=text_field, id_field=id_field)
    settings = resolve_settings(model=model, base_url=base_url, mode=mode, timeout=timeout)
    chosen = api.plan(prompt, strategy, settings)
    if chosen.prompt is None:
        raise UsageError(
            f"the {chosen.strategy.name} strategy asks no model, so there is "
            "nothing to put in a batch file",
            "run it without --via",
        )
    real = build_provider(settings)
    if not isinstance(real, OpenAIProvider):
        raise UsageError(
            f"batch files need an OpenAI-compatible model, not {settings.model}",
            "pass --model openai:<model>",
        )
    resume = resume or retry_failed or import_results is not None
    results = LockedSink(out, resume=resume, retry_failed=retry_failed)
    sink = results.sink
    state: State | None = None
    store: Store | None = None
    try:
        state = State(out, resume=resume)
        state.forget(sink.retried)
        state.check_run(
            {
                "model": settings.model,
                "prompt": chosen.prompt.ref,
                "prompt_sha256": chosen.prompt.sha256,
                "strategy": chosen.strategy.name,
            }
        )
        if cache or log:
            store = open_store()
        replay = Replayer(settings, chosen.prompt, chosen.strategy, real, state, store, cache, log)
        counts = Outcome(total=total)
        rounds = _Rounds(
            inputs,
            sink,
            state,
            replay,
            counts,
            progress or (lambda _: None),
            text_field=text_field,
            id_field=id_field,
            shard=shard,
            limit=limit,
            fail_fast=fail_fast,
        )
        if import_results is not None:
            lines = jsonl_lines(import_results.read_text(encoding="utf-8"))
            settle(state, None, lines, ended="imported", attempts=settings.retry.attempts)
        try:
            if via is None:
                rounds.export(export_requests, max_requests=max_requests, max_bytes=max_bytes)
            else:
                batch_api = BatchAPI(settings, state, poll_interval=poll_interval)
                batch_api.recover()
                rounds.through(batch_api, max_requests=max_requests, max_bytes=max_bytes)
        except KeyboardInterrupt:
            counts.interrupted = True
        counts.rounds = state.next_round() - 1
        return counts
    finally:
        if state is not None:
            state.db.close()
        if store is not None:
            store.close()
        results.close()


@dataclass
class _Rounds:
    """Passes over the inputs: each writes the articles whose replies are all there and queues
    the requests the others still need."""

    inputs: list[str]
    sink: Any
    state: State
    replay: Replayer
    counts: Outcome
    report: Progress
    text_field: str
    id_field: str
    shard: tuple[int, int] | None
    limit: int | None
    fail_fast: bool
    written: set[str] = field(default_factory=set)
    books: Books = field(init=False)

    def __post_init__(self) -> None:
        self.written = set(self.sink.done_ids())
        self.counts.resumed = len(self.written)
        self.books = Books(self.sink, self.counts, self.report, fail_fast=self.fail_fast,
                           written=self.written)  # fmt: skip

    def export(self, path: Path | None, *, max_requests: int, max_bytes: int) -> None:
        """One pass; the requests go to ``path`` (None: an import that only writes results)."""
        submitter = Submitter(
            self.state,
            "export",
            self.state.next_round(),
            max_requests=max_requests,
            max_bytes=max_bytes,
            send=lambda *_: None,
            path=path,
        )
        self.one_pass(submitter, queue=path is not None)
        if path is not None and submitter.sent:
            self.counts.exported = path

    def through(self, batch_api: BatchAPI, *, max_requests: int, max_bytes: int) -> None:
        """Rounds through the Batch API until every article is written."""
        idle = 0
        while not self.counts.stopped_early:
            batch_api.wait(self.progress)
            submitter = Submitter(
                self.state,
                "openai",
                self.state.next_round(),
                max_requests=max_requests,
                max_bytes=max_bytes,
                send=batch_api.send,
            )
            self.one_pass(submitter, queue=True)
            # A pass that sent nothing is the last, unless articles still wait on replies it
            # stored itself (a request too big for any file): one more pass writes them.
            idle = 0 if submitter.sent else idle + 1
            if idle and (not self.counts.waiting or idle > 1):
                return

    def progress(self) -> None:
        self.counts.in_flight = self.state.live_requests()
        self.report(self.counts)

    def one_pass(self, submitter: Submitter, *, queue: bool) -> None:
        counts = self.counts
        counts.waiting = 0
        seen: dict[str, str] = {}
        items = iter_articles(self.inputs, text_field=self.text_field, id_field=self.id_field)
        try:
            for item in _selected(items, self.shard, self.limit):
                if counts.stopped_early:
                    break
                if item.id in seen:  # its twin may be written, waiting, or from a resume
                    self.books.write(duplicate_failure(item.id, item.source, seen[item.id]))
                    continue
                seen[item.id] = item.source
                if item.id in self.written:
                    continue
                if isinstance(item, Unreadable):
                    self.books.write(_failure(item.id, item.source, item.error, "input"))
                    continue
                record, needed = self.replay(item)
                if record is not None:
                    self.books.write(record)
                    continue
                counts.waiting += 1
                for need in needed if queue else ():
                    submitter.add(need)
            submitter.flush()
        finally:
            submitter.abandon()
        counts.requests_sent += submitter.sent
        self.progress()


def iter_requests(path: Path) -> Iterator[dict[str, Any]]:
    """The requests of a batch input file, as written (for checks and tests)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
