"""Strategies, each one module of this package that declares itself, found by looking.

A strategy module holds ``SPEC = StrategySpec(...)`` (its name, version, default prompt and the
task scopes it accepts; :mod:`newsbrief.base` reads it from the source for the fast path) and
``STRATEGY``, the object that makes briefs. Built in: ``focused`` (many small grammar-bound
questions, for the embedded 135M model), ``whole`` (the article and one question per part or
per Brief, for capable models) and ``floor`` (no model: the yardstick). :func:`register` adds
another at run time; :func:`get_strategy` finds one by name, with an error that lists the
choices.
"""

from __future__ import annotations

import importlib
import pkgutil

from ... import base
from ...errors import UsageError
from .common import LogSink, Outcome, Progress, Run, Strategy

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


def _discover() -> None:
    """Register every module of this package that declares a ``SPEC``: the default strategy
    first, then the others that read a prompt, then those that read none (focused, whole,
    floor), so the choices are listed in that order."""
    specs = base.strategy_specs()
    modules = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        spec = getattr(module, "SPEC", None)
        if spec is not None:
            if specs.get(spec.name) != spec:
                raise RuntimeError(f"{module.__name__}.SPEC is not what its source declares")
            modules[spec.name] = module

    def rank(name: str) -> tuple[bool, bool, str]:
        return (name != base.UNDECLARED_STRATEGY, specs[name].default_prompt is None, name)

    for name in sorted(modules, key=rank):
        register(modules[name].STRATEGY)


_discover()
