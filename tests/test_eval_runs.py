"""Eval runs, replay, compare with paired bootstrap, the gate, and the reports (HTML in a real
headless Chromium)."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsbrief.cli import app
from newsbrief.errors import EXIT_GATE
from newsbrief.evals import compare, report, runner
from newsbrief.evals.dataset import Labels, load_fixtures
from newsbrief.evals.runfile import Item, Run, ScoreEntry
from newsbrief.evals.scorers import SCORES

from .fault_server import FaultServer, fault_server

ROOT = Path(__file__).resolve().parents[1]
PICK = ("02_rate_decision", "03_climate_summit", "07_election_promises", "22_strike_noisy")


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    root = tmp_path / "fixtures"
    for name in PICK:
        shutil.copytree(ROOT / "evals" / "fixtures" / name, root / name)
    return root


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with fault_server() as state:
        yield state


def make_run(server: FaultServer, fixtures: Path, repeats: int = 1) -> Run:
    return runner.run_eval(
        prompt="brief@2", model="openai:fault", base_url=server.base_url, mode="json_schema",
        repeats=repeats, fixtures_dirs=[fixtures],
    )  # fmt: skip


def gold_run(fixtures: Path) -> Run:
    """A run whose briefs are the gold labels themselves (every list score 1.0)."""
    items = []
    for fixture in load_fixtures([fixtures]):
        labels = fixture.labels
        text = fixture.article.read_text(encoding="utf-8")
        brief = {
            "summary": labels.summary,
            "pledges": [{"actor": p.actor, "commitment": p.commitment, "condition": p.condition,
                         "evidence": ""} for p in labels.pledges],
            "positions": [{"actor": p.actor, "topic": p.topic, "stance": p.stance,
                           "statement": p.topic, "evidence": ""} for p in labels.positions],
            "quoted_experts": [e.model_dump() for e in labels.quoted_experts],
        }  # fmt: skip
        for expert in brief["quoted_experts"]:
            expert.pop("aliases")
        items.append(Item(id=fixture.id, repeat=0, source_text=text, brief=brief, meta={},
                          error=None, scores=[]))  # fmt: skip
    return runner.replay(runner.outside_run(items, prompt="gold@1", model="labels"), [fixtures])


def test_a_run_scores_every_fixture_and_replays_identically(
    server: FaultServer, fixtures: Path, tmp_path: Path
) -> None:
    run = make_run(server, fixtures, repeats=2)
    assert [(i.id, i.repeat) for i in run.items] == [(n, r) for n in PICK for r in (0, 1)]
    assert run.prompt == "brief@2" and len(run.prompt_sha256) == 64
    assert run.scores()["schema_valid"].mean == 1.0
    pledges = run.scores()["pledges"]
    assert None not in (pledges.micro_precision, pledges.micro_recall, pledges.micro_f1)
    path = tmp_path / "run.json"
    runner.save_run(run, path)
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["version"] == runner.RUN_VERSION
    assert {"micro_precision", "micro_recall", "micro_f1"} <= set(stored["summary"]["pledges"])
    again = runner.replay(runner.load_run(path), [fixtures])
    assert again.summary == run.summary
    assert [i.scores for i in again.items] == [i.scores for i in run.items]


def test_the_bootstrap_ci_of_identical_runs_is_zero() -> None:
    assert compare.paired_bootstrap([0.2, 0.5, 1.0], [0.2, 0.5, 1.0]) == (0.0, 0.0, 0.0)
    delta, low, high = compare.paired_bootstrap([0.0] * 10, [0.1] * 10)
    assert delta == pytest.approx(0.1) and low == pytest.approx(0.1) and high == pytest.approx(0.1)
    mixed = compare.paired_bootstrap([0.0] * 5 + [1.0] * 5, [1.0] * 5 + [0.0] * 5)
    assert mixed[0] == 0.0 and mixed[1] < 0 < mixed[2]
    assert compare.paired_bootstrap([0, 1, 0.5], [1, 0, 0.2]) == compare.paired_bootstrap(
        [0, 1, 0.5], [1, 0, 0.2]
    ), "seeded: the same runs give the same interval"


def test_a_better_run_passes_the_gate_and_a_worse_one_fails(
    server: FaultServer, fixtures: Path
) -> None:
    weak, gold = make_run(server, fixtures), gold_run(fixtures)
    better = compare.compare(weak, gold)
    assert not better.gate_failed and better.verdict.startswith("B is better")
    worse = compare.compare(gold, weak)
    assert worse.gate_failed and worse.verdict.startswith("B fails the gate: worse on")
    same = compare.compare(gold, gold)
    assert not same.gate_failed and same.verdict.startswith("no significant difference")
    assert all(f.low == f.high == 0.0 for f in same.fields if f.n)
    assert any(f["direction"] == "worse" for f in worse.flipped)


def test_hard_gates_catch_leaks_invalid_briefs_and_new_ungrounded_quotes(fixtures: Path) -> None:
    gold = gold_run(fixtures)
    bad = gold.model_copy(deep=True)
    first, second = bad.items[0], bad.items[1]
    assert first.brief is not None
    first.brief["summary"] += " Harbour Daily reports more."
    first.source_text = (ROOT / "evals/fixtures/22_strike_noisy/article.txt").read_text()
    second.brief = None
    second.error = "no valid reply"
    third = bad.items[3]
    assert third.brief is not None
    third.brief["quoted_experts"][0]["quotes"].append({"text": "Invented words.",
                                                       "kind": "direct"})  # fmt: skip
    # The leak belongs to that fixture.
    bad.items[0] = first.model_copy(update={"id": "22_strike_noisy"})
    bad.items[3] = third.model_copy(update={"id": "02_rate_decision"})
    result = compare.compare(gold, runner.replay(bad, [fixtures]))
    hard = {g["gate"]: g for g in result.hard}
    assert not hard["schema valid 100%"]["ok"]
    assert not hard["no leak"]["ok"] and "Harbour Daily" in hard["no leak"]["why"]
    assert not hard["no new ungrounded quote"]["ok"]
    assert result.gate_failed


def test_cli_eval_replay_compare_gate_and_reports(
    server: FaultServer, fixtures: Path, tmp_path: Path
) -> None:
    weak, gold = tmp_path / "weak.json", tmp_path / "gold.json"
    runner.save_run(make_run(server, fixtures), weak)
    runner.save_run(gold_run(fixtures), gold)
    replayed = tmp_path / "replayed.json"
    result = CliRunner().invoke(
        app, ["eval", "--replay", str(weak), "--fixtures", str(fixtures), "-o", str(replayed)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(replayed.read_text())["replayed"] is True
    md, html = tmp_path / "r.md", tmp_path / "r.html"
    result = CliRunner().invoke(app, ["eval", "compare", str(gold), str(weak), "--gate",
                                      "--report", str(md), "--report", str(html),
                                      "--fixtures", str(fixtures)])  # fmt: skip
    assert result.exit_code == EXIT_GATE, result.output
    assert "verdict" in result.output and "FAIL" in md.read_text()
    assert "<svg" in html.read_text()
    result = CliRunner().invoke(app, ["eval", "compare", str(weak), str(gold), "--gate"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["eval", "compare", str(weak), str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "cannot read run" in result.output


def test_compare_refuses_runs_of_different_fixture_sets_unless_asked(
    server: FaultServer, fixtures: Path, tmp_path: Path
) -> None:
    full, part = tmp_path / "full.json", tmp_path / "part.json"
    run = make_run(server, fixtures)
    runner.save_run(run, full)
    dropped = run.fixtures[0]

    def kept(items: list[Item]) -> list[Item]:
        return [i for i in items if i.id != dropped]

    assert run.floor is not None
    floor = run.floor.model_copy(update={"items": kept(run.floor.items)})
    runner.save_run(
        run.model_copy(update={"fixtures": run.fixtures[1:], "items": kept(run.items),
                               "floor": floor}), part
    )  # fmt: skip
    result = CliRunner().invoke(app, ["eval", "compare", str(full), str(part)])
    assert result.exit_code == 2, result.output
    assert f"different fixture sets (only A has {dropped})" in result.output
    assert "--shared-only" in result.output and result.output.count("\n") == 1
    result = CliRunner().invoke(app, ["eval", "compare", str(full), str(part), "--shared-only"])
    assert result.exit_code == 0 and "fixtures both runs have" in result.output
    result = CliRunner().invoke(app, ["eval", "compare", "floor", str(part)])
    assert result.exit_code == 0, result.output
    assert json.loads(full.read_text())["strategy"] == "focused"


def marked_runs(fixtures: Path) -> tuple[Run, Run, dict[str, Labels]]:
    """The gold run (A), and B: the first fixture's pledges emptied, an invented pledge added to
    the second's."""
    gold = gold_run(fixtures)
    worse = gold.model_copy(deep=True)
    emptied, padded = worse.items[0].brief, worse.items[1].brief
    assert emptied is not None and padded is not None
    emptied["pledges"] = []
    padded["pledges"].append(
        {"actor": "The moon", "commitment": "orbit faster", "condition": None, "evidence": ""}
    )
    worse = runner.replay(worse, [fixtures])
    return gold, worse, {f.id: f.labels for f in load_fixtures([fixtures])}


