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
from pathlib import Path
from typing import Any

from .. import api
from ..batch import (
    Batch,
    Books,
    Counts,
    LockedSink,
    Progress,
    check_not_empty,
    check_out,
    duplicate_failure,
    failure_record,
    in_shard,
    is_duplicate,
    selected_items,
)
from ..config import Settings, resolve_settings
from ..errors import UsageError
from ..ingest import Article, Unreadable, check_inputs, iter_articles
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
    inputs: list[str],
    part: tuple[int, int],
    shard: tuple[int, int] | None,
    limit: int | None,
    done: frozenset[str],
    fields: tuple[str, str],
    size: int,
) -> Iterator[Any]:
    """One read task: the articles of ``part`` as pandas blocks. Articles already written are
    rows with record "resumed"; unreadable and duplicate ones carry their failure record."""
    import pandas as pd

    block: list[dict[str, str]] = []
    seen: dict[str, str] = {}
    items = iter_articles(inputs, text_field=fields[0], id_field=fields[1])
    for item in selected_items(items, shard, limit):
        if not in_shard(item.id, part):
            continue
        row = dict.fromkeys(COLUMNS, "")
        row.update(id=item.id, source=item.source)
        if item.id in seen:
            row["record"] = json.dumps(duplicate_failure(item.id, item.source, seen[item.id]))
        elif item.id in done:
            row["record"] = "resumed"
        elif isinstance(item, Unreadable):
            row["record"] = json.dumps(failure_record(item.id, item.source, item.error, "input"))
        else:
            row.update(
                raw=item.raw,
                content_type=item.content_type,
                data_sha256=item.data_sha256,
                final_url=item.final_url,
            )
        seen.setdefault(item.id, item.source)
        block.append(row)
        if len(block) >= size:
            yield pd.DataFrame(block, columns=COLUMNS)
            block = []
    if block:
        yield pd.DataFrame(block, columns=COLUMNS)


def _datasource(
    inputs: list[str],
    shard: tuple[int, int] | None,
    limit: int | None,
    done: frozenset[str],
    fields: tuple[str, str],
    block: int,
) -> Any:
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
            parts = 1 if limit is not None else max(1, min(parallelism, 8))
            tasks = []
            for index in range(1, parts + 1):
                part = (index, parts)

                def read(part: tuple[int, int] = part) -> Iterable[Any]:
                    return _rows(inputs, part, shard, limit, done, fields, block)

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
    progress: Progress | None = None,
    total: int | None = None,
    strategy: str | None = None,
    address: str | None = None,
    actors: int | None = None,
    block: int | None = None,
    retry_failed: bool = False,
    **_ignored: Any,
) -> Counts:
    """Brief ``inputs`` into ``out`` on a Ray cluster (``address``; None starts a local one).

    ``actors``: how many (default: one per CPU of the cluster, at most ``concurrency``); a
    remote model's actor briefs ``concurrency / actors`` articles at a time, the local model's
    one. Returns the run's :class:`~newsbrief.batch.Counts`, as :func:`newsbrief.batch.run`;
    ``retry_failed`` resumes and redoes the articles whose records say they failed.
    """
    if concurrency < 1:
        raise UsageError(f"--concurrency {concurrency}", "use 1 or more")
    check_out(out)
    check_inputs(inputs)
    check_not_empty(inputs, text_field=text_field, id_field=id_field)
    resume = resume or retry_failed
    settings = resolve_settings(model=model, base_url=base_url, mode=mode, timeout=timeout)
    chosen = api.plan(prompt, strategy, settings)
    if chosen.prompt is None:
        cache = log = False
    if cache or log:
        open_store().close()  # create and migrate the store once, before the actors
    ray = _ray()
    # Ray's own INFO and WARNING lines would bury the progress line; errors still show.
    logging.getLogger("ray").setLevel(logging.ERROR)
    started = not ray.is_initialized()  # then this run ends the connection (or local cluster)
    if started:
        short_temp_dir()
        try:
            ray.init(
                address=address,
                logging_level=logging.ERROR,
                log_to_driver=False,
                include_dashboard=False,
            )
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
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    local = chosen.prompt is not None and settings.model.split(":", 1)[0] == "local"
    pool = actors or min(cpus, concurrency)
    threads = max(1, -(-concurrency // pool))
    # An actor's block is what it briefs at once: results stream back to the driver (and are
    # written) a block at a time.
    block = block or threads
    results = LockedSink(out, resume=resume, retry_failed=retry_failed)
    sink = results.sink
    counts = Counts(total=total)
    report = progress or (lambda _: None)
    written = set(sink.done_ids())
    env = {k: v for k, v in os.environ.items() if k.startswith(("NEWSBRIEF_", "OPENAI_"))}
    try:
        fields = (text_field, id_field)
        source = _datasource(inputs, shard, limit, frozenset(written), fields, block)
        briefer = _actor(
            settings=settings,
            prompt=chosen.prompt.ref if chosen.prompt else None,
            strategy=chosen.strategy.name,
            cache=cache,
            log=log,
            threads=threads,
            env=env,
        )
        dataset = _read(ray, source).map_batches(
            briefer,
            batch_format="pandas",
            batch_size=block,
            compute=ray.data.ActorPoolStrategy(size=pool),
            num_cpus=1 if local else min(1.0, cpus / pool),
        )

        books = Books(sink, counts, report, fail_fast=fail_fast,
                      breaker=settings.circuit_breaker, written=written)  # fmt: skip
        try:
            for row in dataset.iter_rows():
                if row["record"] == "resumed":
                    counts.resumed += 1
                    report(counts)
                    continue
                record = json.loads(row["record"])
                if record["id"] in written and not is_duplicate(record):
                    continue  # a block computed again after a failure
                books.record(record)  # the circuit breaker and --fail-fast, as for threads
                if books.stopped:
                    break
            else:
                books.flush()
        except KeyboardInterrupt:
            counts.interrupted = True
    finally:
        results.close()
        if started:
            ray.shutdown()
    report(counts)
    return counts
