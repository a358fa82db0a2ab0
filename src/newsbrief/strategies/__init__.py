"""Strategies, registered and looked up by name.

``focused`` (many small grammar-bound questions, for the embedded 135M model), ``whole`` (the
article and one question per part or per Brief, for capable models) and ``floor`` (no model:
the yardstick). :func:`register` adds another; :func:`get_strategy` finds one by name, with an
error that lists the choices.
"""

from __future__ import annotations

from ..errors import UsageError
from .common import LogSink, Outcome, Progress, Run, Strategy
from .floor import Floor
from .focused import Focused
from .whole import Whole

__all__ = ["LogSink", "Outcome", "Progress", "Run", "Strategy", "get_strategy", "names", "register"]

_REGISTRY: dict[str, Strategy] = {}


def register(strategy: Strategy) -> Strategy:
    """Make ``strategy`` choosable by its name (a later one with the same name replaces it)."""
    _REGISTRY[strategy.name] = strategy
    return strategy


def names() -> list[str]:
    return list(_REGISTRY)


def get_strategy(name: str) -> Strategy:
    """The strategy called ``name``, or a usage error that lists the choices."""
    found = _REGISTRY.get(name.strip().lower())
    if found is None:
        raise UsageError(f"unknown strategy {name!r}", f"choose one of: {', '.join(_REGISTRY)}")
    return found


for _builtin in (Focused(), Whole(), Floor()):
    register(_builtin)
