"""Settings, resolved as: command-line flag > NEWSBRIEF_* environment > config file > default.

The config file is ``config.toml`` in the newsbrief home folder (``NEWSBRIEF_HOME``, else the
platform's user config folder)::

    model = "openai:gpt-4o-mini"
    base_url = "http://127.0.0.1:8080/v1"
    mode = "tools"
    timeout = 120          # seconds per request
    retry_attempts = 5     # tries per request after 429 / 5xx / timeouts / dropped connections
    retry_initial = 1.0    # first backoff in seconds, doubling
    retry_total = 120      # most seconds spent waiting between tries of one request
    reask_tokens = 32000   # most tokens one question may spend, re-asks of invalid replies included
    clean_budget = 30      # batch: most seconds cleaning one article may take
    article_budget = 120   # batch: most seconds of local work on one article (model waits aside)
    max_chars = 200000     # most characters of cleaned text an article may have to be briefed
    circuit_breaker = 5    # batch: endpoint failures in a row that stop the run (0: never)
    strategy = "whole"     # how briefs are made when --strategy and --prompt say nothing

Every numeric key can also be set as NEWSBRIEF_<KEY> (e.g. NEWSBRIEF_RETRY_ATTEMPTS); flags,
variables and the file go through the same bounds, and a bad value is an error (exit 2).
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .base import (
    config_path,
    configured_strategy,
    first,
    model_given,
    pick_model,
    read_config,
)
from .errors import ConfigError
from .retry import RetryPolicy

# Most tokens (prompt + reply, every request) one question may spend before newsbrief stops
# re-asking: re-asks resend the conversation, so on a long article each one costs the article again.
DEFAULT_REASK_TOKENS = 32_000


class FileConfig(BaseModel):
    """Every setting and its bounds, whatever its source: config.toml is validated by this
    model, and so are NEWSBRIEF_* variables and flags (:func:`resolve_settings`). Unknown keys
    are an error, so typos do not pass silently; NaN and infinity are never a number here."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    model: str | None = None
    base_url: str | None = None
    mode: str | None = None
    timeout: float | None = Field(default=None, gt=0, le=3600)
    n_ctx: int | None = Field(default=None, ge=512, le=1_048_576)
    n_threads: int | None = Field(default=None, ge=1, le=1024)
    retry_attempts: int | None = Field(default=None, ge=1, le=20)
    retry_initial: float | None = Field(default=None, ge=0, le=600)
    retry_total: float | None = Field(default=None, ge=0, le=86_400)
    reask_tokens: int | None = Field(default=None, ge=1, le=10_000_000)
    clean_budget: float | None = Field(default=None, gt=0, le=3600)
    article_budget: float | None = Field(default=None, gt=0, le=86_400)
    max_chars: int | None = Field(default=None, ge=1_000, le=100_000_000)
    circuit_breaker: int | None = Field(default=None, ge=0, le=100_000)
    strategy: str | None = None


# What each numeric setting must be, for the hint of an error.
BOUNDS = {
    "timeout": "a number of seconds above 0, at most 3600",
    "n_ctx": "a whole number of tokens from 512 to 1048576",
    "n_threads": "a whole number from 1 to 1024",
    "retry_attempts": "a whole number of tries from 1 to 20",
    "retry_initial": "a number of seconds from 0 to 600",
    "retry_total": "a number of seconds from 0 to 86400",
    "reask_tokens": "a whole number of tokens from 1 to 10000000",
    "clean_budget": "a number of seconds above 0, at most 3600",
    "article_budget": "a number of seconds above 0, at most 86400",
    "max_chars": "a whole number of characters from 1000 to 100000000",
    "circuit_breaker": "a whole number of failures in a row (0 turns it off), at most 100000",
}
# Each numeric setting's environment variable.
ENV_VARS = {name: f"NEWSBRIEF_{name.upper()}" for name in BOUNDS}
DEFAULT_CLEAN_BUDGET = 30.0  # seconds to clean one article in a batch before it is a failure
DEFAULT_CIRCUIT_BREAKER = 5  # endpoint failures in a row that stop a batch
# Local work on one article in a batch (cleaning, parsing, finding claims, grounding; waiting for
# a model is not counted) before it is a failure.
DEFAULT_ARTICLE_BUDGET = 120.0
# Cleaned text longer than this is not briefed (an input error): about 30,000 words, some 7 s
# of parsing for the floor; far above any news article, far below a 5 MB dump.
DEFAULT_MAX_CHARS = 200_000


def _validated(values: dict[str, Any], describe: Callable[[str], str]) -> FileConfig:
    """``values`` checked against :class:`FileConfig`; the first bad one is a ConfigError
    that ``describe`` names (a flag, a variable or a key of config.toml)."""
    try:
        return FileConfig.model_validate(values)
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = str(problem["loc"][0]) if problem["loc"] else "?"
        bounds = BOUNDS.get(name)
        raise ConfigError(
            f"{describe(name)} is invalid: {problem['msg']}",
            f"set it to {bounds}" if bounds else "fix or remove it",
        ) from exc


