"""The committed fixtures: valid labels, and labels that agree with their own articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsbrief.brief.grounding import is_grounded, normalize
from newsbrief.clean import clean_article
from newsbrief.errors import InputError
from newsbrief.evals.dataset import Fixture, default_articles_dir, load_fixture, load_fixtures
from newsbrief.ingest import read_source

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = load_fixtures([ROOT / "evals" / "fixtures"])
# External sets: labels committed, articles fetched into a local folder (evals/external/README.md).
EXTERNAL = sorted(
    (d for d in (ROOT / "evals" / "external").glob("*/*") if (d / "labels.yaml").is_file()),
    key=lambda d: d.name,
)


def test_there_are_at_least_twenty_varied_fixtures() -> None:
    assert len(FIXTURES) >= 20
    assert any(f.article.suffix == ".html" for f in FIXTURES)
    assert any(not f.labels.pledges for f in FIXTURES), "an article with no pledges"
    assert any(p.condition for f in FIXTURES for p in f.labels.pledges), "conditional pledges"
    assert any(f.labels.leaks for f in FIXTURES), "noisy articles with chrome to leak"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.id)
def test_labels_are_grounded_in_their_article(fixture: Fixture) -> None:
    check_labels_against_article(fixture)


@pytest.mark.parametrize("directory", EXTERNAL, ids=lambda d: f"{d.parent.name}/{d.name}")
def test_external_labels_are_grounded_in_their_fetched_article(directory: Path) -> None:
    """Runs on every external fixture whose article has been fetched; skips with the reason
    (and how to fetch it) when it has not. A fetched article with another sha256 fails."""
    labels = load_fixture(directory, articles=False).labels
    folder = default_articles_dir()
    if not (folder / f"{labels.id}.txt").is_file():
        pytest.skip(
            f"article {labels.id} is not fetched into {folder} (set NEWSBRIEF_ARTICLES_FROM, "
            f"or run evals/external/fetch.py --set {directory.parent.name})"
        )
    fixture = load_fixture(directory, folder)
    check_labels_against_article(fixture)
    check_labels_are_our_own_words(fixture)


RUN = 12  # words in a row shared with the article: a copied clause, not a name or a term


def check_labels_are_our_own_words(fixture: Fixture) -> None:
    """An external article's sentences stay out of the repository: no label but a quote
    locator shares RUN words in a row with it, and locators are short."""

    def runs(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", normalize(text).lower())
        return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}

    article = runs(fixture.article.read_text(encoding="utf-8"))
    labels = fixture.labels
    own = [labels.summary, labels.notes or "", *labels.key_facts]
    own += [t for p in labels.pledges for t in (p.commitment, p.condition or "")]
    own += [p.topic for p in labels.positions]
    for text in own:
        assert not runs(text) & article, f"copied from the article: {text[:80]}"
    for expert in labels.quoted_experts:
        for quote in expert.quotes:
            assert len(quote.text.split()) <= 16, f"quote is not a short locator: {quote.text}"


def test_external_sets_are_labels_only() -> None:
    for directory in EXTERNAL:
        fixture = load_fixture(directory, articles=False)
        assert fixture.external, f"{directory} has no source: it belongs in evals/fixtures"
        assert not any(p.suffix in (".txt", ".md", ".html") for p in directory.iterdir())


def check_labels_against_article(fixture: Fixture) -> None:
    article = read_source(str(fixture.article))
    clean = normalize(clean_article(article.raw, article.content_type).text)
    raw = normalize(article.raw)
    labels = fixture.labels
    for expert in labels.quoted_experts:
        assert any(is_grounded(n, clean) for n in [expert.name, *expert.aliases]), expert.name
        for quote in expert.quotes:
            assert is_grounded(quote.text, clean), f"not verbatim: {quote.text}"
    for item in [*labels.pledges, *labels.positions]:
        assert any(is_grounded(n, clean) for n in [item.actor, *item.aliases]), item.actor
    for leak in labels.leaks:
        assert normalize(leak) in raw, f"leak {leak!r} is not in the raw article"
        assert not is_grounded(leak, clean), f"leak {leak!r} survives cleaning"


def test_bad_labels_are_one_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "x1"
    folder.mkdir(parents=True)
    (folder / "article.txt").write_text("Some article text.")
    (folder / "labels.yaml").write_text("id: x1\nsummary: s\nkey_facts: [a, b, c]\nsumary: typo\n")
    with pytest.raises(InputError, match="sumary"):
        load_fixture(folder)
    (folder / "labels.yaml").write_text("id: other\nsummary: s\nkey_facts: [a, b, c]\n")
    with pytest.raises(InputError, match="says id 'other'"):
        load_fixture(folder)
    twin = tmp_path / "b" / "x1"
    twin.mkdir(parents=True)
    (twin / "article.txt").write_text("Other text.")
    (twin / "labels.yaml").write_text("id: x1\nsummary: s\nkey_facts: [a, b, c]\n")
    (folder / "labels.yaml").write_text("id: x1\nsummary: s\nkey_facts: [a, b, c]\n")
    with pytest.raises(InputError, match="duplicate fixture id 'x1'"):
        load_fixtures([tmp_path / "a", tmp_path / "b"])
