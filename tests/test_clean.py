"""The clean stage: each pass, the seed's golden text, and safety properties."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsbrief.clean import (
    clean_text,
    cut_footer,
    fix_mojibake,
    guess_title,
    normalize,
    remove_chrome,
    remove_watermarks,
    split_glued,
    zipf,
)
from newsbrief.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_seed_matches_the_hand_checked_golden_text(seed_path: Path) -> None:
    golden = (ROOT / "seeds" / "000_ec47db115828c336.clean.txt").read_text(encoding="utf-8")
    cleaned = clean_text(seed_path.read_text(encoding="utf-8"))
    assert cleaned.text.split() == golden.split()
    assert cleaned.text == golden.rstrip("\n")
    assert cleaned.title == "China-Belarus high-level development of partnership ‘exemplary model’"
    kinds = [r.kind for r in cleaned.removed]
    assert kinds.count("watermark") == 6 and kinds.count("glued") == 2
    assert "Mao Ning" not in cleaned.text and "World Times" not in cleaned.text


def test_whitespace_and_paragraphs() -> None:
    raw = "Title  of   the piece\r\n\r\n\r\nFirst\u00a0line\n continues here.\n\n\nSecond."
    text, removed = normalize(raw)
    assert text == "Title of the piece\n\nFirst line\ncontinues here.\n\nSecond."
    assert removed == []


def test_invisible_characters_are_removed_and_recorded() -> None:
    text, removed = normalize("Zero\u200bwidth and soft\u00adhyphen.")
    assert text == "Zerowidth and softhyphen."
    assert [(r.kind, r.text, r.position) for r in removed] == [
        ("invisible", "\u200b", 4),
        ("invisible", "\u00ad", 19),
    ]


def test_mojibake_is_repaired_and_recorded() -> None:
    text, removed = fix_mojibake("Plain line\nThe minister doesnâ€™t agree.")
    assert text == "Plain line\nThe minister doesn’t agree."
    assert [(r.kind, r.position, r.replacement) for r in removed] == [
        ("mojibake", 11, "The minister doesn’t agree.")
    ]
    assert fix_mojibake("Café “quoted” — fine")[0] == "Café “quoted” — fine"


def test_unicode_is_composed() -> None:
    assert clean_text("Cafe\u0301 owner spoke.").text == "Café owner spoke."


def test_footer_cut_keeps_early_mentions() -> None:
    body = "The council met. " * 20
    text, removed = cut_footer(f"{body}\nRelated Posts\nOther story.")
    assert text == body.strip() and removed[0].text == "Related Posts\nOther story."
    early = "Related stories: none.\n" + body
    assert cut_footer(early) == (early, [])


CHROME = [
    "Breaking",
    "Breaking News",
    "Advertisement",
    "Mon. Mar 3rd, 2025",
    "March 3, 2025 10:42 am EST",
    "2025-03-03 10:42",
    "Updated: 3 March 2025 11:00",
    "Protesters gather in the square Photo: Reuters",
    "Photo by Jane Doe",
    "Ministers at the summit / Getty Images",
    "Share this article",
    "Share on Facebook | Twitter | Email",
    "Share this article: Facebook | X | Email",
    "Follow us on Twitter for the latest news",
    "Subscribe to our newsletter",
    "Sign up for our morning newsletter and get it in your inbox",
    "We use cookies to improve your experience. Accept all cookies",
    "© 2025 Example Media. All rights reserved.",
    "Copyright 2025 The Daily Example",
    "By Maria Lopez",
    "Read more: Why the bridge closed",
]


def test_every_chrome_template_is_removed() -> None:
    body = "Officials approved the budget on Tuesday.\n\nThe vote was close."
    for line in CHROME:
        text, removed = remove_chrome(f"{line}\n\n{body}", None)
        assert text == body, line
        assert [r.text for r in removed] == [line]


def test_chrome_keeps_article_lines_and_the_first_title() -> None:
    text = "Budget passes\n\nBudget passes\n\nBy the end of the day, lawmakers agreed.\n\nThe vote."
    cleaned, removed = remove_chrome(text, "Budget passes")
    assert cleaned == "Budget passes\n\nBy the end of the day, lawmakers agreed.\n\nThe vote."
    assert [r.text for r in removed] == ["Budget passes"]


def test_watermark_inside_words_goes_and_legitimate_mentions_stay() -> None:
    text = (
        "The minister told the Daily Planet that talks would conDaily Planettinue. "
        "Daily Planetnegotiators met in GeDaily Planetneva and agreed to reDaily Planetsume work. "
        "A spokesman later told the Daily Planet the deal was close."
    )
    cleaned, removed = remove_watermarks(text)
    assert cleaned == (
        "The minister told the Daily Planet that talks would continue. negotiators met in "
        "Geneva and agreed to resume work. A spokesman later told the Daily Planet the deal was "
        "close."
    )
    assert len(removed) == 4 and {r.text for r in removed} == {"Daily Planet"}


def test_no_watermark_in_ordinary_camel_case() -> None:
    text = "The iPhone maker and eBay met McDonald executives in the YouTube office on Monday."
    assert remove_watermarks(text) == (text, [])


def test_glued_words_are_split_but_names_and_known_words_stay() -> None:
    text = "Officials said theyhave agreed, according to theXinhua agency and McKinsey analysts."
    cleaned, removed = split_glued(text)
    assert cleaned == (
        "Officials said they have agreed, according to the Xinhua agency and McKinsey analysts."
    )
    assert [(r.text, r.replacement) for r in removed] == [
        ("theyhave", "they have"),
        ("theXinhua", "the Xinhua"),
    ]
    assert split_glued("Wordfreq knows nowhere, notwithstanding, and Barcelona.")[1] == []


def test_title_guess_skips_chrome() -> None:
    assert guess_title("Breaking\nWed. Oct 16th, 2024\n\nCouncil backs new bridge plan") == (
        "Council backs new bridge plan"
    )
    assert guess_title("This is a sentence. It ends.\n\nAnother one.") is None


def test_clean_command_formats(seed_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["clean", str(seed_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"title", "text", "removed", "stats"}
    assert data["text"].startswith("China-Belarus high-level development of partnership")
    assert {"kind": "glued", "text": "theyhave", "replacement": "they have"}.items() <= next(
        r for r in data["removed"] if r["kind"] == "glued" and r["text"] == "theyhave"
    ).items()
    assert data["stats"]["removed_watermark"] == 6
    diff = runner.invoke(app, ["clean", str(seed_path), "--format", "diff"])
    assert diff.exit_code == 0
    assert "-Breaking" in diff.stdout and "+Both sides condemn the use of illegal" in diff.stdout
    why = [line for line in diff.stdout.splitlines() if line.startswith("# ")]
    assert len(why) == len(data["removed"]) + 1  # every removal, with its pass and reason
    assert "# glued: theyhave -> they have" in why
    text = runner.invoke(app, ["clean", str(seed_path)])
    assert text.stdout.strip() == data["text"]


# --- properties --------------------------------------------------------------------------------

COMMON = (
    "the government said on monday that it would spend more money on schools and roads next "
    "year while the opposition argued the plan was too late for families who need help now and "
    "many teachers welcomed the decision because their classes are large although nurses "
    "doctors farmers workers engineers drivers praised others questioned several details"
).split()
GLUE_PAIRS = [("they", "have"), ("will", "be"), ("has", "been"), ("would", "not"),
              ("the", "report"), ("this", "week"), ("its", "budget")]  # fmt: skip
WATERMARKS = ["World Times", "Daily Planet", "News Hub", "Morning Wire", "Zenith Post"]

sentence = st.lists(st.sampled_from(COMMON), min_size=5, max_size=14).map(
    lambda ws: " ".join([ws[0].capitalize(), *ws[1:]]) + "."
)
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
article = st.lists(paragraph, min_size=2, max_size=6).map("\n\n".join)


@settings(max_examples=60, deadline=None)
@given(article)
def test_cleaning_a_clean_article_changes_nothing(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned.text == text
    assert cleaned.removed == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article, st.data())
def test_injected_noise_is_removed(text: str, data: st.DataObject) -> None:
    words = text.split(" ")
    # glue one pair of words that the article does not otherwise contain glued
    left, right = data.draw(st.sampled_from(GLUE_PAIRS))
    assume(zipf(left + right) < 2.0)
    spot = data.draw(st.integers(0, len(words) - 1))
    words.insert(spot, f"{left}{right}")
    original = " ".join([*words[:spot], left, right, *words[spot + 1 :]])
    # inject a watermark inside or at the start of at least three words of five letters or more
    mark = data.draw(st.sampled_from(WATERMARKS))
    assume(mark.split()[0].lower() not in original.lower())
    # Distinct words: a mark glued to the same word at the same place every time cannot be
    # told from a compound name ("Northwind") and is kept, by design.
    first_index: dict[str, int] = {}
    for i, w in enumerate(words):
        if len(w) >= 5 and w.isalpha() and i != spot:
            first_index.setdefault(w, i)
    targets = sorted(first_index.values())
    assume(len(targets) >= 3)
    chosen = data.draw(st.lists(st.sampled_from(targets), min_size=3, max_size=6, unique=True))
    for i in chosen:
        cut = data.draw(st.integers(0, len(words[i]) - 2))
        words[i] = words[i][:cut] + mark + words[i][cut:]
    noisy = " ".join(words)
    chrome = data.draw(st.lists(st.sampled_from(CHROME), min_size=1, max_size=4, unique=True))
    noisy = "\n".join(chrome) + "\n\n" + noisy + "\n\nRelated Posts\nAnother story entirely."
    cleaned = clean_text(noisy)
    assert cleaned.text.split() == original.split()


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300))
def test_cleaning_is_idempotent(raw: str) -> None:
    once = clean_text(raw).text
    assert clean_text(once).text == once


def test_compound_names_are_not_watermarks() -> None:
    text = (
        "Northwind Air will merge. Northwind shareholders agreed, and Northwind pilots object. "
        "The court of Estavia ruled; Estavia will appeal. Lakeport voted, Lakeport schools wait."
    )
    assert remove_watermarks(text) == (text, [])


CORPUS = sorted((ROOT / "bench" / "corpus").glob("*.txt"))


def test_the_corpus_articles_are_clean_already() -> None:
    """Twenty articles written for the project: real prose the cleaner must leave alone."""
    assert len(CORPUS) >= 20
    for path in CORPUS:
        raw = path.read_text(encoding="utf-8")
        cleaned = clean_text(raw)
        assert cleaned.removed == [], path.name
        assert cleaned.text == normalize(raw)[0], path.name
