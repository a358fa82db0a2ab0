"""The console entry point, with a fast path for an already cached ``summarize``.

Importing the full CLI (typer, pydantic, jinja2, the cleaner's word lists) costs about half a
second before the cache is even consulted. A cached brief needs none of it: this module, which
imports only the standard library and newsbrief's light modules (:mod:`newsbrief.base`,
:mod:`newsbrief.store`, :mod:`newsbrief.render`), recognizes a plain
``newsbrief summarize FILE [options]``, asks the store for the ``fastpath`` row of its key and
prints the stored brief. Anything it does not recognize, and every miss, falls through to the
full CLI, which checks everything and records the ``fastpath`` row for next time.

A ``fastpath`` row maps a *fast key* (:func:`newsbrief.base.fast_key`) to the result cache key.
The fast key covers what the full path would use to build that cache key, in a form that needs
no heavy import: the source as given and the sha256 of its bytes (the cleaned text follows from
them and the cleaner), the model with its endpoint and mode, the prompt folder's sha256, the
strategy and its version, and fingerprints of the code. Settings precedence, prompt lookup and
the keys live in :mod:`newsbrief.base`, so both paths use the same code.

Nothing in newsbrief imports this module: it is the top of the import graph.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from . import base, render, store
from .errors import closed_pipe

_VALUE_OPTIONS = {
    "--model": "model",
    "-m": "model",
    "--prompt": "prompt",
    "-p": "prompt",
    "--format": "format",
    "-f": "format",
    "--base-url": "base_url",
    "--mode": "mode",
    "--timeout": "timeout",
    "--strategy": "strategy",
}


def parse_summarize(args: Sequence[str]) -> dict[str, str] | None:
    """Options of a plain ``summarize FILE ...`` call, or None when the fast path must not try."""
    if not args or args[0] != "summarize":
        return None
    found: dict[str, str] = {}
    rest = list(args[1:])
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if name in _VALUE_OPTIONS:
            if not eq:
                if not rest:
                    return None
                value = rest.pop(0)
            found[_VALUE_OPTIONS[name]] = value
        elif arg in ("--no-log", "-q", "--quiet"):
            continue  # a cached brief prints no progress anyway
        elif arg.startswith("-") or "source" in found:
            return None  # --help, --no-cache, stdin, an unknown flag, two sources: the full CLI
        else:
            found["source"] = arg
    if "source" not in found or found.get("format", "pretty") not in render.FORMATS:
        return None
    if "timeout" in found:
        try:
            if float(found["timeout"]) < 1:
                return None
        except ValueError:
            return None
    return found


def _file_config() -> dict[str, Any] | None:
    """config.toml as a dict, or None when it has anything the full path should look at."""
    try:
        data = base.read_config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if not set(data) <= base.FILE_KEYS:
        return None
    if any(not isinstance(data.get(k, ""), str) for k in ("model", "base_url", "mode", "strategy")):
        return None
    return data


def _prompt_dir(ref: str) -> Path | None:
    match = base.PROMPT_REF.match(ref.strip())
    if match is None:
        return None
    version = match.group("version")
    return base.find_prompt_dir(match.group("id"), int(version) if version else None)


def lookup(options: dict[str, str], started: float) -> dict[str, Any] | None:
    """The ``summarize --format json`` object for a cached run of ``options``, or None."""
    source = options["source"]
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
        return None
    file = _file_config()
    path = Path(source)
    if file is None or not path.is_file():
        return None
    configured = base.configured_strategy(file)
    if configured is not None and configured not in base.default_prompts():
        return None  # the floor, or an unknown name the full CLI rejects even when unused
    model, base_url, mode = base.pick_model(options, file)
    given = _prompt_dir(options["prompt"]) if "prompt" in options else None
    if "prompt" in options and given is None:
        return None
    declared = base.declared_strategy(given) if given is not None else None
    strategy = base.pick_strategy(
        options.get("strategy"), declared, base.configured_strategy(file), model,
        base.model_given(options, file),
    )  # fmt: skip
    if strategy not in base.default_prompts():
        return None  # the floor (never cached), or an unknown name the full CLI reports
    directory = given or _prompt_dir(base.default_prompts()[strategy])
    if directory is None or base.declared_strategy(directory) != strategy:
        return None  # a prompt written for another strategy: the full CLI says so
    identity = base.model_identity(model, base_url, mode)
    data_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    key = base.fast_key(str(path), data_sha, identity, base.hash_dir(directory), strategy)
    found = store.fastpath_lookup(key)
    if found is None:
        return None
    article, stored = found
    return {
        "article": article,
        "brief": stored["brief"],
        "meta": base.cached_meta(stored["meta"], started, stored.get("created")),
    }


def try_fast(args: Sequence[str]) -> bool:
    """Serve a cached ``summarize``; False (having printed nothing) when the full CLI must run."""
    started = time.perf_counter()
    options = parse_summarize(args)
    if options is None:
        return False
    try:
        result = lookup(options, started)
    except Exception:  # the fast path never fails a run: the full CLI will say what is wrong
        return False
    if result is None:
        return False
    render.emit(result, options.get("format", "pretty"))
    return True


def main(argv: Iterable[str] | None = None) -> None:
    """Console-script entry point: the fast path, else the full CLI."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        served = try_fast(args)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`... | head`): quiet, as the full CLI
        sys.exit(closed_pipe())
    if served:
        sys.exit(0)
    from .cli import main as cli_main

    cli_main()
