"""External fixture sets: labels in the repository, the article fetched into a local folder and
checked by sha256; runs keep their scores and never the article's text."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from newsbrief.base import strategy_version
from newsbrief.brief.rules.sentences import split_sentences
from newsbrief.cli import app
from newsbrief.errors import InputError
from newsbrief.evals import compare, runner
from newsbrief.evals.dataset import load_fixtures

from .fault_server import FaultServer, fault_server

ROOT = Path(__file__).resolve().parents[1]
PICK = ("02_rate_decision", "07_election_promises")


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with fault_server() as state:
        yield state


@pytest.fixture
def external(tmp_path: Path) -> tuple[Path, Path]:
    """An external set made from two in-repo fixtures: (set folder, articles folder)."""
    root, articles = tmp_path / "external" / "demo", tmp_path / "articles"
    articles.mkdir()
    for name in PICK:
        source = ROOT / "evals" / "fixtures" / name
        data = (source / "article.txt").read_bytes()
        (articles / f"{name}.txt").write_bytes(data)
        labels = yaml.safe_load((source / "labels.yaml").read_text(encoding="utf-8"))
        labels["source"] = {
            "repo": "example/news", "commit": "a" * 40, "path": f"articles/{name}.txt",
            "sha256": hashlib.sha256(data).hexdigest(), "licence": "CC BY 4.0",
        }  # fmt: skip
        (root / name).mkdir(parents=True)
        (root / name / "labels.yaml").write_text(yaml.safe_dump(labels), encoding="utf-8")
    return root, articles


def test_an_external_article_must_be_fetched_and_match_its_sha256(
    external: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, articles = external
    monkeypatch.setenv("NEWSBRIEF_ARTICLES_FROM", str(tmp_path / "nowhere"))
    with pytest.raises(InputError, match="is external") as missing:
        load_fixtures([root])
    assert "fetch.py" in missing.value.hint
    fixtures = load_fixtures([root], articles)
    assert [f.external for f in fixtures] == [True, True]
    assert fixtures[0].article == articles / f"{PICK[0]}.txt"
    # Only labels are needed to re-score: no article is read then.
    assert len(load_fixtures([root], articles=False)) == 2
    (articles / f"{PICK[0]}.txt").write_text("Another text.", encoding="utf-8")
    with pytest.raises(InputError, match="sha256") as changed:
        load_fixtures([root], articles)
    assert "example/news@aaaaaaaaaa" in changed.value.message
    (articles / f"{PICK[0]}.txt").unlink()
    with pytest.raises(InputError, match="is missing"):
        load_fixtures([root], articles)


def test_an_external_fixture_may_not_hold_its_article(external: tuple[Path, Path]) -> None:
    root, articles = external
    shutil.copy(articles / f"{PICK[0]}.txt", root / PICK[0] / "article.txt")
    with pytest.raises(InputError, match="never committed"):
        load_fixtures([root], articles)


def test_a_run_on_an_external_set_keeps_scores_and_no_article_text(
    external: tuple[Path, Path], server: FaultServer, tmp_path: Path
) -> None:
    root, articles = external
    run = runner.run_eval(model="openai:fault", base_url=server.base_url, mode="json_schema",
                          fixtures_dirs=[root], articles_from=articles)  # fmt: skip
    assert run.external == sorted(PICK)
    assert {i.id for i in run.items} == set(PICK)
    assert all(i.redacted and i.brief is None for i in run.items)
    assert run.floor is not None and len(run.floor.items) == 2
    assert run.summary["pledges"].n == 2 and run.floor.summary["pledges"].n == 2
    path = tmp_path / "run.json"
    runner.save_run(run, path)
    stored = path.read_text(encoding="utf-8")
    for name in PICK:
        text = (articles / f"{name}.txt").read_text(encoding="utf-8")
        for sentence in split_sentences(text):
            if len(sentence.split()) >= 6:
                assert sentence not in stored
                assert json.dumps(sentence)[1:-1] not in stored
    # Scores compare as usual, against the floor too; a redacted run cannot be replayed.
    result = compare.compare(runner.floor_run(run), run)
    assert {f.name for f in result.fields} >= {"pledges", "rouge_l", "key_facts"}
    with pytest.raises(InputError, match="without its text"):
        runner.replay(runner.load_run(path), [root])
    kept = runner.run_eval(
        model="openai:fault", base_url=server.base_url, mode="json_schema",
        fixtures_dirs=[root], articles_from=articles, keep_text=True,
    )  # fmt: skip
    assert all(i.source_text and not i.redacted for i in kept.items)


def test_cli_eval_prints_the_floor_beside_the_model_and_compares_against_it(
    external: tuple[Path, Path], server: FaultServer, tmp_path: Path
) -> None:
    root, articles = external
    out = tmp_path / "run.json"
    result = CliRunner().invoke(app, [
        "eval", "--model", "openai:fault", "--base-url", server.base_url, "--mode", "json_schema",
        "--fixtures", str(root), "--articles-from", str(articles), "-o", str(out),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "floor (no model)" in result.output and "2 external" in result.output
    result = CliRunner().invoke(app, ["eval", "compare", "floor", str(out)])
    assert result.exit_code == 0, result.output
    assert f"vs A floor@{strategy_version('floor')} on none" in result.output
    floor_out = tmp_path / "floor.json"
    result = CliRunner().invoke(app, [
        "eval", "--strategy", "floor", "--fixtures", str(root), "--articles-from", str(articles),
        "-o", str(floor_out),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    floor = json.loads(floor_out.read_text())
    assert floor["model"] == "none" and floor["summary"]["cost"]["prompt_tokens"] == 0
    missing = {"NEWSBRIEF_ARTICLES_FROM": str(tmp_path / "none")}
    result = CliRunner().invoke(app, ["eval", "--fixtures", str(root), "--yes"], env=missing)
    assert result.exit_code == 2 and "fetch.py" in result.output


def test_the_pledge_development_set_holds_labels_and_no_article_text() -> None:
    path = Path(__file__).resolve().parents[1] / "evals/external/pledges/wikinews_dev.json"
    labels = json.loads(path.read_text("utf-8"))
    articles = labels["articles"]
    assert len(articles) == 60 and sum(len(a["pledges"]) for a in articles) == 62
    assert len({(a["path"], a["selector"]) for a in articles}) == 60
    for article in articles:
        assert set(article) == {"id", "path", "selector", "date", "sha256", "pledges"}
        for pledge in article["pledges"]:
            assert set(pledge) == {"actor", "aliases", "commitment", "condition"}
            assert len(pledge["commitment"].split()) <= 12  # a phrase, never a copied clause
    real = Path(__file__).resolve().parents[1] / "evals/external/real"
    held = {
        (y["source"]["path"], y["source"]["selector"])
        for y in (yaml.safe_load(f.read_text("utf-8")) for f in real.glob("wn_*/labels.yaml"))
    }
    assert held and not held & {(a["path"], a["selector"]) for a in articles}  # not the yardstick
