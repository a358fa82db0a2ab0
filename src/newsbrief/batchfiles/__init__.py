"""Provider batch files: the same briefs through OpenAI's Batch API (or any runner of its JSONL).

A batch file holds chat-completion requests, each answered on the provider's schedule (within 24
hours, at half the price). A strategy asks its questions one at a time and reads each reply
before it asks the next, so the questions cannot all be written down in advance. Instead every
article is *replayed*: the strategy runs as it does live, through the same
:class:`~newsbrief.brief.llm.LLM` (instructor's validation and re-asks, the grounding checks and
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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ..base import jsonl_lines
from ..batch import (
    RESUMED,
    Books,
    Counts,
    LockedSink,
    Prepared,
    Progress,
    RunOptions,
    classify,
    prepare,
    read_items,
)
from ..brief.llm import OpenAIProvider, build_provider
from ..brief.prompts import Prompt
from ..config import Settings
from ..errors import UsageError
from ..ingest import Article
from ..store import Store, open_store
from .client import BatchAPI, Submitter, settle
from .files import MAX_BYTES, MAX_REQUESTS, iter_requests
from .replay import Replayer
from .state import State

__all__ = ["MAX_BYTES", "MAX_REQUESTS", "VIAS", "Outcome", "iter_requests", "run"]

VIAS = ("openai-batch",)


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Outcome(Counts):
    """A batch-file run's counts, with what is still waiting for answers."""

    waiting: int = 0  # articles whose requests are out (in a live batch or an exported file)
    requests_sent: int = 0
    rounds: int = 0
    exported: Path | None = None


def run(
    options: RunOptions,
    *,
    progress: Progress | None = None,
    via: str | None = "openai-batch",
    export_requests: Path | None = None,
    import_results: Path | None = None,
    poll_interval: float = 30.0,
    max_requests: int = MAX_REQUESTS,
    max_bytes: int = MAX_BYTES,
) -> Outcome:
    """Brief ``options.inputs`` into ``options.out`` through batch files (see the module
    docstring), with the per-article rules of every engine (:mod:`newsbrief.batch`).

    ``via="openai-batch"``: upload, create, poll and take in batches until every article is
    written. ``export_requests``: write the next round's requests to that file and stop;
    ``import_results``: take in a runner's output for an exported round first (implies
    resume). ``--retry-failed`` asks again for the articles whose records say they failed
    (their replies are forgotten, so the questions go into the next batch file).
    ``concurrency`` does not apply: the provider answers a file at its own pace.
    """
    _check_files(via, export_requests, import_results)
    chosen = prepare(options)
    settings, prompt = chosen.settings, _prompt_of(chosen)
    real = _openai_provider(settings)
    resume = options.resuming or import_results is not None
    results = LockedSink(options.out, resume=resume, retry_failed=options.retry_failed)
    state: State | None = None
    store: Store | None = None
    try:
        state = State(options.out, resume=resume)
        state.forget(results.sink.retried)
        run_of = {"model": settings.model, "prompt": prompt.ref, "prompt_sha256": prompt.sha256,
                  "strategy": chosen.strategy.name}  # fmt: skip
        state.check_run(run_of)
        if options.cache or options.log:
            store = open_store()
        replay = Replayer(settings, prompt, chosen.strategy, real, state, store, options.cache,
                          options.log)  # fmt: skip
        counts = Outcome(total=options.total)
        rounds = _Rounds(options, results.sink, state, replay, counts, progress or (lambda _: None))
        if import_results is not None:
            lines = jsonl_lines(import_results.read_text(encoding="utf-8"))
            settle(state, None, lines, ended="imported", attempts=settings.retry.attempts)
        limits = {"max_requests": max_requests, "max_bytes": max_bytes}
        _send(rounds, settings, via, export_requests, poll_interval, limits)
        counts.rounds = state.next_round() - 1
        return counts
    finally:
        if state is not None:
            state.db.close()
        if store is not None:
            store.close()
        results.close()


def _openai_provider(settings: Settings) -> OpenAIProvider:
    """The real provider the requests are written for: an OpenAI-compatible one."""
    real = build_provider(settings)
    if not isinstance(real, OpenAIProvider):
        raise UsageError(
            f"batch files need an OpenAI-compatible model, not {settings.model}",
            "pass --model openai:<model>",
        )
    return real


def _send(
    rounds: _Rounds,
    settings: Settings,
    via: str | None,
    export_requests: Path | None,
    poll_interval: float,
    limits: dict[str, int],
) -> None:
    """Write one round's requests to ``export_requests`` (``via`` None), or go through the
    Batch API until every article is written; Ctrl-C stops it (the state keeps what was sent)."""
    try:
        if via is None:
            rounds.export(export_requests, **limits)
        else:
            batch_api = BatchAPI(settings, rounds.state, poll_interval=poll_interval)
            batch_api.recover()
            rounds.through(batch_api, **limits)
    except KeyboardInterrupt:
        rounds.counts.interrupted = True


def _check_files(
    via: str | None, export_requests: Path | None, import_results: Path | None
) -> None:
    """The batch-file options make sense together (before anything is read or made)."""
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


def _prompt_of(chosen: Prepared) -> Prompt:
    if chosen.prompt is None:
        raise UsageError(
            f"the {chosen.strategy.name} strategy asks no model, so there is "
            "nothing to put in a batch file",
            "run it without --via",
        )
    return chosen.prompt


@dataclass
class _Rounds:
    """Passes over the inputs: each writes the articles whose replies are all there and queues
    the requests the others still need."""

    options: RunOptions
    sink: Any
    state: State
    replay: Replayer
    counts: Outcome
    report: Progress
    written: set[str] = field(default_factory=set)
    books: Books = field(init=False)

    def __post_init__(self) -> None:
        self.written = set(self.sink.done_ids())
        self.counts.resumed = len(self.written)
        self.books = Books(self.sink, self.counts, self.report, fail_fast=self.options.fail_fast,
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
        try:
            for item in read_items(self.options):
                if counts.stopped_early:
                    break
                action = classify(item, seen, self.written)
                if isinstance(action, dict):
                    self.books.write(action)
                    continue
                if action == RESUMED:
                    continue
                record, needed = self.replay(cast(Article, item))
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
