"""The clean stage: normalization, audited removals, idempotence."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsbrief.clean import clean_text, guess_title, normalize
from newsbrief.cli import app


def test_whitespace_and_paragraphs() -> None:
    raw = "Title  of   the piece\r\n\r\n\r\nFirst\u00a0line\n continues here.\n\n\nSecond."
    text, removed = normalize(raw)
    assert text == "Title of the piece\n\nFirst line\ncontinues here.\n\nSecond."
    assert removed == []


def test_invisible_characters_are_removed_and_recorded() -> None:
    raw = "Zero\u200bwidth and soft\u00adhyphen."
    result = clean_text(raw)
    assert result.text == "Zerowidth and softhyphen."
    assert [(r.kind, r.text, r.position) for r in result.removed] == [
        ("invisible", "\u200b", 4),
        ("invisible", "\u00ad", 19),
    ]
    assert result.stats["removed"] == 2


def test_unicode_is_composed() -> None:
    assert clean_text("Cafe\u0301 owner.").text == "Café owner."


def test_seed_title_skips_chrome_and_dateline(seed_path: Path) -> None:
    cleaned = clean_text(seed_path.read_text(encoding="utf-8"))
    assert cleaned.title == "China-Belarus high-level development of partnership ‘exemplary model’"
    assert cleaned.stats["paragraphs"] > 30


def test_title_none_when_no_headline() -> None:
    assert guess_title("This is a sentence. It ends.\n\nAnother one.") is None


text_strategy = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300
)


@given(text_strategy)
def test_cleaning_is_idempotent(raw: str) -> None:
    once = clean_text(raw).text
    assert clean_text(once).text == once


@given(st.lists(st.from_regex(r"[A-Za-z][a-z]{0,9}", fullmatch=True), min_size=1, max_size=40))
def test_clean_words_are_kept(words: list[str]) -> None:
    raw = " ".join(words) + "."
    assert clean_text(raw).text.split() == raw.split()


def test_clean_command_json(seed_path: Path) -> None:
    import json

    result = CliRunner().invoke(app, ["clean", str(seed_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"title", "text", "removed", "stats"}
    assert data["text"].startswith("Breaking\nWed. Oct 16th, 2024\n\nChina-Belarus")
