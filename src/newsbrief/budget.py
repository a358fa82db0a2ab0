"""Time budgets for the local work on one article: cleaning, parsing, finding claims, grounding.

A budget is opened with :func:`time_budget` (seconds, and what to tell the user when it runs
out) and its clock starts at the first :func:`started` block inside it: a batch worker opens
the article's budget around all of an article's stages, cleaning opens its own (narrower) one
inside. Budgets nest; the nearest deadline rules, and the error names the budget that ran out.
The stages look at the clock between steps (:func:`check`, or :func:`tick` in tight loops), so
a pathological article stops with :class:`~newsbrief.errors.TimeBudgetError` instead of holding
a worker. Waiting for a model is not local work: :func:`paused` stops every clock around a
model call.

State is per thread (each batch worker has its own article). Standard library only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .errors import TimeBudgetError

CHECK_EVERY = 2048  # ticks (lines, words, sentences) between two looks at the clock


@dataclass
class _Budget:
    seconds: float
    clock: Callable[[], float]
    what: str  # "cleaning the article": what took too long
    setting: str  # how to raise it, for the hint
    deadline: float | None = None  # set when its clock starts


class _State(threading.local):
    def __init__(self) -> None:
        self.budgets: list[_Budget] = []
        self.ticks = 0


_STATE = _State()


def _monotonic() -> float:
    return time.monotonic()


@contextmanager
def time_budget(
    seconds: float | None,
    clock: Callable[[], float] | None = None,
    *,
    what: str = "cleaning the article",
    setting: str = "NEWSBRIEF_CLEAN_BUDGET (clean_budget in config.toml)",
) -> Iterator[None]:
    """Inside this block the work of :func:`started` blocks in this thread must finish within
    ``seconds`` of the first one starting (``None``: no limit of its own), or raise
    :class:`~newsbrief.errors.TimeBudgetError`. ``clock`` defaults to the monotonic clock."""
    if seconds is None:
        yield
        return
    budgets = _STATE.budgets
    budgets.append(_Budget(seconds, clock or _monotonic, what, setting))
    try:
        yield
    finally:
        budgets.pop()


@contextmanager
def started() -> Iterator[None]:
    """Start the clock of every open budget that has not started yet (an outer block's clock
    keeps running for the blocks inside it)."""
    fresh = [b for b in _STATE.budgets if b.deadline is None]
    for budget in fresh:
        budget.deadline = budget.clock() + budget.seconds
    _STATE.ticks = 0
    try:
        yield
    finally:
        for budget in fresh:
            budget.deadline = None


def check() -> None:
    """Raise :class:`~newsbrief.errors.TimeBudgetError` if a running budget is spent."""
    for budget in reversed(_STATE.budgets):
        if budget.deadline is not None and budget.clock() > budget.deadline:
            raise TimeBudgetError(
                f"{budget.what} took over its time budget of {budget.seconds:g} s",
                f"it is pathological (check it with `newsbrief clean`), or raise {budget.setting}",
            )


def tick() -> None:
    """One step of a loop; every :data:`CHECK_EVERY` steps the clocks are checked."""
    state = _STATE
    if not state.budgets:
        return
    state.ticks += 1
    if state.ticks >= CHECK_EVERY:
        state.ticks = 0
        check()


@contextmanager
def paused() -> Iterator[None]:
    """The time spent inside this block (waiting for a model) is not counted."""
    running = [b for b in _STATE.budgets if b.deadline is not None]
    if not running:
        yield
        return
    began = [b.clock() for b in running]
    try:
        yield
    finally:
        for budget, then in zip(running, began, strict=True):
            if budget.deadline is not None:
                budget.deadline += budget.clock() - then
