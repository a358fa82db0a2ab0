"""A run's bookkeeping: the counts, and the writer every engine shares (:class:`Books`).

``--fail-fast``, the circuit breaker, storage faults and one record per id are applied here.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import (
    EXIT_RUNTIME,
    EXIT_SOME_FAILED,
    LLMUnavailableError,
)
from .records import is_duplicate
from .sinks import Sink

if TYPE_CHECKING:
    pass


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
