"""Batch runs: many articles through the same stages as ``summarize``, concurrently, resumable.

Articles stream in from :func:`newsbrief.ingest.iter_articles`; at most ``concurrency`` are in
flight at once (the embedded local model, CPU-bound and not thread-safe, runs one at a time).
The LLM calls are synchronous (the openai client, tenacity's backoff), so the workers are
threads, each with its own :class:`~newsbrief.brief.llm.LLM` and SQLite connection, sharing one
provider (one HTTP connection pool). Results are written by the dispatching thread alone, one
record at a time as soon as it is done: a flushed JSON line, or one SQLite transaction. A rerun
with ``resume`` skips every id already written and repairs a torn last line, so after a crash
or Ctrl-C no article is lost and none is written twice.

Guarantees beyond one article: the results file is locked for the life of the run (a second
writer is refused, naming the holder); cleaning one article has a time budget; and after
``circuit_breaker`` endpoint failures in a row the run stops (those articles are not written,
so ``--resume`` redoes them) instead of spending every remaining article's retries.


The run is split along its seams: :mod:`.work` (options, checks, the stream of items and the
one rule each item gets), :mod:`.records` (the ok and failure records), :mod:`.sinks` (the
locked results file), :mod:`.books` (counts, ``--fail-fast``, the circuit breaker, one record
per id), :mod:`.article` (one article through the stages, under its budgets) and
:mod:`.threads` (the default engine). The Ray engine and the provider batch files use the same
pieces and differ only in how work items become records.
"""

from __future__ import annotations

from .article import Batch, learn_boilerplate
from .books import ENDPOINT_ERRORS, Books, Counts, Progress
from .records import (
    RECORD_VERSION,
    duplicate_failure,
    failure_kind,
    failure_record,
    is_duplicate,
    ok_record,
)
from .sinks import JsonlSink, LockedSink, ResultsLock, Sink, SqliteSink, check_out, open_sink
from .threads import run, run_threads
from .work import (
    BRIEF,
    RESUMED,
    Prepared,
    RunOptions,
    check_not_empty,
    classify,
    count_inputs,
    expected_total,
    in_shard,
    parse_shard,
    prepare,
    read_items,
    selected_items,
)

__all__ = [
    "BRIEF",
    "ENDPOINT_ERRORS",
    "RECORD_VERSION",
    "RESUMED",
    "Batch",
    "Books",
    "Counts",
    "JsonlSink",
    "LockedSink",
    "Prepared",
    "Progress",
    "ResultsLock",
    "RunOptions",
    "Sink",
    "SqliteSink",
    "check_not_empty",
    "check_out",
    "classify",
    "count_inputs",
    "duplicate_failure",
    "expected_total",
    "failure_kind",
    "failure_record",
    "in_shard",
    "is_duplicate",
    "learn_boilerplate",
    "ok_record",
    "open_sink",
    "parse_shard",
    "prepare",
    "read_items",
    "run",
    "run_threads",
    "selected_items",
]  # fmt: skip
