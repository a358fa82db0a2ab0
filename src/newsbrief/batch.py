"""Batch runs: many articles through the same stages as ``summarize``, concurrently, resumable.

Articles stream in from :func:`newsbrief.ingest.iter_articles`; at most ``concurrency`` are in
flight at once (the embedded local model, CPU-bound and not thread-safe, runs one at a time).
The LLM calls are synchronous (the openai client, tenacity's backoff), so the workers are
threads, each with its own :class:`~newsbrief.llm.LLM` and SQLite connection, sharing one
provider (one HTTP connection pool). Results are written by the dispatching thread alone, one
record at a time as soon as it is done: a flushed JSON line, or one SQLite transaction. A rerun
with ``resume`` skips every id already written and repairs a torn last line, so after a crash
or Ctrl-C no article is lost and none is written twice.

Guarantees beyond one article: the results file is locked for the life of the run (a second
writer is refused, naming the holder); cleaning one article has a time budget; and after
``circuit_breaker`` endpoint failures in a row the run stops (those articles are not written,
so ``--resume`` redoes them) instead of spending every remaining article's retries.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import filelock

from . import api, budget
from .clean import CleanArticle, time_budget
from .clean.boilerplate import Boilerplate, site_of
from .config import Settings
from .errors import (
    EXIT_RUNTIME,
    EXIT_SOME_FAILED,
    DuplicateIdError,
    InputError,
    LLMUnavailableError,
    NewsbriefError,
    UsageError,
    mask_secrets,
)
from .ingest import ARTICLE_SUFFIXES, Article, Item, Unreadable, check_inputs, iter_articles
from .prompts import Prompt
from .store import Store, open_store
from .strategies import Strategy

if TYPE_CHECKING:
    from .llm import LLM, Provider

RECORD_VERSION = 1


# --- shards ------------------------------------------------------------------------------------


def parse_shard(text: str) -> tuple[int, int]:
    """``I/N`` (1 <= I <= N) -> (I, N)."""
    index, slash, count = text.partition("/")
    if slash and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count):
        return int(index), int(count)
    raise UsageError(f"bad --shard {text!r}", "write it as I/N with 1 <= I <= N, e.g. 2/4")


def in_shard(article_id: str, shard: tuple[int, int] | None) -> bool:
    """Deterministic split by id: the same id lands in the same shard on every machine."""
    if shard is None:
        return True
    index, count = shard
    bucket = int(hashlib.sha256(article_id.encode()).hexdigest()[:12], 16) % count
    return bucket == index - 1


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


def check_not_empty(inputs: list[str], *, text_field: str = "text", id_field: str = "id") -> None:
    """A usage error for an input (folder, glob, file) that holds no article at all: a typo or
    the wrong folder, said before any file is created. Reads at most one article per input."""
    for given in inputs:
        items = iter_articles([given], text_field=text_field, id_field=id_field)
        try:
            first = next(items, None)
        finally:
            getattr(items, "close", lambda: None)()  # a generator: let go of its open file
        if first is None:
            raise UsageError(
                f"input {given} holds no article",
                f"check the path; articles are {', '.join(sorted(ARTICLE_SUFFIXES))} files, "
                "JSONL, CSV or archives",
            )


# --- progress ----------------------------------------------------------------------------------


@dataclass
class Counts:
    """Where a run is. ``skipped``: already in the output (resume) or outside the shard."""

    done: int = 0
    failed: int = 0
    cached: int = 0
    resumed: int = 0
    tokens: int = 0
    in_flight: int = 0
    total: int | None = None
    started: float = field(default_factory=time.monotonic)
    failures: dict[str, int] = field(default_factory=dict)
    failed_ids: list[str] = field(default_factory=list)
    interrupted: bool = False
    stopped_early: bool = False  # --fail-fast
    # The circuit breaker: why the run stopped after endpoint failures in a row, and how many
    # articles it left unwritten for --resume to redo.
    breaker: str | None = None
    held_back: int = 0
    # The results file could not be written (a full disk, a lost folder): why; the run stopped
    # there, and the articles finished after it are held back for --resume, not recorded.
    storage: str | None = None

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Articles per second finished by this run (cached ones included)."""
        return (self.done + self.failed) / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if self.breaker is not None or self.storage is not None:
            return EXIT_RUNTIME
        return EXIT_SOME_FAILED if self.failed else 0


