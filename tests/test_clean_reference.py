"""The cleaner's results on every in-repo article, and on noisy copies of them from both
generators, match the digests in bench/clean_reference.json: a change made for speed must not
change what the cleaner keeps or removes. A change meant to alter results rewrites the file
(``python bench/clean_speed.py --write-reference``) and shows which results moved."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from newsbrief.clean import clean_text

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture
def speed(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.syspath_prepend(str(BENCH))
    import clean_speed

    yield clean_speed
    for name in ("clean_speed", "clean_generators", "clean_quality", "_valid"):
        sys.modules.pop(name, None)


def test_every_in_repo_result_matches_the_reference(speed: ModuleType) -> None:
    reference = json.loads(speed.REFERENCE.read_text())
    got = speed.results()
    assert len(got) >= 100  # articles, and noisy copies from both generators
    moved = sorted(name for name, value in got.items() if reference.get(name) != value)
    assert not moved, f"results changed: {moved}"


def test_the_digest_sees_a_removal_change(speed: ModuleType) -> None:
    cleaned = clean_text("Breaking\n\nThe council approved the bridge on Tuesday night.")
    assert cleaned.removed
    moved = type(cleaned)(cleaned.title, cleaned.text, cleaned.removed[1:], cleaned.stats)
    assert speed.digest(moved) != speed.digest(cleaned)
