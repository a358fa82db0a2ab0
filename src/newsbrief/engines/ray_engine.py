"""``newsbrief batch --engine ray``: the same batch run on a Ray cluster (``newsbrief[ray]``).

Articles flow through Ray Data: a datasource reads the inputs in ``parts`` read tasks (each
takes the ids that hash into its part, as ``--shard`` does, so nothing is read into the driver),
and ``map_batches`` hands blocks of them to a pool of actors. Each actor holds one
:class:`newsbrief.batch.Batch`, so it builds its model once (the embedded model loaded once per
actor; one client per thread for a remote model) and briefs a block with up to ``threads``
articles at a time. Actors are restarted and their tasks retried when a worker dies: a killed
actor costs a retry, not an article.

Only the driver writes the results file, a record at a time as each comes back, through the
same sinks and lock as the threads engine; an id already written (by an earlier run, or a
block that Ray computed twice after a failure) is never written again. So ``--resume`` after the
driver was killed works as it does for the threads engine, and the exit codes are the same.
The inputs must be readable at the same paths on every node (a shared folder, or URLs).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from .. import api
from ..batch import (
    RESUMED,
    Batch,
    Books,
    Counts,
    LockedSink,
    Progress,
    RunOptions,
    classify,
    in_shard,
    is_duplicate,
    prepare,
    read_items,
)
from ..config import Settings
from ..errors import UsageError
from ..ingest import Article
from ..store import open_store

COLUMNS = ("id", "source", "raw", "content_type", "data_sha256", "final_url", "record")


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise UsageError(
            "--engine ray needs Ray, which is not installed",
            "pip install 'newsbrief[ray]' (or run without --engine ray)",
        ) from exc
    return ray


def _rows(
    options: RunOptions, part: tuple[int, int], done: frozenset[str], size: int
) -> Iterator[Any]:
    """One read task: the articles of ``part`` as pandas blocks, each classified by the rule
    every engine applies (:func:`newsbrief.batch.classify`): articles already written are rows
    with record "resumed"; unreadable and duplicate ones carry their failure record."""
    import pandas as pd

    block: list[dict[str, str]] = []
    seen: dict[str, str] = {}
    written = set(done)
    for item in read_items(options):
        if not in_shard(item.id, part):
            continue
        row = dict.fromkeys(COLUMNS, "")
        row.update(id=item.id, source=item.source)
        action = classify(item, seen, written)
        if isinstance(action, dict):
            row["record"] = json.dumps(action)
        elif action == RESUMED:
            row["record"] = RESUMED
        else:
            article = cast(Article, item)
            row.update(raw=article.raw, content_type=article.content_type,
                       data_sha256=article.data_sha256, final_url=article.final_url)  # fmt: skip
        block.append(row)
        if len(block) >= size:
            yield pd.DataFrame(block, columns=COLUMNS)
            block = []
    if block:
        yield pd.DataFrame(block, columns=COLUMNS)


def _datasource(options: RunOptions, done: frozenset[str], block: int) -> Any:
    from ray.data.block import BlockMetadata
    from ray.data.datasource import Datasource, ReadTask

    class Inputs(Datasource):
        def estimate_inmemory_data_size(self) -> int | None:
            return None

        def get_read_tasks(
            self,
            parallelism: int,
            per_task_row_limit: int | None = None,
            data_context: Any = None,
        ) -> list[ReadTask]:
            # --limit takes the first N articles of the inputs: one reader keeps that order.
            parts = 1 if options.limit is not None else max(1, min(parallelism, 8))
            tasks = []
            for index in range(1, parts + 1):
                part = (index, parts)

                def read(part: tuple[int, int] = part) -> Iterable[Any]:
                    return _rows(options, part, done, block)

                meta = BlockMetadata(
                    num_rows=None, size_bytes=None, exec_stats=None, input_files=None
                )
                tasks.append(ReadTask(read, meta))
            return tasks

    return Inputs()


def _read(ray: Any, source: Any) -> Any:
    """The dataset of ``source``; its read tasks take no CPU from the actors (they wait on
    files, and a cluster whose CPUs all hold actors must still read)."""
    import inspect

    if "num_cpus" in inspect.signature(ray.data.read_datasource).parameters:
        return ray.data.read_datasource(source, num_cpus=0)
    return ray.data.read_datasource(source, ray_remote_args={"num_cpus": 0})  # Ray < 2.50


class _Briefer:
    """A Ray Data actor: one :class:`Batch` (one model), briefing blocks of articles."""

    def __init__(
        self,
        settings: Settings,
        prompt: str | None,
        strategy: str,
        cache: bool,
        log: bool,
        threads: int,
        env: dict[str, str],
    ) -> None:
        # The driver's newsbrief settings (home folder, keys): set here, not as a runtime_env,
        # which would make Ray start a fresh worker pool for every run.
        os.environ.update(env)
        chosen = api.plan(prompt, strategy, settings)
        self.batch = Batch(chosen.prompt, settings, chosen.strategy, cache=cache, log=log)
        self.pool = ThreadPoolExecutor(max_workers=1 if self.batch.serial else threads)

    def brief(self, row: dict[str, Any]) -> str:
        if row["record"]:
            return str(row["record"])
        article = Article(
            id=row["id"],
            source=row["source"],
            raw=row["raw"],
            content_type=row["content_type"],
            data_sha256=row["data_sha256"],
            final_url=row["final_url"],
        )
        return json.dumps(self.batch.process(article), ensure_ascii=False)

    def __call__(self, block: Any) -> Any:
        import pandas as pd

        rows = block.to_dict("records")
        records = list(self.pool.map(self.brief, rows))
        return pd.DataFrame({"id": [r["id"] for r in rows], "record": records})


def short_temp_dir() -> None:
    """Point Ray's session folder at /tmp when the temporary folder's path is long: Ray puts
    Unix sockets there, whose paths may not pass 107 bytes (a pytest TMPDIR is too long)."""
    import tempfile

    if "RAY_TMPDIR" not in os.environ and len(tempfile.gettempdir()) > 40:
        os.environ["RAY_TMPDIR"] = "/tmp"


def _actor(**options: Any) -> type:
    """The actor class with its options built in: Ray pickles them with the class, instead of
    keeping constructor arguments in the object store (which an actor restart may lose)."""

    class Briefer(_Briefer):
        def __init__(self) -> None:
            super().__init__(**options)

    return Briefer


def run(
    options: RunOptions,
    *,
    progress: Progress | None = None,
    address: str | None = None,
    actors: int | None = None,
    block: int | None = None,
) -> Counts:
    """Brief ``options.inputs`` into ``options.out`` on a Ray cluster (``address``; None
    starts a local one), with the per-article rules of every engine (:mod:`newsbrief.batch`).

    ``actors``: how many (default: one per CPU of the cluster, at most ``concurrency``); a
    remote model's actor briefs ``concurrency / actors`` articles at a time, the local model's
    one; ``block``: the articles an actor briefs at once. Returns the run's
    :class:`~newsbrief.batch.Counts`, as :func:`newsbrief.batch.run`.
    """
    chosen = prepare(options)
    settings = chosen.settings
    asks = chosen.prompt is not None  # no model (the floor): nothing to cache or log
    if asks and (options.cache or options.log):
        open_store().close()  # create and migrate the store once, before the actors
    ray = _ray()
    started = _connect(ray, address)  # then this run ends the connection (or local cluster)
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    local = asks and settings.model.split(":", 1)[0] == "local"
    pool = actors or min(cpus, options.concurrency)
    threads = max(1, -(-options.concurrency // pool))
    # An actor's block is what it briefs at once: results stream back to the driver (and are
    # written) a block at a time.
    block = block or threads
    results = LockedSink(options.out, resume=options.resuming, retry_failed=options.retry_failed)
    counts = Counts(total=options.total)
    report = progress or (lambda _: None)
    written = set(results.sink.done_ids())
    env = {k: v for k, v in os.environ.items() if k.startswith(("NEWSBRIEF_", "OPENAI_"))}
    try:
        briefer = _actor(settings=settings, prompt=chosen.prompt.ref if chosen.prompt else None,
                         strategy=chosen.strategy.name, cache=options.cache and asks,
                         log=options.log and asks, threads=threads, env=env)  # fmt: skip
        dataset = _read(ray, _datasource(options, frozenset(written), block)).map_batches(
            briefer,
            batch_format="pandas",
            batch_size=block,
            compute=ray.data.ActorPoolStrategy(size=pool),
            num_cpus=1 if local else min(1.0, cpus / pool),
        )
        books = Books(results.sink, counts, report, fail_fast=options.fail_fast,
                      breaker=settings.circuit_breaker, written=written)  # fmt: skip
        _drive(dataset, books, written)
    finally:
        results.close()
        if started:
            ray.shutdown()
    report(counts)
    return counts


def _connect(ray: Any, address: str | None) -> bool:
    """Join the cluster at ``address`` (None: start a local one) unless this process is in
    one already; True when this run joined, so it must leave."""
    # Ray's own INFO and WARNING lines would bury the progress line; errors still show.
    logging.getLogger("ray").setLevel(logging.ERROR)
    if ray.is_initialized():
        return False
    short_temp_dir()
    try:
        ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False,
                 include_dashboard=False)  # fmt: skip
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise UsageError(
            f"cannot join the Ray cluster at {address}: {exc}",
            "start it with `ray start --head`, or fix --address",
        ) from exc
    import ray.data

    logging.getLogger("ray.data").setLevel(logging.ERROR)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    return True


def _drive(dataset: Any, books: Books, written: set[str]) -> None:
    """Write the records as the actors' blocks stream back (the circuit breaker and
    --fail-fast, as for threads); Ctrl-C stops taking them."""
    counts = books.counts
    try:
        for row in dataset.iter_rows():
            if row["record"] == RESUMED:
                counts.resumed += 1
                books.report(counts)
                continue
            record = json.loads(row["record"])
            if record["id"] in written and not is_duplicate(record):
                continue  # a block computed again after a failure
            books.record(record)
            if books.stopped:
                break
        else:
            books.flush()
    except KeyboardInterrupt:
        counts.interrupted = True