Progress = Callable[[Counts], None]


# --- the run -----------------------------------------------------------------------------------


def failure_record(item_id: str, source: str, exc: BaseException, kind: str) -> dict[str, Any]:
    """The failed record of one article (every engine writes this shape), its message masked."""
    message = str(exc) if isinstance(exc, NewsbriefError) else f"{type(exc).__name__}: {exc}"
    message = mask_secrets(message)
    return {
        "version": RECORD_VERSION,
        "id": item_id,
        "status": "failed",
        "article": {"id": item_id, "source": source},
        "error": {"kind": kind, "type": type(exc).__name__, "message": message},
    }


def duplicate_failure(item_id: str, source: str, first: str) -> dict[str, Any]:
    """The one record of an id that two articles of a run share: a failure naming both
    sources. It replaces whatever was written for the id (see :meth:`Books.write`)."""
    error = DuplicateIdError(
        f"duplicate id {item_id!r}: {first} and {source}",
        "give every article its own id (--id-field); neither was briefed under it",
    )
    return failure_record(item_id, source, error, "input")


def is_duplicate(record: dict[str, Any]) -> bool:
    return record.get("status") == "failed" and record["error"]["type"] == "DuplicateIdError"


def failure_kind(exc: BaseException) -> str:
    """``input`` (the article), ``llm`` (the model or endpoint) or ``internal`` (a bug)."""
    if isinstance(exc, InputError):
        return "input"
    if isinstance(exc, NewsbriefError):
        return "llm"
    return "internal"


@dataclass
class Batch:
    """One batch run's fixed parts: prompt, strategy, model, store use, and the per-thread
    workers."""

    prompt: Prompt | None
    settings: Settings
    strategy: Strategy
    cache: bool = True
    log: bool = True
    llm: LLM | None = None  # tests and benchmarks inject one (then one worker at a time)
    boilerplate: Boilerplate | None = None  # lines learned per site within the run (issue 11)
    _provider: Provider | None = None
    _provider_lock: threading.Lock = field(default_factory=threading.Lock)
    _local: threading.local = field(default_factory=threading.local)
    _stores: list[Store] = field(default_factory=list)

    @functools.cached_property
    def identity(self) -> str:
        return api.LazyLLM(self.settings, self.llm).identity

    @property
    def serial(self) -> bool:
        """One article at a time: the in-process local model, or an injected LLM."""
        return self.llm is not None or self.settings.model.split(":", 1)[0] == "local"

    def _make_llm(self) -> LLM:
        if self.llm is not None:
            return self.llm
        llm: LLM | None = getattr(self._local, "llm", None)
        if llm is None:
            from .llm import build_provider

            with self._provider_lock:  # one provider (model file, HTTP pool) for every thread
                if self._provider is None:
                    self._provider = build_provider(self.settings)
            # The provider is shared and never changed; what a run learns (a remote model's
            # window) is kept by each thread's own LLM.
            llm = api.make_llm(self.settings, provider=self._provider)
            self._local.llm = llm
        return llm

    def _store(self) -> Store | None:
        if not (self.cache or self.log):
            return None
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store()
            self._local.store = store
            with self._provider_lock:
                self._stores.append(store)
        return store

    def process(self, article: Article) -> dict[str, Any]:
        """The result record of one article; failures become records, never exceptions.
        The local work on it (cleaning, parsing, finding claims, grounding) may take at most
        ``settings.article_budget`` seconds, cleaning alone ``settings.clean_budget``, and its
        cleaned text may hold at most ``settings.max_chars`` characters."""
        try:
            with self._budget():
                result, cleaned = self._brief(article)
        except Exception as exc:  # one article's failure never stops the batch
            return failure_record(article.id, article.source, exc, failure_kind(exc))
        return {"version": RECORD_VERSION, "id": article.id, "status": "ok", **result.to_dict(),
                **_learned(cleaned)}  # fmt: skip

    @contextlib.contextmanager
    def _budget(self) -> Iterator[None]:
        settings = self.settings
        with (
            budget.time_budget(settings.article_budget, what="the local work on the article",
                               setting="NEWSBRIEF_ARTICLE_BUDGET (article_budget in config.toml)"),
            budget.started(),
            time_budget(settings.clean_budget),
        ):  # fmt: skip
            yield

    def _brief(self, article: Article) -> tuple[api.BriefResult, CleanArticle | None]:
        cleaned = None
        if self.boilerplate is not None:
            cleaned = self.boilerplate.learn_and_strip(
                site_of(article.source), api.clean_source(article, self.settings.max_chars)
            )
        if self.prompt is None:  # a strategy that needs no model (the floor)
            result = api.brief_article(
                article, llm=None, prompt=None, strategy=self.strategy, cleaned=cleaned,
                max_chars=self.settings.max_chars,
            )  # fmt: skip
            return result, cleaned
        result = api.summarize_article(
            article,
            prompt=self.prompt,
            strategy=self.strategy,
            identity=self.identity,
            make=self._make_llm,
            store=self._store(),
            cache=self.cache,
            log=self.log,
            cleaned=cleaned,
            max_chars=self.settings.max_chars,
        )
        return result, cleaned

    def close(self) -> None:
        for store in self._stores:
            store.close()


