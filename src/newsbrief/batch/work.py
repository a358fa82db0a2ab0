"""The stream of work every engine reads: inputs checked, items in the shard, each classified.

:class:`RunOptions` is what every engine takes; :func:`prepare` checks it and makes the plan
before any file is made; :func:`read_items` applies the shard and the limit; :func:`classify`
is the one rule for each item (a duplicate id, resumed, unreadable, or to brief).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import api
from ..brief.prompts import Prompt
from ..brief.strategies import Strategy
from ..config import Settings
from ..errors import (
    UsageError,
)
from ..ingest import ARTICLE_SUFFIXES, Item, Unreadable, check_inputs, iter_articles
from .records import duplicate_failure, failure_record
from .sinks import check_out

if TYPE_CHECKING:
    from ..brief.llm import LLM


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


def expected_total(inputs: list[str], limit: int | None) -> int | None:
    """The articles a run is expected to brief, for its progress line: :func:`count_inputs`,
    at most ``limit``; None when that is not cheap to know."""
    total = count_inputs(inputs)
    return min(total, limit) if total is not None and limit is not None else total
