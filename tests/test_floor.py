"""The no-model floor: fixed rules, zero LLM calls, grounded by construction."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsbrief import api
from newsbrief.base import strategy_version
from newsbrief.brief.grounding import is_grounded, normalize
from newsbrief.brief.rules.sentences import LEAD_SENTENCES, lead_summary
from newsbrief.brief.strategies.floor import floor_brief
from newsbrief.clean import clean_article
from newsbrief.cli import app

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ec47db115828c336.txt"


def test_the_floor_briefs_the_seed_without_a_model() -> None:
    result = api.summarize(str(SEED), strategy="floor", cache=False, log=False)
    meta = result.meta
    assert meta["model"] == "none" and meta["strategy"] == "floor"
    assert (
        meta["prompt"] == f"floor@{strategy_version('floor')}" and len(meta["prompt_sha256"]) == 64
    )
    assert meta["attempts"] == 0
    assert meta["usage"] == {"prompt_tokens": 0, "completion_tokens": 0}
    assert meta["grounding"]["ungrounded"] == []
    brief, text = result.brief, result.clean.text
    # The lead: the first sentences of the body, not the headline.
    assert result.clean.title and result.clean.title not in brief.summary
    assert brief.summary.startswith("Chinese Premier Li Qiang")
    assert all(p.evidence in text for p in brief.pledges)
    assert all(p.evidence in text for p in brief.positions)
    assert brief.pledges and brief.positions
    experts = {e.name for e in brief.quoted_experts}
    assert {"Yang Jin", "Zhao Huirong"} <= experts
    assert "Lukashenko" not in experts  # the president is an official, not an expert
    for expert in brief.quoted_experts:
        assert expert.quotes
        for quote in expert.quotes:
            assert quote.kind == "indirect" or quote.text in text


def test_the_lead_is_the_first_body_sentences() -> None:
    cleaned = clean_article(
        "Council agrees new budget for the harbour\n\n"
        "The city council approved the budget on Monday. It adds two ferries. "
        "The mayor said the fares would stay the same. Critics called it late.\n"
    )
    assert cleaned.title == "Council agrees new budget for the harbour"
    summary = lead_summary(cleaned)
    assert summary.startswith("The city council approved")
    assert summary.count(".") == LEAD_SENTENCES
    assert "Critics" not in summary


def test_the_floor_finds_a_conditional_pledge_and_its_actor() -> None:
    cleaned = clean_article(
        "Ministers agree on river plan\n\n"
        "Water Minister Ana Ruiz said the government will build three new dams if parliament "
        "approves the budget in March.\n"
    )
    brief, dropped = floor_brief(cleaned)
    assert not dropped
    [pledge] = brief.pledges
    assert pledge.actor == "the government"  # the nearest actor before the cue
    assert pledge.commitment.startswith("build three new dams")
    assert pledge.condition == "if parliament approves the budget in March"


def test_cli_summarize_with_the_floor_and_a_bad_strategy() -> None:
    result = CliRunner().invoke(app, ["summarize", str(SEED), "--strategy", "floor",
                                      "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["meta"]["model"] == "none"
    result = CliRunner().invoke(app, ["summarize", str(SEED), "--strategy", "nope"])
    assert result.exit_code == 2
    assert "unknown strategy 'nope'" in result.output and "focused, whole, floor" in result.output


WORDS = st.sampled_from(
    "the minister will said analysts pledged to build roads if voters agree Maria Lopez "
    "professor at Northfield University supports opposes condemned warned against “we will "
    "act,” Beijing and Minsk the two sides shall plans to".split()
)
SENTENCES = st.lists(WORDS, min_size=3, max_size=25).map(lambda ws: " ".join(ws).capitalize() + ".")


@given(st.lists(st.lists(SENTENCES, min_size=1, max_size=4), min_size=1, max_size=6))
def test_every_floor_excerpt_is_in_the_article(paragraphs: list[list[str]]) -> None:
    text = "\n\n".join(" ".join(p) for p in paragraphs)
    cleaned = clean_article(text)
    brief, _ = floor_brief(cleaned)
    source = normalize(cleaned.text)
    for item in [*brief.pledges, *brief.positions]:
        assert is_grounded(item.evidence, source)
    for expert in brief.quoted_experts:
        assert is_grounded(expert.name, source)
        assert all(q.kind == "indirect" or is_grounded(q.text, source) for q in expert.quotes)
    assert all(s in cleaned.text for s in brief.summary.split(". ") if s) or not brief.summary


def test_the_floor_finds_experts_introduced_the_ways_news_does() -> None:
    cleaned = clean_article(
        "Dam talks stall again\n\n"
        "Officials met on Monday. “The river is running out of time,” said hydrologist Dr. "
        "Paula Brandt of the Lowland Water Institute. Northfield University economist Sam Ortega "
        "said the costs would double by 2030.\n\n"
        "Lena Fischer of the University of Ostmark said, “Nobody has priced the risk.” "
        "Finance Minister Karl Weber of the Ostmark Party said taxes would stay.\n"
    )
    brief, _ = floor_brief(cleaned)
    found = {e.name: e for e in brief.quoted_experts}
    assert set(found) == {"Paula Brandt", "Sam Ortega", "Lena Fischer"}  # not the minister
    assert found["Sam Ortega"].role == "economist"
    assert found["Sam Ortega"].affiliation == "Northfield University"
    assert found["Lena Fischer"].affiliation == "University of Ostmark"
    assert [q.text for q in found["Lena Fischer"].quotes] == ["Nobody has priced the risk."]
    assert found["Paula Brandt"].quotes[0].kind == "direct"