def learn_boilerplate(
    inputs: list[str],
    boilerplate: Boilerplate,
    *,
    text_field: str = "text",
    id_field: str = "id",
    shard: tuple[int, int] | None = None,
    limit: int | None = None,
    budget: float | None = None,
) -> int:
    """A first pass over the articles a run will brief: each is cleaned and its lines counted
    for its site; then learning stops, so the run strips every article of a site alike.
    Articles that cannot be read or cleaned are skipped (the run records their failure).
    Returns how many articles were learned from."""
    learned = 0
    items = iter_articles(inputs, text_field=text_field, id_field=id_field)
    for item in selected_items(items, shard, limit):
        if isinstance(item, Unreadable):
            continue
        try:
            with time_budget(budget):
                cleaned = api.clean_source(item)
        except Exception:  # its failure is the run's to record, not the learning's
            continue
        boilerplate.observe(site_of(item.source), cleaned.text)
        learned += 1
    boilerplate.learning = False
    return learned


def _learned(cleaned: CleanArticle | None) -> dict[str, Any]:
    """The boilerplate lines removed from an article, for its record (none: no key)."""
    lines = [{"text": r.text, "reason": r.reason}
             for r in (cleaned.removed if cleaned else []) if r.kind == "boilerplate"]  # fmt: skip
    return {"boilerplate_removed": lines} if lines else {}


# Failures of the endpoint itself (unreachable, down, rate-limiting past every retry), as opposed
# to one article's bad input or invalid replies: these count toward the circuit breaker.
ENDPOINT_ERRORS = frozenset({LLMUnavailableError.__name__})


