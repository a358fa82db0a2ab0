"""Choosing a batch engine, and running a batch on it.

The engines themselves: the thread engine (:func:`newsbrief.batch.run_threads`), Ray
(:mod:`newsbrief.engines.ray_engine`) and provider batch files (:mod:`newsbrief.batchfiles`).
Each takes a :class:`~newsbrief.batch.RunOptions`; :class:`Engine` says which one runs and binds
its own options, :class:`Learning` says how site boilerplate is learned (threads only), and
:func:`run` puts them together. The engines are imported only when chosen: Ray and the Batch API
client load nothing for a thread run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..batch import Counts, Progress, RunOptions, run_threads
from ..errors import UsageError


@dataclass(frozen=True)
class Engine:
    """``--engine`` (threads or ray, with Ray's ``--address``) and ``--via`` (live, or
    provider batch files, sent or exported and imported)."""

    name: str = "threads"
    address: str | None = None
    via: str = "live"
    export_requests: Path | None = None
    import_results: Path | None = None
    poll_interval: float = 30.0

    @property
    def batch_files(self) -> bool:
        return self.via != "live" or bool(self.export_requests or self.import_results)

    def runner(self) -> Callable[..., Counts]:
        """The run function: each takes a RunOptions, the progress callback, and its own
        options (bound here). A wrong engine or an engine that cannot go with ``--via`` is a
        usage error."""
        if self.batch_files:
            if self.name != "threads":
                raise UsageError(f"--engine {self.name} sends live requests",
                                 "drop --engine or --via")  # fmt: skip
            from .. import batchfiles

            return functools.partial(
                batchfiles.run, via=None if self.via == "live" else self.via,
                export_requests=self.export_requests, import_results=self.import_results,
                poll_interval=self.poll_interval,
            )  # fmt: skip
        if self.name == "ray":
            from . import ray_engine

            return functools.partial(ray_engine.run, address=self.address)
        if self.name != "threads":
            raise UsageError(f"unknown --engine {self.name!r}", "choose threads or ray")
        return run_threads


@dataclass(frozen=True)
class Learning:
    """Site boilerplate: ``learn_first`` reads every input before the run to learn the lines
    each site repeats; ``load`` starts from lines learned before; ``save`` writes what was
    learned. Any of them alone learns as the run goes."""

    learn_first: bool = False
    load: Path | None = None
    save: Path | None = None

    @property
    def wanted(self) -> bool:
        return self.learn_first or self.load is not None or self.save is not None

    def engine_options(self, runner: Callable[..., Counts]) -> dict[str, Any]:
        """The thread engine's boilerplate options; checked before anything runs."""
        if not self.wanted:
            return {}
        if runner is not run_threads:
            raise UsageError(
                "boilerplate learning works with live requests on the threads engine",
                "drop --engine/--via, or the boilerplate options",
            )
        from ..clean.boilerplate import Boilerplate

        if self.save is not None and not self.save.parent.is_dir():
            raise UsageError(f"--save-boilerplate {self.save}: no such folder",
                             "create the folder first")  # fmt: skip
        learned = Boilerplate.load(self.load) if self.load else Boilerplate()
        return {"boilerplate": learned, "learn_first": self.learn_first}


def prepare_run(
    options: RunOptions, engine: Engine | None = None, learning: Learning | None = None
) -> Callable[[Progress | None], Counts]:
    """The run of ``options`` on ``engine`` (default: threads), checked before anything is
    read or made: call it with the progress callback. With ``learning``, it learns site
    boilerplate (and saves it when asked, after the run)."""
    learning = learning or Learning()
    runner = (engine or Engine()).runner()
    extra = learning.engine_options(runner)

    def run_it(progress: Progress | None = None) -> Counts:
        counts = runner(options, progress=progress, **extra)
        if learning.save is not None:
            extra["boilerplate"].save(learning.save)
        return counts

    return run_it


def run(
    options: RunOptions,
    engine: Engine | None = None,
    learning: Learning | None = None,
    *,
    progress: Progress | None = None,
) -> Counts:
    """Brief ``options.inputs`` into ``options.out`` on ``engine`` (see :func:`prepare_run`)."""
    return prepare_run(options, engine, learning)(progress)
