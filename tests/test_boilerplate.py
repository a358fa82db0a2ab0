"""Issue 11: boilerplate learned per site within a batch run, recorded with its reason."""

from __future__ import annotations

import json
from pathlib import Path

from newsbrief import batch
from newsbrief.boilerplate import Boilerplate, site_of
from newsbrief.clean import clean_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "bench" / "corpus").glob("*.txt"))
PROMO = "The Harbour Ledger is funded by readers like you"


def _with_promo(text: str) -> str:
    paragraphs = text.split("\n\n")
    paragraphs.insert(2, PROMO)
    return "\n\n".join(paragraphs)


def test_site_of_urls_and_paths() -> None:
    assert site_of("https://www.example.com/news/1") == "example.com"
    assert site_of("pages.warc.gz#https://news.example.org/a") == "news.example.org"
    assert site_of("/data/harbour/12.txt") == "/data/harbour"


def test_a_line_recurring_across_a_sites_articles_goes_with_its_reason() -> None:
    learner = Boilerplate()
    articles = [clean_text(_with_promo(p.read_text(encoding="utf-8"))) for p in CORPUS[:8]]
    for article in articles:
        learner.observe("harbour", article.text)
    stripped = learner.strip("harbour", articles[0])
    assert PROMO not in stripped.text
    assert [(r.kind, r.text, r.reason) for r in stripped.removed if r.kind == "boilerplate"] == [
        ("boilerplate", PROMO, "seen in 8 of 8 articles of harbour")
    ]
    # every other paragraph of the article is kept as it was
    kept = [p for p in articles[0].text.split("\n\n") if p != PROMO]
    assert stripped.text == "\n\n".join(kept)
    assert learner.strip("other", articles[0]) == articles[0]


def test_too_few_articles_is_no_evidence_and_learning_survives_a_save(tmp_path: Path) -> None:
    learner = Boilerplate()
    articles = [clean_text(_with_promo(p.read_text(encoding="utf-8"))) for p in CORPUS[:3]]
    for article in articles:
        learner.observe("harbour", article.text)
    assert learner.strip("harbour", articles[0]) == articles[0]  # 3 < MIN_ARTICLES
    learner.observe("harbour", articles[1].text)
    learner.save(tmp_path / "learned.json")
    loaded = Boilerplate.load(tmp_path / "learned.json")
    assert PROMO not in loaded.strip("harbour", articles[0]).text


def test_batch_learns_within_the_run_and_records_what_it_removed(tmp_path: Path) -> None:
    site = tmp_path / "harbour"
    site.mkdir()
    for i, path in enumerate(CORPUS[:8]):
        (site / f"{i}.txt").write_text(_with_promo(path.read_text(encoding="utf-8")))
    out = tmp_path / "out.jsonl"
    counts = batch.run([str(site)], out, strategy="floor", concurrency=1, cache=False,
                       log=False, boilerplate=Boilerplate())  # fmt: skip
    assert counts.done == 8
    records = [json.loads(line) for line in out.read_text().splitlines()]
    removed = [r.get("boilerplate_removed", []) for r in records]
    # the first pages of the site cannot know yet; from the fourth on the line is learned
    assert sum(bool(r) for r in removed) == 5
    assert all(r == [{"text": PROMO, "reason": r[0]["reason"]}] for r in removed if r)