@dataclass
class Books:
    """The bookkeeping every engine's writer shares: each finished record goes to the sink and
    into the run's :class:`Counts`, with ``--fail-fast`` and the circuit breaker applied.

    :meth:`record` holds back endpoint failures (:data:`ENDPOINT_ERRORS`) in a row; any other
    record writes them first. When ``breaker`` of them (0: never) are held at once the breaker
    trips: they are not written (``--resume`` redoes those articles), nor is any endpoint
    failure after them, and ``counts.breaker`` says why. ``written``, when given (the ids the
    sink holds), gets the id of every record written, for an engine that may see one twice.

    A record the sink cannot write (a full disk) stops the run (``counts.storage``): it and
    every record after it are held back for ``--resume``, never turned into failures.

    One record per id: a duplicate-id failure (:func:`duplicate_failure`) replaces the id's
    record, and any record of that id finished after it (the first article, still in flight
    when its twin was read) is dropped; a record that replaces one this run wrote takes that
    one's place in the counts.
    """

    sink: Sink
    counts: Counts
    report: Progress
    fail_fast: bool = False
    breaker: int = 0
    written: set[str] | None = None
    _unreachable: list[dict[str, Any]] = field(default_factory=list, init=False)
    _wrote: dict[str, tuple[str, str]] = field(default_factory=dict, init=False)
    _conflicted: set[str] = field(default_factory=set, init=False)

    @property
    def stopped(self) -> bool:
        """The run should take no more articles: ``--fail-fast`` met a failure, the breaker
        tripped, or the results file cannot be written."""
        counts = self.counts
        return counts.stopped_early or counts.breaker is not None or counts.storage is not None

    def record(self, result: dict[str, Any]) -> None:
        """Write ``result``, or hold it back when it is an endpoint failure (see the class)."""
        counts = self.counts
        if result["status"] == "failed" and result["error"]["type"] in ENDPOINT_ERRORS:
            if counts.breaker is not None:
                counts.held_back += 1
                return
            held = self._unreachable
            held.append(result)
            if self.breaker and len(held) >= self.breaker:
                counts.breaker = (
                    f"{len(held)} articles in a row could not reach the model "
                    f"({result['error']['message']})"
                )
                counts.held_back += len(held)
                held.clear()
                self.report(counts)
            return
        self.flush()
        self.write(result)

    def flush(self) -> None:
        """Write the endpoint failures held back (the run ends without the breaker tripping)."""
        while self._unreachable:
            self.write(self._unreachable.pop(0))

    def write(self, result: dict[str, Any]) -> None:
        """Write ``result`` now and count it (see the class for an id written twice)."""
        item_id = str(result["id"])
        if is_duplicate(result):
            self._conflicted.add(item_id)
        elif item_id in self._conflicted:
            return  # the id's record is already the failure naming both articles
        if self.counts.storage is not None:
            self.counts.held_back += 1
            return
        try:
            self.sink.write(result)
        except (OSError, sqlite3.Error) as exc:  # a full disk: stop, never record a failure
            why = getattr(exc, "strerror", None) or str(exc)
            self.counts.storage = f"cannot write the results to {self.sink.path} ({why})"
            self.counts.held_back += 1
            self.report(self.counts)
            return
        if self.written is not None:
            self.written.add(item_id)
        if item_id in self._wrote:
            self._uncount(item_id, *self._wrote[item_id])
        self._count(result)

    def _count(self, result: dict[str, Any]) -> None:
        counts = self.counts
        if result["status"] == "ok":
            self._wrote[str(result["id"])] = ("ok", "")
            counts.done += 1
            meta = result["meta"]
            counts.cached += bool(meta.get("cached"))
            if not meta.get("cached"):  # a cached record's usage is what it cost back then
                counts.tokens += sum(meta["usage"].values())
        else:
            kind = result["error"]["kind"]
            self._wrote[str(result["id"])] = ("failed", kind)
            counts.failed += 1
            counts.failures[kind] = counts.failures.get(kind, 0) + 1
            counts.failed_ids.append(str(result["id"]))
            if self.fail_fast:
                counts.stopped_early = True
        self.report(counts)

    def _uncount(self, item_id: str, status: str, kind: str) -> None:
        """Take back the count of the record of ``item_id`` that was just replaced."""
        counts = self.counts
        if status == "ok":
            counts.done -= 1
            return
        counts.failed -= 1
        counts.failures[kind] -= 1
        if not counts.failures[kind]:
            del counts.failures[kind]
        counts.failed_ids.remove(item_id)


def selected_items(
    items: Iterable[Item], shard: tuple[int, int] | None, limit: int | None
) -> Iterator[Item]:
    """The items of ``shard`` (all when None), at most ``limit`` of them."""
    count = 0
    for item in items:
        if not in_shard(item.id, shard):
            continue
        if limit is not None and count >= limit:
            return
        count += 1
        yield item


@dataclass(frozen=True)
class RunOptions:
    """What every batch engine takes, said once: the inputs and results file, the model and
    strategy, and the per-article rules (shard, limit, resume, --retry-failed). Each engine
    adds only its own options (Ray's address, the batch files' --via) as keyword arguments."""

    inputs: list[str]
    out: Path
    prompt: str | None = None
    model: str | None = None
    base_url: str | None = None
    mode: str | None = None
    timeout: float | None = None
    strategy: str | None = None
    concurrency: int = 8
    limit: int | None = None
    resume: bool = False
    retry_failed: bool = False
    shard: tuple[int, int] | None = None
    fail_fast: bool = False
    cache: bool = True
    log: bool = True
    text_field: str = "text"
    id_field: str = "id"
    total: int | None = None  # articles expected, for the progress line (None: unknown)

    @property
    def resuming(self) -> bool:
        """``--retry-failed`` resumes too."""
        return self.resume or self.retry_failed


