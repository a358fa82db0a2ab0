"""Issue 11: boilerplate learned per site within a batch run, recorded with its reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsbrief import batch
from newsbrief.clean import clean_text
from newsbrief.clean.boilerplate import Boilerplate, site_of
from newsbrief.cli import app

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


def _site_folder(tmp_path: Path, count: int = 8) -> Path:
    site = tmp_path / "harbour"
    site.mkdir()
    for i, path in enumerate(CORPUS[:count]):
        (site / f"{i}.txt").write_text(_with_promo(path.read_text(encoding="utf-8")))
    return site


def _removed(out: Path) -> list[list[dict[str, str]]]:
    records = [json.loads(line) for line in out.read_text().splitlines()]
    return [r.get("boilerplate_removed", []) for r in records]


def test_learn_boilerplate_first_strips_every_article_and_saves_what_it_learned(
    tmp_path: Path,
) -> None:
    site = _site_folder(tmp_path)
    out, learned = tmp_path / "out.jsonl", tmp_path / "learned.json"
    args = ["batch", str(site), "-o", str(out), "--strategy", "floor", "-q"]
    result = CliRunner().invoke(app, [*args, "--learn-boilerplate", "--save-boilerplate",
                                      str(learned)])  # fmt: skip
    assert result.exit_code == 0, result.output
    removed = _removed(out)
    assert len(removed) == 8
    # learned before the run: the first articles of the site lose the line too
    assert all(r == [{"text": PROMO, "reason": "seen in 8 of 8 articles of " + str(site)}]
               for r in removed)  # fmt: skip
    assert Boilerplate.load(learned).is_boilerplate(str(site), PROMO) == 8
    # a later run starts from the saved lines: its first article is stripped as well
    again = tmp_path / "again.jsonl"
    result = CliRunner().invoke(app, ["batch", str(site / "0.txt"), "-o", str(again),
                                      "--strategy", "floor", "-q", "--boilerplate",
                                      str(learned)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [r[0]["text"] for r in _removed(again)] == [PROMO]


def test_without_learning_the_line_stays(tmp_path: Path) -> None:
    site = _site_folder(tmp_path, 5)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["batch", str(site), "-o", str(out), "--strategy", "floor",
                                      "-q"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _removed(out) == [[]] * 5


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--boilerplate", "{missing}"], "cannot read learned boilerplate from"),
        (["--boilerplate", "{bad}"], "cannot read learned boilerplate from"),
        (["--learn-boilerplate", "--engine", "ray"], "boilerplate learning works with live"),
        (["--save-boilerplate", "{nofolder}"], "no such folder"),
    ],
)
def test_bad_boilerplate_options_are_one_line_exit_2(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    site = _site_folder(tmp_path, 1)
    bad = tmp_path / "bad.json"
    bad.write_text('{"articles": 3}')
    paths = {"missing": tmp_path / "none.json", "bad": bad,
             "nofolder": tmp_path / "no" / "f.json"}  # fmt: skip
    extra = [a.format(**paths) for a in extra]
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["batch", str(site), "-o", str(out), "--strategy", "floor",
                                      *extra])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert not out.exists()
