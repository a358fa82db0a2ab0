"""Regressions found by a review of the attribution layer and floor 4 (texts written here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbrief import api, batch
from newsbrief.base import jsonl_lines
from newsbrief.brief.grounding import locate
from newsbrief.brief.llm import LLM
from newsbrief.brief.rules import attribution, claims
from newsbrief.brief.strategies.floor import floor_brief
from newsbrief.clean import clean_article
from newsbrief.errors import ConfigError, InputError
from newsbrief.evals import polnear
from tests.test_readers_hardening import AutoProvider


def speakers(text: str) -> list[str | None]:
    return [a.speaker for a in attribution.attributions(text)]


def test_a_bullet_taken_for_a_subject_does_not_crash_the_floor() -> None:
    cleaned = clean_article(
        "Council approves budget\n\nThe council met on Monday to discuss the budget.\n\n"
        "• says the plan will work.\n\n» said\n"
    )
    brief, dropped = floor_brief(cleaned)
    assert not dropped and all(p.actor.strip("•» ") for p in brief.pledges)


def test_a_pronoun_is_not_a_person_named_inside_the_quotation() -> None:
    text = (
        "Harbour talks\n\nMayor Hana Okoro spoke in Kessel on Monday. “We will meet Ivo Brandt "
        "next week to sign the ferry deal,” she said.\n"
    )
    brief, _ = floor_brief(clean_article(text))
    assert [p.actor for p in brief.pledges] == ["Hana Okoro"]
    assert "Hana Okoro" in speakers("Hana Okoro arrived. “I spoke with Ivo Brandt,” she said.")


def test_they_is_no_place_and_the_president_is_the_nearest_titled() -> None:
    assert speakers("Verdan officials met in Lisbon on Monday. They said the deal was fair.") == [
        "They"
    ]
    found = speakers(
        "President Ana Ruiz met President Tom Hale. Later, President Ivo Brandt arrived. "
        "The president said the deal was fair."
    )
    assert found == ["Ivo Brandt"]


def test_an_enclosing_report_is_found_behind_many_inner_ones() -> None:
    inner = " ".join(f"Tom said the price of item {i} is fair." for i in range(80))
    text = f"Mayor Hana Okoro said: “{inner} We will cut taxes next year.”"
    analysis = attribution.analyse(text)
    assert [f.item.actor for f in claims.pledge_candidates(analysis)] == ["Hana Okoro"]
    assert sum(a.within is None for a in analysis.attributions) == 1


def test_index_holding_matches_a_plain_scan() -> None:
    spans = [(0, 1000, 0)] + [(10 * i + 5, 10 * i + 9, i + 1) for i in range(200)]
    index = attribution.SpanIndex(spans)
    for start in range(0, 1000, 7):
        expected = {v for lo, hi, v in spans if lo <= start and start + 1 <= hi}
        assert set(index.holding(start, start + 1)) <= expected
        assert 0 in set(index.holding(start, start + 1))  # the enclosing span, always


def test_locate_finds_excerpts_at_word_boundaries() -> None:
    text = "Ana Ruiz spoke. She will build a  bridge. He will build a bridge."
    start, end, alignment = locate("he will build a bridge", text) or (0, 0, "")
    assert text[start:end] == "He will build a bridge" and alignment == "fuzzy"
    start, end, alignment = locate("will build a bridge", text) or (0, 0, "")
    assert text[start:end] == "will build a bridge" and alignment == "exact"
    assert locate("uild a bridge", text) is None


def test_a_two_part_gold_content_keeps_both_parts() -> None:
    ann = (
        "T1\tSource 0 3\tAna\nT2\tCue 4 8\tsaid\nT3\tContent 10 20\tabcdefghij\n"
        "T4\tAttribution 4 8\tsaid\nT5\tContent 30 40\tklmnopqrst\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1 Content2:T5\n"
    )
    [gold] = polnear.parse_ann(ann)
    assert gold.content == ((10, 20), (30, 40))


def test_a_partial_polnear_clone_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "clone" / "data" / "train" / "text").mkdir(parents=True)
    with pytest.raises(InputError, match="not a whole PolNeAR clone"):
        polnear.fetch(tmp_path / "clone", tmp_path / "into")


def test_a_folder_that_is_no_pipeline_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "meta.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv(attribution.MODEL_ENV, str(broken))
    attribution.pipeline.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"cannot be loaded|no English spaCy pipeline"):
            attribution.pipeline()
    finally:
        monkeypatch.delenv(attribution.MODEL_ENV)
        attribution.pipeline.cache_clear()


def test_a_model_passed_as_an_object_is_a_model_asked_for(tmp_path: Path) -> None:
    assert api.run_settings(None, None, None).model_given is False
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "a1", "text": "Harbour\n\nThe council will build a ferry pier."}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    batch.run([str(source)], out, llm=LLM(AutoProvider()), cache=False, log=False)
    [record] = [json.loads(line) for line in jsonl_lines(out.read_text(encoding="utf-8"))]
    assert record["meta"]["strategy"] == "focused"  # the model given, not the floor
    batch.run([str(source)], tmp_path / "floor.jsonl", cache=False, log=False)
    [floor] = [json.loads(line) for line in (tmp_path / "floor.jsonl").read_text().splitlines()]
    assert floor["meta"]["strategy"] == "floor"  # no model named: the default