def test_the_reports_mark_matched_missed_and_extra_items_per_fixture(fixtures: Path) -> None:
    gold, worse, labels = marked_runs(fixtures)
    emptied, padded = (worse.items[i].id for i in (0, 1))
    wanted = {key: len(labels[key].pledges) for key in (emptied, padded)}
    assert wanted[emptied] >= 1
    comparison = compare.compare(gold, worse)
    text = report.to_markdown(comparison, gold, worse, labels)
    section = text.split(f"### {emptied}\n")[1].split("### ")[0]
    assert f"- A pledges: matched {wanted[emptied]}, missed 0, extra 0\n" in section
    missed = "; ".join(report.gold_lines(labels[emptied])["pledges"])
    assert f"- B pledges: matched 0, missed {wanted[emptied]} ({missed}), extra 0\n" in section
    section = text.split(f"### {padded}\n")[1].split("### ")[0]
    assert (f"- B pledges: matched {wanted[padded]}, missed 0, extra 1 (The moon: orbit faster)"
            in section)  # fmt: skip
    assert "- A experts: matched " in section
    page = report.to_html(comparison, gold, worse, labels)
    cells = {key: page.split(f"<summary>{key}</summary>")[1].split("</details>")[0]
             for key in (emptied, padded)}  # fmt: skip
    _, expected, got_a, got_b = re.split("<td class='(?:expected|got-a|got-b)'>", cells[emptied])
    assert expected.count("title='missed by B'") == wanted[emptied]
    assert expected.count("title='matched by A'") >= wanted[emptied]
    assert (
        got_b.split("<b>Positions")[0].count("<span class='mark miss'>missed</span>")
        == (wanted[emptied])
    )
    assert "missed</span>" not in got_a and "extra</span>" not in got_a
    got_b = cells[padded].split("<td class='got-b'>")[1]
    assert "<span class='mark extra'>extra</span> The moon: orbit faster" in got_b
    # Without the runs, the Markdown report is the summary alone, as before.
    assert "## Fixtures" not in report.to_markdown(comparison)


