"""The console entry point, with a fast path for an already cached ``summarize``.

Importing the full CLI (typer, pydantic, jinja2, the cleaner's word lists) costs about half a
second before the cache is even consulted. A cached brief needs none of it: this module, which
imports only the standard library and newsbrief's light modules, recognizes a plain
``newsbrief summarize FILE [options]``, looks the file up in the store's ``fastpath`` table and
prints the stored brief. Anything it does not recognize, and every miss, falls through to the
full CLI, which checks everything and records the ``fastpath`` row for next time.

A ``fastpath`` row maps a *fast key* to the result cache key. The fast key covers what the full
path would use to build that cache key, in a form that needs no heavy import: the source as
given and the sha256 of its bytes (the cleaned text follows from them and the cleaner), the
model with its endpoint and mode, the prompt folder's sha256, and a fingerprint of the code
(newsbrief's own source files, and the installed files of the libraries the cleaner and schema
depend on). The settings precedence and prompt-folder lookups live here so that both paths use
the same code.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import re
import sqlite3
import sys
import time
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .render import FORMATS

PACKAGE_DIR = Path(__file__).resolve().parent
# What config.toml may hold (config.FileConfig validates them; a test keeps the two in step).
FILE_KEYS = frozenset(
    {"model", "base_url", "mode", "timeout", "n_ctx", "n_threads", "retry_attempts",
     "retry_initial", "retry_total", "reask_tokens", "clean_budget", "circuit_breaker"}
)  # fmt: skip
# Libraries whose version changes the cleaned text or the schema text.
_FINGERPRINT_LIBS = ("trafilatura", "wordfreq", "ftfy", "pydantic")
PROMPT_REF = re.compile(r"^(?P<id>[a-z][a-z0-9_-]*)(@v?(?P<version>\d+))?$")
DEFAULT_MODEL = "local"
DEFAULT_PROMPT = "brief@2"


# --- shared with the full code -------------------------------------------------------------


def first(*values: Any) -> Any:
    """The first value that is neither None nor empty."""
    return next((v for v in values if v not in (None, "")), None)


def model_identity(model: str, base_url: str | None, mode: str | None) -> str:
    """The model as the cache sees it: name, endpoint and instructor mode."""
    return f"{model}@{base_url or ''}@{mode or ''}"


def pick_model(flags: dict[str, Any], file: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """Model, base URL and mode by precedence: flag > environment > config file > default."""
    env = os.environ
    return (
        first(flags.get("model"), env.get("NEWSBRIEF_MODEL"), file.get("model"), DEFAULT_MODEL),
        first(
            flags.get("base_url"),
            env.get("NEWSBRIEF_BASE_URL"),
            env.get("OPENAI_BASE_URL"),
            file.get("base_url"),
        ),
        first(flags.get("mode"), env.get("NEWSBRIEF_MODE"), file.get("mode")),
    )


def home_dir() -> Path:
    """NEWSBRIEF_HOME, else the platform's user config folder."""
    explicit = os.environ.get("NEWSBRIEF_HOME")
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("newsbrief", appauthor=False))


def config_path() -> Path:
    return home_dir() / "config.toml"


def builtin_prompt_dirs() -> list[Path]:
    """Where released prompts live: the installed package data, or the source checkout."""
    candidates = [PACKAGE_DIR / "_data" / "prompts", PACKAGE_DIR.parents[1] / "prompts"]
    return [p for p in candidates if p.is_dir()]


def prompt_dirs() -> list[Path]:
    extra = os.environ.get("NEWSBRIEF_PROMPTS_DIR")
    return ([Path(extra)] if extra else []) + builtin_prompt_dirs()


def available_prompts() -> dict[str, list[int]]:
    """Prompt id -> released versions, over every prompt folder."""
    found: dict[str, set[int]] = {}
    for root in prompt_dirs():
        for meta in root.glob("*/v*/prompt.yaml"):
            match = re.fullmatch(r"v(\d+)", meta.parent.name)
            if match:
                found.setdefault(meta.parent.parent.name, set()).add(int(match.group(1)))
    return {name: sorted(versions) for name, versions in sorted(found.items())}


