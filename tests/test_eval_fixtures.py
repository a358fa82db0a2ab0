"""The committed fixtures: valid labels, and labels that agree with their own articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsbrief.clean import clean_article
from newsbrief.errors import InputError
from newsbrief.evals.dataset import load_fixture, load_fixtures
from newsbrief.grounding import is_grounded, normalize
from newsbrief.ingest import read_source

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = load_fixtures([ROOT / "evals" / "fixtures"])


def test_there_are_at_least_twenty_varied_fixtures() -> None:
    assert len(FIXTURES) >= 20
    assert any(f.article.suffix == ".html" for f in FIXTURES)
    assert any(not f.labels.pledges for f in FIXTURES), "an article with no pledges"
    assert any(p.condition for f in FIXTURES for p in f.labels.pledges), "conditional pledges"
    assert any(f.labels.leaks for f in FIXTURES), "noisy articles with chrome to leak"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.id)
def test_labels_are_grounded_in_their_article(fixture: object) -> None:
    from newsbrief.evals.dataset import Fixture

    assert isinstance(fixture, Fixture)
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