def test_the_html_report_in_headless_chromium(fixtures: Path, tmp_path: Path) -> None:
    webdriver = pytest.importorskip("selenium.webdriver")
    if shutil.which("chromedriver") is None:
        if os.environ.get("CI"):
            pytest.fail("chromium-driver is not installed, and CI must run this test")
        pytest.skip("chromium-driver is not installed (.ci/run installs it)")
    gold, worse, labels = marked_runs(fixtures)
    page = tmp_path / "report.html"
    page.write_text(report.to_html(compare.compare(gold, worse), gold, worse, labels))
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        driver.get(page.as_uri())
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
        chart = driver.find_element("id", "chart")
        assert chart.is_displayed() and chart.size["width"] > 300
        bars = driver.find_elements("css selector", "#chart rect.bar-b")
        assert len(bars) >= 8 and any(float(b.get_attribute("width")) > 0 for b in bars)
        assert "Verdict" in driver.find_element("id", "verdict").text
        assert len(driver.find_elements("tag name", "details")) == len(PICK)
        # Issue 15: whiskers for every interval, labels inside the chart, A before B, and a
        # "changed fixtures only" view.
        whiskers = driver.find_elements("css selector", "#chart circle")
        assert len(whiskers) == sum(1 for f in compare.compare(gold, worse).fields if f.n)
        right = chart.location["x"] + chart.size["width"]
        for label in driver.find_elements("css selector", "#chart text"):
            assert label.location["x"] + label.size["width"] <= right + 1, label.text
        head = driver.find_element("css selector", "table.diff tr").get_attribute("textContent")
        assert head.index("Got (A)") < head.index("Got (B)")
        first = driver.find_elements("tag name", "details")[0]
        first.click()
        marks = first.find_elements("css selector", ".mark.miss")
        assert marks and all(m.is_displayed() for m in marks), "missed items are marked"
        driver.find_element("id", "only-changed").click()
        visible = [d for d in driver.find_elements("tag name", "details") if d.is_displayed()]
        assert len(visible) == 2, "only the fixtures whose pledges were emptied or padded"
    finally:
        driver.quit()


def test_the_judge_scores_key_facts_and_caches_its_answers(fixtures: Path) -> None:
    from newsbrief.brief.llm import LLM

    from .conftest import FakeProvider

    gold = gold_run(fixtures)
    facts = sum(len(f.labels.key_facts) for f in load_fixtures([fixtures]))
    provider = FakeProvider([{"answer": "yes"}, {"answer": "no"}] * facts)
    judged = runner.replay(gold, [fixtures], judge="fake:judge", judge_llm=LLM(provider))
    # Every key fact is judged twice: in the run's summary and in the no-model floor's lead.
    assert len(provider.requests) == 2 * facts
    first = provider.requests[0]["messages"]
    assert "Fact:" in first[-1]["content"] and first[0]["role"] == "system"
    assert provider.requests[0]["temperature"] == 0.0
    assert judged.floor is not None
    items = judged.items + judged.floor.items
    scores = [s for i in items for s in i.scores if s.name == "key_facts_judge"]
    assert len(scores) == 2 * len(PICK) and sum(s.tp for s in scores) == facts
    again = runner.replay(gold, [fixtures], judge="fake:judge", judge_llm=LLM(provider))
    assert len(provider.requests) == 2 * facts, "the second replay is served from the cache"
    assert again.summary["key_facts_judge"] == judged.summary["key_facts_judge"]
    assert "key_facts_judge" in {f.name for f in compare.compare(judged, again).fields}
    assert "key_facts_judge" not in {f.name for f in compare.compare(gold, gold).fields}


