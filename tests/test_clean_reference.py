"""The cleaner's results on every in-repo article, and on noisy copies of them from both
generators, match the digests in bench/clean_reference.json: a change made for speed must not
change what the cleaner keeps or removes. A change meant to alter results rewrites the file
(``python bench/clean_speed.py --write-reference``) and shows which results moved."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbrief import clean
from newsbrief.clean import clean_text, prose, watermark

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


# --- the rewrites made for speed agree with what they replaced, on any input -----------------

_LINES = st.text(alphabet=st.sampled_from(list("ab .!?…\"'”’)] \u2028\t\u00a0")), max_size=30)


@given(_LINES)
def test_sentence_ends_are_read_as_the_regex_read_them(line: str) -> None:
    line = line.replace("\n", " ")
    assert prose.ends_sentence(line) == bool(re.search(r"[.!?…](?:\s?[\"'”’)\]])*$", line))


@given(st.text(alphabet=st.sampled_from(list("aZ'’- \n.")), max_size=30))
def test_runs_before_a_point_are_read_as_the_regex_read_them(window: str) -> None:
    for chars, pattern in (
        (watermark._WORDISH, r"[A-Za-z'’-]*$"),
        (watermark._LETTERS, r"[A-Za-z]*$"),
    ):
        match = re.search(pattern, window)
        assert watermark._run_before(window, chars) == (match.group() if match else "")


@given(st.text(alphabet=st.sampled_from(list("abAB ")), max_size=40), st.sampled_from(
    ["abab", "aaaa", "ABab", "a ab", "baba"]))  # fmt: skip
def test_spans_among_starts_are_finditer_s(text: str, mark: str) -> None:
    starts = watermark._mark_starts(text, [mark])[mark[: watermark.MARK_KEY]]
    found = list(watermark._spans(text, mark, starts))
    assert found == [(m.start(), m.end()) for m in re.finditer(re.escape(mark), text)]


@given(st.text(alphabet=st.sampled_from(list("ab \n\r\t\u00a0\u200b\x07e\u0301")), max_size=40))
def test_normalizing_twice_changes_nothing(raw: str) -> None:
    # _clean_text skips a second normalize when the mojibake repair changed nothing
    once, _ = clean.normalize(raw)
    assert clean.normalize(once) == (once, [])
