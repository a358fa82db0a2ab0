"""One exception hierarchy for newsbrief.

Every error carries a message that says what went wrong *and* what to do about it, and an exit
code. The CLI prints ``str(error)`` on one line and exits with ``error.exit_code``; it never shows
a traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from .outside import lossless

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_USAGE = 2
EXIT_SOME_FAILED = 3  # batch: the run finished, but some articles failed (see their records)
EXIT_GATE = 4  # eval compare --gate: B may be worse than A, or a hard gate failed
EXIT_CLOSED_PIPE = 141  # the reader of stdout went away (`| head`): 128 + SIGPIPE, as shells report


class NewsbriefError(Exception):
    """Base class. ``hint`` is the "what to do" half of the message."""

    exit_code = EXIT_RUNTIME

    def __init__(self, message: str, hint: str | None = None) -> None:
        message = lossless(message)  # it may name a file whose name is not UTF-8
        super().__init__(message)
        self.message = message
        self.hint = lossless(hint) if hint is not None else None

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}; {self.hint}"
        return self.message


# --- usage and input errors: exit code 2 -------------------------------------------------------


class UsageError(NewsbriefError):
    """The user asked for something that cannot be done as asked."""

    exit_code = EXIT_USAGE


class InputError(UsageError):
    """The article (file, stdin) is missing, unreadable, empty or not text."""


class DuplicateIdError(InputError):
    """Two articles of one run have the same id: the id's one record says so."""


# What to do about an article over the size budget (max_chars), wherever it is found.
TOO_LONG_HINT = "split it into articles, or raise NEWSBRIEF_MAX_CHARS (max_chars in config.toml)"


class TimeBudgetError(InputError):
    """An article took longer than its time budget to clean (pathological input)."""


class ConfigError(UsageError):
    """A setting is invalid: unknown model spec, missing API key, bad config file."""


class PromptError(UsageError):
    """A prompt is unknown, malformed, or its template needs a variable that was not given."""


# --- runtime errors: exit code 1 ---------------------------------------------------------------


class LLMError(NewsbriefError):
    """The model could not produce a valid answer."""

    exit_code = EXIT_RUNTIME

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        attempts: int = 0,
        last_reply: str | None = None,
        usage: dict[str, int] | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.attempts = attempts
        self.last_reply = last_reply
        self.usage = usage or {"prompt_tokens": 0, "completion_tokens": 0}

    def details(self) -> dict[str, Any]:
        return {"attempts": self.attempts, "last_reply": self.last_reply, "usage": self.usage}


class LLMUnavailableError(LLMError):
    """The endpoint or the model file could not be reached or loaded."""


class InvalidReplyError(LLMError):
    """The model answered, but never with a valid reply (bad JSON, wrong shape, truncated)."""


class ContextOverflowError(LLMError):
    """The prompt does not fit the model's context window.

    ``window`` and ``prompt_tokens`` are what the model (or the server's error) said, when it
    said it; the strategy uses them to cut the article into pieces and ask again.
    """

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        window: int | None = None,
        prompt_tokens: int | None = None,
        sent_chars: int = 0,
        **details: Any,
    ) -> None:
        super().__init__(message, hint, **details)
        self.window = window
        self.prompt_tokens = prompt_tokens
        self.sent_chars = sent_chars


# --- secrets ----------------------------------------------------------------------------------

_MASK = "[redacted]"
_SECRET_PATTERNS = [
    # user:password@ (or a token as the user) in any URL
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@"), rf"\1{_MASK}@"),
    # query-string keys: ?api_key=..., &token=..., &sig=...
    (
        re.compile(
            r"(?i)([?&](?:api[_-]?key|apikey|key|token|access[_-]?token|auth|secret|password"
            r"|passwd|pwd|sig|signature|client[_-]?secret)=)[^&#\s\"']+"
        ),
        rf"\1{_MASK}",
    ),
    # headers, as "Name: value" or name=value
    (
        re.compile(
            r"(?i)\b((?:proxy-)?authorization|x-api-key|api-key|openai-api-key|x-auth-token)"
            r"(\"?\s*[:=]\s*\"?)(?:(?:bearer|basic|token)\s+)?[^\s\"',;]+"
        ),
        rf"\1\2{_MASK}",
    ),
    # bearer tokens and bare keys
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}"), _MASK),
    (re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}"), _MASK),
]


def mask_secrets(text: str) -> str:
    """``text`` with credentials masked: userinfo in URLs, key-like query parameters,
    authorization headers, API keys, and the value of OPENAI_API_KEY wherever it appears."""
    key = os.environ.get("OPENAI_API_KEY")
    if key and len(key) >= 6:
        text = text.replace(key, _MASK)
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


# --- a closed pipe ----------------------------------------------------------------------------


def closed_pipe() -> int:
    """The reader of stdout went away (``newsbrief logs --json | head``): point stdout at
    /dev/null so nothing more is written, not even when Python flushes it on exit, and return
    :data:`EXIT_CLOSED_PIPE`, the status every command ends with then (never 0, 1 or 3: a batch
    cut short in its summary must not claim success or a tripped circuit breaker)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass  # stdout is no real file (tests): nothing is left to flush to it
    return EXIT_CLOSED_PIPE