def load_file_config(path: Path | None = None) -> FileConfig:
    path = path or config_path()
    try:
        data = read_config(path)
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"config file {path} is not UTF-8 text (byte {exc.object[exc.start]:#x} at offset "
            f"{exc.start})",
            "save it as UTF-8",
        ) from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}", "fix or delete it") from exc
    return _validated(data, lambda name: f"{name} = {data.get(name)!r} in config file {path}")


def env_config() -> FileConfig:
    """The numeric NEWSBRIEF_* variables that are set, under the same bounds as the file."""
    values = {
        name: value.strip()
        for name, var in ENV_VARS.items()
        if (value := os.environ.get(var, "")).strip()
    }
    return _validated(values, lambda name: f"{ENV_VARS[name]}={values.get(name)!r}")


def progress_every(default: float = 10.0) -> float:
    """Seconds between a batch's progress lines when stderr is no terminal:
    NEWSBRIEF_PROGRESS_EVERY (0: a line at every update), else ``default``."""
    value = os.environ.get("NEWSBRIEF_PROGRESS_EVERY", "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= 86_400:  # NaN is never in range
        raise ConfigError(
            f"NEWSBRIEF_PROGRESS_EVERY={value!r} is invalid",
            "set it to a number of seconds from 0 (a line at every update) to 86400",
        )
    return seconds


@dataclass(frozen=True)
class Settings:
    model: str
    base_url: str | None
    api_key: str | None
    mode: str | None
    timeout: float
    n_ctx: int | None
    n_threads: int | None
    retry: RetryPolicy
    reask_tokens: int = DEFAULT_REASK_TOKENS
    clean_budget: float = DEFAULT_CLEAN_BUDGET
    article_budget: float = DEFAULT_ARTICLE_BUDGET
    max_chars: int = DEFAULT_MAX_CHARS
    circuit_breaker: int = DEFAULT_CIRCUIT_BREAKER
    strategy: str | None = None  # NEWSBRIEF_STRATEGY or config.toml's; None: by model
    strategy_from: str | None = None  # where ``strategy`` was set, for an error that names it
    model_given: bool = True  # a model was asked for (flag, env, config); else the floor


def resolve_settings(
    *,
    model: str | None = None,
    base_url: str | None = None,
    mode: str | None = None,
    timeout: float | None = None,
) -> Settings:
    """Merge flags (the arguments), environment and config file into one :class:`Settings`.

    Each source is checked against the same bounds (:class:`FileConfig`); a bad value from any
    of them is a :class:`ConfigError` (exit 2) that names it."""
    env = os.environ
    flags = _validated({"timeout": timeout}, lambda name: f"--{name} {timeout!r}")
    environment = env_config()
    file = load_file_config()
    defaults = RetryPolicy()

    def pick(name: str, default: Any) -> Any:
        return first(
            getattr(flags, name, None), getattr(environment, name), getattr(file, name), default
        )

    retry = RetryPolicy(
        attempts=pick("retry_attempts", defaults.attempts),
        initial=pick("retry_initial", defaults.initial),
        total=pick("retry_total", defaults.total),
    )
    values = file.model_dump()
    chosen_model, chosen_url, chosen_mode = pick_model(
        {"model": model, "base_url": base_url, "mode": mode}, values
    )
    return Settings(
        model=chosen_model,
        base_url=chosen_url,
        api_key=first(env.get("OPENAI_API_KEY")),
        mode=chosen_mode,
        timeout=pick("timeout", 120.0),
        n_ctx=pick("n_ctx", None),
        n_threads=pick("n_threads", None),
        retry=retry,
        reask_tokens=pick("reask_tokens", DEFAULT_REASK_TOKENS),
        clean_budget=pick("clean_budget", DEFAULT_CLEAN_BUDGET),
        article_budget=pick("article_budget", DEFAULT_ARTICLE_BUDGET),
        max_chars=pick("max_chars", DEFAULT_MAX_CHARS),
        circuit_breaker=pick("circuit_breaker", DEFAULT_CIRCUIT_BREAKER),
        strategy=configured_strategy(values),
        strategy_from=_strategy_source(values),
        model_given=model_given({"model": model}, values),
    )


def _strategy_source(file: dict[str, Any]) -> str | None:
    """Where the configured strategy comes from, as an error would name it."""
    if (value := os.environ.get("NEWSBRIEF_STRATEGY")) not in (None, ""):
        return f"NEWSBRIEF_STRATEGY={value!r}"
    if file.get("strategy") not in (None, ""):
        return f"strategy = {file['strategy']!r} in config file {config_path()}"
    return None