def find_prompt_dir(name: str, version: int | None) -> Path | None:
    """The folder of ``name@version`` (newest version when None), or None."""
    if version is None:
        versions = available_prompts().get(name)
        if not versions:
            return None
        version = versions[-1]
    for root in prompt_dirs():
        directory = root / name / f"v{version}"
        if (directory / "prompt.yaml").is_file():
            return directory
    return None


def hash_dir(directory: Path) -> str:
    """sha256 over every file of a prompt version folder (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.iterdir() if p.is_file()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """Changes whenever newsbrief's code or an installed cleaner/schema library changes."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in _FINGERPRINT_LIBS:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec else None
        if origin:
            stat = os.stat(origin)
            digest.update(f"{name}:{origin}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()


def fast_key(source: str, data_sha256: str, identity: str, prompt_sha256: str) -> str:
    parts = {
        "source": source,
        "data": data_sha256,
        "model": identity,
        "prompt": prompt_sha256,
        "code": code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def cached_meta(stored: dict[str, Any], started: float) -> dict[str, Any]:
    """The meta of a brief served from the cache: no tokens, no calls, this run's latency."""
    return {
        **stored,
        "usage": {"prompt_tokens": 0, "completion_tokens": 0},
        "attempts": 0,
        "latency_ms": int((time.perf_counter() - started) * 1000),
        "cached": True,
    }


# --- the fast path ---------------------------------------------------------------------------

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
        elif arg == "--no-log":
            continue
        elif arg.startswith("-") or "source" in found:
            return None  # --help, --no-cache, stdin, an unknown flag, two sources: the full CLI
        else:
            found["source"] = arg
    if "source" not in found or found.get("format", "pretty") not in FORMATS:
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
    path = config_path()
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if not set(data) <= FILE_KEYS:
        return None
    if any(not isinstance(data.get(k, ""), str) for k in ("model", "base_url", "mode")):
        return None
    return data


def lookup(options: dict[str, str], started: float) -> dict[str, Any] | None:
    """The ``summarize --format json`` object for a cached run of ``options``, or None."""
    from .store import CACHE_VERSION, default_path

    source = options["source"]
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
        return None
    ref = PROMPT_REF.match(options.get("prompt", DEFAULT_PROMPT).strip())
    file = _file_config()
    db_path = default_path()
    if ref is None or file is None or not db_path.is_file():
        return None
    version = ref.group("version")
    directory = find_prompt_dir(ref.group("id"), int(version) if version else None)
    path = Path(source)
    if directory is None or not path.is_file():
        return None
    data = path.read_bytes()
    identity = model_identity(*pick_model(options, file))
    key = fast_key(str(path), hashlib.sha256(data).hexdigest(), identity, hash_dir(directory))
    db = sqlite3.connect(db_path, timeout=5)
    try:
        row = db.execute(
            "SELECT f.article, c.value FROM fastpath f JOIN cache c ON c.key = f.result_key "
            "WHERE f.key = ? AND c.version = ?",
            (key, CACHE_VERSION),
        ).fetchone()
    except sqlite3.Error:
        return None  # no fastpath table yet: the full path migrates the store
    finally:
        db.close()
    if row is None:
        return None
    stored = json.loads(row[1])
    return {
        "article": json.loads(row[0]),
        "brief": stored["brief"],
        "meta": cached_meta(stored["meta"], started),
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
    from . import render

    render.emit(result, options.get("format", "pretty"))
    return True


def main(argv: Iterable[str] | None = None) -> None:
    """Console-script entry point."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        served = try_fast(args)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`... | head`): nothing is wrong
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    if served:
        sys.exit(0)
    from .cli import main as cli_main

    cli_main()
