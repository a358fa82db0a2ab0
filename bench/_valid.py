"""What makes a benchmark's number worth printing, checked before it is printed.

A benchmark that measured the wrong thing (a cache hit on the measured side, fewer requests on
one side of a comparison, no fault actually injected) still prints a plausible number. Each script
in bench/ states the conditions its number rests on through this module; when one does not hold
the script stops with ``invalid measurement: <what>`` on stderr and exit status 3, so a broken
benchmark fails loudly, in CI too (tests/test_bench.py).

    checks = Checks()
    checks.equal(newsbrief_tokens, raw_tokens, "tokens of the newsbrief side vs the raw side")
    checks.that(not meta["cached"], "the measured run was answered from the result cache")
    checks.verify()  # exits 3 listing every failed check, or returns

``require(condition, message)`` is the one-check form.
"""

from __future__ import annotations

import sys
from typing import Any

INVALID = 3  # exit status of a benchmark whose measurement is not valid


def fail(messages: list[str]) -> None:
    """Print every message as an invalid measurement and exit with status 3."""
    for message in messages:
        print(f"invalid measurement: {message}", file=sys.stderr)
    sys.stderr.flush()
    raise SystemExit(INVALID)


def require(condition: bool, message: str) -> None:
    """Exit with status 3 and ``invalid measurement: <message>`` unless ``condition`` holds."""
    if not condition:
        fail([message])


class Checks:
    """Collects failed checks, so one run reports all of them at once (``verify``)."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def that(self, condition: bool, message: str) -> bool:
        if not condition:
            self.failed.append(message)
        return condition

    def equal(self, actual: Any, expected: Any, what: str) -> bool:
        return self.that(actual == expected, f"{what}: got {actual!r}, expected {expected!r}")

    def verify(self) -> None:
        if self.failed:
            fail(self.failed)


def fixtures_for(folder: Any, articles_from: Any, tiny: tuple[str, ...] | None) -> tuple[Any, int]:
    """The fixtures a bench reads from ``folder`` (only the ``tiny`` ids when given), and how
    many it must have read: every folder with a labels.yaml, or the tiny ids."""
    from newsbrief.evals.dataset import load_fixtures

    fixtures = load_fixtures([folder], articles_from)
    expected = len([d for d in folder.iterdir() if (d / "labels.yaml").is_file()])
    if tiny is not None:
        fixtures = [f for f in fixtures if f.id in tiny]
        expected = len(tiny)
    return fixtures, expected
