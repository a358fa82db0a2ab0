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
    strategy = "whole"     # how briefs are made when --strategy and --prompt say nothing
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .base import config_path, configured_strategy, first, pick_model, read_config
from .errors import ConfigError
from .retry import RetryPolicy

# Most tokens (prompt + reply, every request) one question may spend before newsbrief stops
# re-asking: re-asks resend the conversation, so on a long article each one costs the article again.
DEFAULT_REASK_TOKENS = 32_000


class FileConfig(BaseModel):
    """What config.toml may hold. Unknown keys are an error, so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid")
    model: str | None = None
    base_url: str | None = None
    mode: str | None = None
    timeout: float | None = Field(default=None, gt=0)
    n_ctx: int | None = Field(default=None, ge=512)
    n_threads: int | None = Field(default=None, ge=1)
    retry_attempts: int | None = Field(default=None, ge=1, le=20)
    retry_initial: float | None = Field(default=None, ge=0)
    retry_total: float | None = Field(default=None, ge=0)
    reask_tokens: int | None = Field(default=None, ge=1)
    strategy: str | None = None


def load_file_config(path: Path | None = None) -> FileConfig:
    path = path or config_path()
    try:
        return FileConfig.model_validate(read_config(path))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}", "fix or delete it") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(
            f"config file {path} is invalid ({problems})", "fix or delete it"
        ) from exc


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
    strategy: str | None = None  # NEWSBRIEF_STRATEGY or config.toml's; None: by model


def resolve_settings(
    *,
    model: str | None = None,
    base_url: str | None = None,
    mode: str | None = None,
    timeout: float | None = None,
) -> Settings:
    """Merge flags (the arguments), environment and config file into one :class:`Settings`."""
    env = os.environ
    file = load_file_config()
    defaults = RetryPolicy()
    retry = RetryPolicy(
        attempts=int(first(_env_number("NEWSBRIEF_RETRY_ATTEMPTS"), file.retry_attempts,
                            defaults.attempts)),
        initial=first(_env_number("NEWSBRIEF_RETRY_INITIAL"), file.retry_initial,
                       defaults.initial),
        total=first(_env_number("NEWSBRIEF_RETRY_TOTAL"), file.retry_total, defaults.total),
    )  # fmt: skip
    values = file.model_dump()
    chosen_model, chosen_url, chosen_mode = pick_model(
        {"model": model, "base_url": base_url, "mode": mode}, values
    )
    return Settings(
        model=chosen_model,
        base_url=chosen_url,
        api_key=first(env.get("OPENAI_API_KEY")),
        mode=chosen_mode,
        timeout=first(timeout, _env_number("NEWSBRIEF_TIMEOUT"), file.timeout, 120.0),
        n_ctx=file.n_ctx,
        n_threads=file.n_threads,
        retry=retry,
        reask_tokens=int(
            first(_env_number("NEWSBRIEF_REASK_TOKENS"), file.reask_tokens, DEFAULT_REASK_TOKENS)
        ),
        strategy=configured_strategy(values),
    )


def _env_number(name: str) -> float | None:
    value = os.environ.get(name)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise ConfigError(f"{name}={value!r} is not a number", f"set {name} to a number") from exc
    if number < 0:
        raise ConfigError(f"{name}={value!r} is negative", f"set {name} to 0 or more")
    return number
