"""Progress of one ``summarize`` on a terminal: the stage it is in (cleaning, loading the model,
asking the model), then each part's questions answered so far ("summary 1/1, experts 1/1,
pledges 3/7"), on one short stderr line.

It is fed by :func:`newsbrief.api.summarize`'s ``observe`` events: ``{"stage": ...}``, each part's
``{"part", "done", "total"}`` (told by the strategy, :data:`newsbrief.brief.strategies.Progress`),
and each question's run-log record (which says whether it failed). The CLI shows it only when stderr
is a terminal and ``-q`` is not given, so pipes and scripts see nothing.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.status import Status

NAMES = {"quoted_experts": "experts"}


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
        parts = [f"{NAMES.get(p, p)} {done}/{total}" for p, (done, total) in self.parts.items()]
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
    line = (f"asked {NAMES.get(record['task'], record['task'])}: "
            f"{usage.get('prompt_tokens', 0)}+{usage.get('completion_tokens', 0)} tokens, "
            f"{record.get('latency_ms') or 0} ms")  # fmt: skip
    line += f", {tries} tries" if tries > 1 else ""
    return line + (f"; failed: {record['error']}" if record.get("error") else "")
