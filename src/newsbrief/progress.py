"""Progress on stderr. :class:`SummarizeProgress`: one ``summarize`` on a terminal, the stage it
is in (cleaning, loading the model, asking the model), then each part's questions answered so far
("summary 1/1, experts 1/1, pledges 3/7"), on one short stderr line. :class:`BatchProgress`: a
``batch``, as a bar on a terminal or a plain line every few seconds, then its summary table and
the hints that say how to finish or redo it.

It is fed by :func:`newsbrief.api.summarize`'s ``observe`` events: ``{"stage": ...}``, each part's
``{"part", "done", "total"}`` (told by the strategy, :data:`newsbrief.brief.strategies.Progress`),
and each question's run-log record (which says whether it failed). The CLI shows it only when stderr
is a terminal and ``-q`` is not given, so pipes and scripts see nothing.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import render
from .brief import fields
from .config import progress_every
from .errors import mask_secrets
from .outside import printable
from .terminal import rerun, say

if TYPE_CHECKING:
    from rich.console import Console
    from rich.status import Status


class SummarizeProgress:
    """Call it with events; use it as a context manager around the run. ``live``: draw the
    line (a terminal without ``-q``); ``verbose`` (``-v``): also print one line per question
    answered, terminal or not."""

    def __init__(self, console: Console, *, live: bool = True, verbose: bool = False) -> None:
        self.console = console
        self.live = live
        self.verbose = verbose
        self.stage = "reading"
        self.parts: dict[str, tuple[int, int]] = {}  # part -> (done, total)
        self.failed = 0
        self.started = time.monotonic()
        self.status: Status | None = None

    def __call__(self, event: dict[str, Any]) -> None:
        if "stage" in event:
            self.stage = str(event["stage"])
        elif "part" in event:
            self.parts[str(event["part"])] = (int(event["done"]), int(event["total"]))
        elif event.get("task"):  # a question's run-log record
            self.failed += bool(event.get("error"))
            if self.verbose:
                self.console.print(asked_line(event), markup=False, highlight=False, soft_wrap=True)
        if self.status is not None:
            self.status.update(self.line())

    def line(self) -> str:
        """At most about 70 characters: the stage, or each part's questions answered of those
        it asks; failed questions; elapsed time."""
        seconds = int(time.monotonic() - self.started)
        parts = [f"{fields.short(p)} {done}/{total}" for p, (done, total) in self.parts.items()]
        head = ", ".join(parts) if parts else self.stage
        failed = f" · {self.failed} failed" if self.failed else ""
        return f"{head}{failed} · {seconds // 60}m{seconds % 60:02d}s"

    def __enter__(self) -> SummarizeProgress:
        if self.live:
            self.status = self.console.status(self.line())
            self.status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.__exit__(None, None, None)
            self.status = None


def asked_line(record: dict[str, Any]) -> str:
    """One question of the run log in a line: part, tokens, time, tries, and any error."""
    usage = record.get("usage") or {}
    tries = record.get("attempts") or 0
    line = (f"asked {fields.short(record['task'])}: "
            f"{usage.get('prompt_tokens', 0)}+{usage.get('completion_tokens', 0)} tokens, "
            f"{record.get('latency_ms') or 0} ms")  # fmt: skip
    line += f", {tries} tries" if tries > 1 else ""
    return line + (f"; failed: {record['error']}" if record.get("error") else "")


class BatchProgress:
    """A rich progress bar on a terminal; a plain line every few seconds otherwise. Its
    :meth:`update` is the batch engines' progress callback."""

    def __init__(self, *, quiet: bool, verbose: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.named = 0  # failed articles named so far (-v)
        self.console = render.console(stderr=True)
        self.live = not quiet and self.console.is_terminal
        self.every = progress_every()
        self.last = 0.0
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> BatchProgress:
        if self.live:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("[bold]batch"),
                BarColumn(bar_width=16),
                MofNCompleteColumn(),
                TextColumn("{task.fields[line]}"),
                TimeRemainingColumn(),
                console=self.console,
            )
            self.bar.__enter__()
            self.task = self.bar.add_task("batch", total=None, line="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    @staticmethod
    def line(counts: Any) -> str:
        """The live line beside the bar: short, so bar, count and ETA fit 80 columns."""
        return f"{counts.done} ok · {counts.failed} failed · {counts.rate:.2f}/s"

    @staticmethod
    def plain(counts: Any, width: int = 80) -> str:
        """The line written every few seconds when stderr is no terminal: counts, rate and ETA
        always; cached, resumed and tokens while the line stays within ``width``."""
        finished = counts.done + counts.failed + counts.resumed
        of = f"/{counts.total}" if counts.total else ""
        eta = ""
        if counts.total and counts.rate > 0:
            left = max(counts.total - finished, 0) / counts.rate
            eta = f", ETA {int(left // 60)}m{int(left % 60):02d}s"
        line = f"batch {finished}{of}: {counts.done} ok, {counts.failed} failed"
        tail = f", {counts.rate:.2f}/s{eta}"
        extra = [f"{counts.cached} cached"]
        if counts.resumed:
            extra.append(f"{counts.resumed} resumed")
        extra.append(f"{counts.tokens:,} tokens")
        for part in extra:
            if len(line) + len(part) + 2 + len(tail) <= width:
                line += f", {part}"
        return line + tail

    def update(self, counts: Any) -> None:
        if self.verbose:
            for failed in counts.failed_ids[self.named :]:
                self.console.print(f"failed: {printable(failed)}", markup=False, highlight=False,
                                   soft_wrap=True)  # fmt: skip
            self.named = len(counts.failed_ids)
        if self.quiet:
            return
        finished = counts.done + counts.failed + counts.resumed
        if self.bar is not None:
            self.bar.update(self.task, completed=finished, total=counts.total,
                            line=self.line(counts))  # fmt: skip
            return
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            say(self.plain(counts))

    def summary(self, counts: Any, out: Path) -> None:
        """The table of a finished run on stdout, and the failed ids with how to see why and
        how to redo them."""
        from rich.table import Table

        table = Table("Articles", "Count", title=f"batch → {out}")
        table.add_row("succeeded", str(counts.done))
        table.add_row("  of which cached", str(counts.cached))
        table.add_row("failed", str(counts.failed))
        for kind, number in sorted(counts.failures.items()):
            table.add_row(f"  {kind}", str(number))
        table.add_row("already done (resume)", str(counts.resumed))
        table.add_row("tokens", f"{counts.tokens:,}")
        table.add_row("time", f"{counts.elapsed:.1f} s ({counts.rate:.2f} articles/s)")
        console = render.console(soft_wrap=False)
        console.print(table)
        if counts.failed_ids:
            shown = ", ".join(printable(failed) for failed in counts.failed_ids[:10])
            more = len(counts.failed_ids) - 10
            console.print(f"failed: {shown}" + (f" and {more} more" if more > 0 else ""),
                          highlight=False, markup=False)  # fmt: skip
            for line in (f"why: {failed_query(out)}",
                         f"redo them: {rerun('--retry-failed', drop=('--resume',))}"):  # fmt: skip
                console.print(mask_secrets(line), highlight=False, markup=False, soft_wrap=True)

    def finish(self, counts: Any, out: Path) -> bool:
        """After the run: the summary (unless quiet), then on stderr what still waits for
        replies, why the run stopped, or that it was interrupted, each with how to finish it.
        True when it was interrupted (and not stopped): the caller must leave at once, for the
        threads still in flight must not hold the exit (resume redoes their articles)."""
        if not self.quiet:
            self.summary(counts, out)
        if getattr(counts, "waiting", 0):  # batch files: articles whose requests are still out
            where = f"in {counts.exported}" if counts.exported else "in live batches"
            say(
                f"{counts.waiting} articles wait for replies {where}; when they are answered, "
                "run again with --import-results or --resume"
            )
        stopped = counts.breaker or counts.storage
        if stopped is not None:
            fix = "fix the endpoint" if counts.breaker else "free some space (or fix the folder)"
            say(
                f"error: stopped: {stopped}; {counts.held_back} articles were not written; "
                f"{fix}, then finish with: {rerun('--resume')}"
            )
            return False
        if counts.interrupted:
            say(
                f"interrupted: {counts.done + counts.failed} articles written this run; "
                f"finish with: {rerun('--resume')}"
            )
        return bool(counts.interrupted)


def failed_query(out: Path) -> str:
    """A shell command that lists the failed records of a results file, with why they failed."""
    if out.suffix.lower() in (".sqlite", ".sqlite3", ".db"):
        return (f"sqlite3 {out} \"SELECT id, json_extract(record, '$.error.message') FROM "
                "results WHERE status = 'failed'\"")  # fmt: skip
    return f"jq -c 'select(.status == \"failed\") | [.id, .error.message]' {out}"