@dataclass(frozen=True)
class Prepared:
    """A run's settings and plan (strategy and, when it asks a model, the prompt)."""

    settings: Settings
    strategy: Strategy
    prompt: Prompt | None


def prepare(options: RunOptions, llm: LLM | None = None) -> Prepared:
    """Every engine's checks before any file is made (concurrency, ``--out``, the inputs
    exist and hold an article) and the plan: settings, strategy and prompt, chosen as for
    ``summarize``."""
    if options.concurrency < 1:
        raise UsageError(f"--concurrency {options.concurrency}", "use 1 or more")
    check_out(options.out)
    check_inputs(options.inputs)
    check_not_empty(options.inputs, text_field=options.text_field, id_field=options.id_field)
    settings = api.run_settings(options.model, options.base_url, options.mode, options.timeout,
                                llm)  # fmt: skip
    chosen = api.plan(options.prompt, options.strategy, settings)
    return Prepared(settings, chosen.strategy, chosen.prompt)


def read_items(options: RunOptions) -> Iterator[Item]:
    """The inputs' items in the run's shard, at most ``limit`` of them."""
    items = iter_articles(options.inputs, text_field=options.text_field, id_field=options.id_field)
    return selected_items(items, options.shard, options.limit)


BRIEF, RESUMED = "brief", "resumed"


def classify(item: Item, seen: dict[str, str], done: set[str]) -> str | dict[str, Any]:
    """What the run does with ``item``, the one rule every engine applies: a record to write
    (a duplicate id's failure naming both sources, or an unreadable input's), ``RESUMED`` (its
    record is in the results already) or ``BRIEF``. ``seen`` (id -> source) is the run's,
    updated here; a duplicate of a resumed id takes that id out of ``done``."""
    if item.id in seen:  # its twin may be written, in flight, or from a resume
        done.discard(item.id)
        return duplicate_failure(item.id, item.source, seen[item.id])
    seen[item.id] = item.source
    if item.id in done:
        return RESUMED
    if isinstance(item, Unreadable):
        return failure_record(item.id, item.source, item.error, "input")
    return BRIEF


def run(
    inputs: list[str],
    out: Path,
    *,
    prompt: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    mode: str | None = None,
    timeout: float | None = None,
    concurrency: int = 8,
    limit: int | None = None,
    resume: bool = False,
    shard: tuple[int, int] | None = None,
    fail_fast: bool = False,
    cache: bool = True,
    log: bool = True,
    text_field: str = "text",
    id_field: str = "id",
    llm: LLM | None = None,
    progress: Progress | None = None,
    total: int | None = None,
    strategy: str | None = None,
    boilerplate: Boilerplate | None = None,
    retry_failed: bool = False,
    learn_first: bool = False,
) -> Counts:
    """Brief every article of ``inputs`` into ``out`` (``.jsonl`` or ``.sqlite``) on the
    thread engine: the library's call, :class:`RunOptions` spelled out as arguments.

    Returns the run's :class:`Counts`; ``counts.exit_code`` is 0 when every article succeeded,
    ``EXIT_SOME_FAILED`` when some failed (each failure is a record in ``out``), 130 when
    interrupted (the first Ctrl-C lets the articles in flight finish and be written).
    Strategy and prompt are chosen as for ``summarize`` (:func:`newsbrief.api.plan`).
    With ``boilerplate``, lines that recur across a site's articles are learned as the run goes
    and removed from later articles of that site (each removal in the result's audit); with
    ``learn_first`` too, they are learned in a first pass over all the inputs
    (:func:`learn_boilerplate`), and removed from every article.
    ``retry_failed`` resumes and also redoes the articles whose records say they failed (their
    failed records are removed first). An input that holds no article is a usage error raised
    before any file is created.
    """
    options = RunOptions(
        inputs, out, prompt=prompt, model=model, base_url=base_url, mode=mode, timeout=timeout,
        strategy=strategy, concurrency=concurrency, limit=limit, resume=resume,
        retry_failed=retry_failed, shard=shard, fail_fast=fail_fast, cache=cache, log=log,
        text_field=text_field, id_field=id_field, total=total,
    )  # fmt: skip
    return run_threads(options, progress=progress, llm=llm, boilerplate=boilerplate,
                       learn_first=learn_first)  # fmt: skip