@pytest.mark.parametrize(
    ("low", "high", "verdict"),
    [
        (0.01, 0.2, "better"),
        (-0.2, -0.01, "worse"),
        (-0.01, 0.015, "no significant difference"),
        (0.0, 0.0, "no significant difference"),
        (-0.031, 0.074, "inconclusive"),  # issue 15: this was shown as FAIL, "may be worse"
        (-0.05, 0.0, "inconclusive"),
        (None, None, None),
    ],
)
def test_each_field_gets_one_of_four_verdicts(
    low: float | None, high: float | None, verdict: str | None
) -> None:
    assert compare.field_verdict(low, high, 0.02) == verdict


def _pledge_run(name: str, values: list[float]) -> Run:
    items = [Item(id=f"f{i}", brief=None, meta={}, error=None,
                  scores=[ScoreEntry(name="pledges", value=v, explanation=""),
                          ScoreEntry(name="schema_valid", value=1.0, explanation="")])
             for i, v in enumerate(values)]  # fmt: skip
    return runner.outside_run(items, prompt=name, model="m")


def test_an_inconclusive_field_does_not_fail_the_gate_and_is_named() -> None:
    a = _pledge_run("a", [0.5] * 12)
    b = _pledge_run("b", [0.9, 0.1, 0.6, 0.4, 0.55, 0.45, 0.7, 0.3, 0.52, 0.5, 0.62, 0.4])
    result = compare.compare(a, b)
    pledges = next(f for f in result.fields if f.name == "pledges")
    assert pledges.low is not None and pledges.low < -0.02 < 0 < pledges.high
    assert pledges.verdict == "inconclusive" and not pledges.failed
    assert not result.gate_failed
    assert result.verdict.startswith("inconclusive on pledges")
    worse = compare.compare(a, _pledge_run("b", [0.3] * 6 + [0.35] * 6))
    assert worse.gate_failed and worse.verdict.startswith("B fails the gate: worse on pledges")
    slightly = compare.compare(a, _pledge_run("b", [0.49] * 12))
    assert not slightly.gate_failed
    assert "worse within the tolerance on pledges" in slightly.verdict


def test_the_compare_table_fits_80_columns_and_says_inconclusive(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(_pledge_run("a", [0.5] * 12).dumps())
    b.write_text(_pledge_run(
        "b", [0.9, 0.1, 0.6, 0.4, 0.55, 0.45, 0.7, 0.3, 0.52, 0.5, 0.62, 0.4]).dumps())  # fmt: skip
    result = CliRunner().invoke(app, ["eval", "compare", str(a), str(b), "--gate"],
                                env={"COLUMNS": "80"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "inconclusive" in result.output and "FAIL " not in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


BASELINES = sorted((ROOT / "evals" / "baselines").glob("*.json"))


@pytest.mark.parametrize("path", BASELINES, ids=[p.name for p in BASELINES])
def test_every_committed_baseline_loads_keeps_its_shape_and_replays(path: Path) -> None:
    run = runner.load_run(path)
    assert json.loads(run.dumps()) == json.loads(path.read_text(encoding="utf-8"))
    if any(item.redacted for item in run.items):
        return  # an external set's scores only: compared, never replayed
    again = runner.replay(run, [ROOT / "evals" / "fixtures"])
    declared = {spec.name for spec in SCORES if spec.name != "key_facts_judge"}  # no judge here
    assert again.ids() == run.ids() and set(again.scores()) == declared
    assert again.floor is not None or run.strategy == "floor"


def test_a_run_file_that_is_not_one_says_what_is_wrong_in_one_line(tmp_path: Path) -> None:
    from newsbrief.errors import InputError

    good = json.loads((ROOT / "evals" / "baselines" / "floor@4.json").read_text("utf-8"))
    cases = {
        "version": ({**good, "version": 2}, "is not a version 1 run file (it says version 2)"),
        "type": ({**good, "repeats": "twice"}, "run file: repeats: Input should be a valid"),
        "unknown": ({**good, "colour": "blue"}, "run file: colour: Extra inputs are not"),
        "missing": ({k: v for k, v in good.items() if k != "created"}, "created: Field required"),
    }
    for name, (data, said) in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(InputError) as caught:
            runner.load_run(path)
        assert said in str(caught.value) and "\n" not in str(caught.value), name
