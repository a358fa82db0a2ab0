"""Retrying transient failures of an LLM endpoint, with backoff, bounded in tries and in time.

Transient: 429 (rate limit, honouring ``Retry-After``), 5xx, timeouts and dropped connections.
Everything else (401, 403, 404, 400, ...) fails at once: trying again cannot help. The openai
client's own retries are turned off (``max_retries=0``) so the two loops never multiply.

The sleep function is injected, so tests can check the waits without waiting.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import tenacity

R = TypeVar("R")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries per request, the first included
    initial: float = 1.0  # first backoff, in seconds; doubles each time
    maximum: float = 30.0  # cap of one backoff
    total: float = 120.0  # never wait more than this in all, per request
    jitter: float = 0.5  # up to this share of a backoff is added at random


class BudgetSpent(Exception):
    """The server asked to wait longer than the retry budget allows."""

    def __init__(self, wait: float, budget: float, cause: BaseException) -> None:
        super().__init__(f"asked to wait {wait:.0f} s with {budget:.0f} s of retry budget left")
        self.wait = wait
        self.cause = cause


def is_transient(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return False


def retry_after(exc: BaseException, now: Callable[[], float] = time.time) -> float | None:
    """The wait a 429/503 response asks for (``retry-after-ms`` or ``Retry-After``), if any."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - now()) if parsed else None


@dataclass
class Retrier:
    """Runs a call under a :class:`RetryPolicy`, recording every wait."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    waits: list[float] = field(default_factory=list)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        backoff = min(self.policy.maximum, self.policy.initial * 2 ** (state.attempt_number - 1))
        wait = backoff * (1 + self.policy.jitter * self.rng.random())
        asked = retry_after(exc) if exc is not None else None
        if asked is not None:
            wait = asked
        left = self.policy.total - sum(self.waits)
        if wait > left:
            assert exc is not None
            raise BudgetSpent(wait, left, exc)
        self.waits.append(wait)
        return wait

    def call(self, func: Callable[[], R]) -> R:
        """``func()``, tried again after transient failures; the last failure is raised."""
        retrying = tenacity.Retrying(
            sleep=self.sleep,
            stop=tenacity.stop_after_attempt(self.policy.attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception(is_transient),
            reraise=True,
        )
        try:
            return retrying(func)
        except BudgetSpent as spent:
            raise spent.cause from spent