def run_threads(
    options: RunOptions,
    *,
    progress: Progress | None = None,
    llm: LLM | None = None,
    boilerplate: Boilerplate | None = None,
    learn_first: bool = False,
) -> Counts:
    """The thread engine (see :func:`run`): workers brief the articles :func:`classify` lets
    through, the dispatching thread writes every record."""
    chosen = prepare(options, llm)
    settings = chosen.settings
    if learn_first:
        boilerplate = boilerplate if boilerplate is not None else Boilerplate()
        learn_boilerplate(options.inputs, boilerplate, text_field=options.text_field,
                          id_field=options.id_field, shard=options.shard, limit=options.limit,
                          budget=settings.clean_budget)  # fmt: skip
    asks = chosen.prompt is not None  # no model (the floor): nothing to cache or log
    batch = Batch(chosen.prompt, settings, chosen.strategy, cache=options.cache and asks,
                  log=options.log and asks, llm=llm, boilerplate=boilerplate)  # fmt: skip
    if batch.cache or batch.log:
        open_store().close()  # create and migrate the store once, before the workers
    results = LockedSink(options.out, resume=options.resuming, retry_failed=options.retry_failed)
    counts = Counts(total=options.total)
    report = progress or (lambda _: None)
    books = Books(results.sink, counts, report, fail_fast=options.fail_fast,
                  breaker=settings.circuit_breaker)  # fmt: skip
    workers = 1 if batch.serial else options.concurrency
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsbrief-batch")
    try:
        _dispatch(options, batch, books, (pool, workers), results.sink.done_ids())
    finally:
        results.close()
        pool.shutdown(wait=not counts.interrupted, cancel_futures=True)
        batch.close()
    report(counts)
    return counts


def _dispatch(
    options: RunOptions,
    batch: Batch,
    books: Books,
    workers: tuple[ThreadPoolExecutor, int],
    done: set[str],
) -> None:
    """Submit the articles to the pool (at most its number of workers in flight) and write
    each record as it finishes; on Ctrl-C the articles in flight finish and are written (a
    second Ctrl-C abandons them for --resume)."""
    (pool, most), counts = workers, books.counts
    pending: dict[Future[dict[str, Any]], Article] = {}
    seen: dict[str, str] = {}

    def collect(block: bool) -> None:
        if not pending:
            return
        finished, _ = wait(list(pending), timeout=None if block else 0, return_when=FIRST_COMPLETED)
        for future in finished:
            pending.pop(future)
            books.record(future.result())
        counts.in_flight = len(pending)

    try:
        for item in read_items(options):
            if books.stopped:
                break
            was_resumed = item.id in done
            action = classify(item, seen, done)
            if action == RESUMED:
                counts.resumed += 1
                continue
            if isinstance(action, dict):
                if was_resumed and is_duplicate(action):
                    counts.resumed -= 1  # the earlier run's record is replaced
                books.record(action)
                continue
            while len(pending) >= most:
                collect(block=True)
            if books.stopped:
                break
            pending[pool.submit(batch.process, cast(Article, item))] = cast(Article, item)
            counts.in_flight = len(pending)
            collect(block=False)
        while pending:
            collect(block=True)
        books.flush()
    except KeyboardInterrupt:
        counts.interrupted = True
        for future in list(pending):
            if future.cancel():
                pending.pop(future)
        books.report(counts)
        try:
            while pending:  # the articles in flight finish and are written
                collect(block=True)
        except KeyboardInterrupt:
            pass  # a second Ctrl-C: abandon them; resume redoes them
        books.flush()


def count_inputs(inputs: list[str]) -> int | None:
    """How many article files the inputs hold, when that is cheap to know (directories and
    single article files); None for archives and JSONL, whose count needs a full read."""
    total = 0
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            total += sum(
                1
                for _, _, files in os.walk(path)
                for name in files
                if Path(name).suffix.lower() in ARTICLE_SUFFIXES
            )
        elif path.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES:
            total += 1
        else:
            return None
    return total
