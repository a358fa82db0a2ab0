"""The thread engine (the default): articles briefed concurrently, written as they finish.

At most ``concurrency`` articles are in flight (the embedded local model, CPU-bound and not
thread-safe, runs one at a time). Results are written by the dispatching thread alone.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..clean.boilerplate import Boilerplate
from ..ingest import Article
from ..store import open_store
from .article import Batch, learn_boilerplate
from .books import Books, Counts, Progress
from .records import is_duplicate
from .sinks import LockedSink
from .work import RESUMED, RunOptions, classify, prepare, read_items

if TYPE_CHECKING:
    from ..brief.llm import LLM


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
