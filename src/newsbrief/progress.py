"""Progress of one ``summarize`` on a terminal: the stage it is in (cleaning, loading the model,
asking the model) and the questions answered so far per part, on one short stderr line.

It is fed by :func:`newsbrief.api.summarize`'s ``observe`` events: ``{"stage": ...}``, and each
question's run-log record (which names its ``task``). The CLI shows it only when stderr is a
terminal and ``-q`` is not given, so pipes and scripts see nothing.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.status import Status

NAMES = {"quoted_experts": "experts"}


class SummarizeProgress:
    """Call it with events; use it as a context manager around the run."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.stage = "reading"
        self.asked: dict[str, int] = {}
        self.failed = 0
        self.started = time.monotonic()
        self.status: Status | None = None

    def __call__(self, event: dict[str, Any]) -> None:
        if "stage" in event:
            self.stage = str(event["stage"])
        elif event.get("task"):
            task = str(event["task"])
            self.asked[task] = self.asked.get(task, 0) + 1
            self.failed += bool(event.get("error"))
        if self.status is not None:
            self.status.update(self.line())

    def line(self) -> str:
        """At most about 70 characters: stage, answers per part, failures, elapsed time."""
        seconds = int(time.monotonic() - self.started)
        parts = [f"{NAMES.get(task, task)} {count}" for task, count in self.asked.items()]
        head = f"asked: {', '.join(parts)}" if parts else self.stage
        failed = f" · {self.failed} failed" if self.failed else ""
        return f"{head}{failed} · {seconds // 60}m{seconds % 60:02d}s"

    def __enter__(self) -> SummarizeProgress:
        self.status = self.console.status(self.line())
        self.status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.__exit__(None, None, None)
            self.status = None
