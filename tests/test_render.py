"""Rendering a result dict: JSON as is, Markdown and the terminal view with the meta footer."""

from __future__ import annotations

import copy
import io
import json
from contextlib import redirect_stdout
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbrief import render

RESULT: dict[str, Any] = {
    "article": {"id": "a1", "source": "a.txt", "title": "Council approves bridge"},
    "brief": {
        "summary": "The council approved the bridge.",
        "pledges": [
            {
                "actor": "The council",
                "commitment": "build the bridge",
                "condition": None,
                "evidence": "The council will build the bridge.",
            }
        ],
        "positions": [],
        "quoted_experts": [
            {
                "name": "Ana Ruiz",
                "role": "engineer",
                "affiliation": "TU Delft",
                "quotes": [{"text": "It is sound.", "kind": "direct"}],
            }
        ],
    },
    "meta": {
        "model": "openai:m",
        "prompt": "brief@3",
        "strategy": "whole",
        "latency_ms": 1500,
        "usage": {"prompt_tokens": 10, "completion_tokens": 5},
        "attempts": 4,
        "grounding": {"checked": 2, "grounded": 2, "ungrounded": [], "dropped": []},
        "cached": False,
    },
}


def test_json_is_the_result_itself() -> None:
    assert json.loads(render.to_json(RESULT)) == RESULT


def test_markdown_has_every_part_and_the_footer() -> None:
    text = render.to_markdown(RESULT)
    assert text.startswith("# Council approves bridge")
    for expected in ("The council approved the bridge.", "build the bridge", "Ana Ruiz",
                     "It is sound.", "openai:m · brief@3 (whole)", "grounded 2/2"):  # fmt: skip
        assert expected in text


def test_a_footer_without_a_strategy_still_renders() -> None:
    """Results cached before strategies were recorded have no strategy in meta."""
    meta = {k: v for k, v in RESULT["meta"].items() if k != "strategy"}
    assert "openai:m · brief@3 · 1.5 s" in render.to_markdown({**RESULT, "meta": meta})


@pytest.mark.parametrize("fmt", render.FORMATS)
def test_emit_prints_every_format(fmt: str) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        render.emit(RESULT, fmt)
    assert "Ana Ruiz" in out.getvalue()


def _pretty(result: dict[str, Any], width: int = 80) -> str:
    from rich.console import Console

    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(render.to_rich(result))
    return out.getvalue()


def _long_result() -> dict[str, Any]:
    result = copy.deepcopy(RESULT)
    result["brief"]["positions"].append({
        "actor": "Residents' association of the northern district", "topic": "bridge tolls",
        "stance": "opposes", "statement": "Tolls would burden commuters who pay for parking.",
        "evidence": "The residents' association said on Tuesday that the proposed tolls would "
        "place an unfair burden on commuters who already pay high parking charges.",
    })  # fmt: skip
    result["brief"]["quoted_experts"][0]["quotes"].append(
        {"text": "The design was reviewed by three firms and found safe.", "kind": "indirect"}
    )
    result["meta"]["grounding"]["dropped"] = [
        {"part": "pledges", "text": "The mayor will resign.", "reason": "not in the article"}
    ]
    result["meta"]["model"] = "openai:a-rather-long-model-name-from-a-provider-2026-01"
    result["meta"]["grounding"].update(checked=20, grounded=20)
    return result


def test_the_pretty_view_shows_evidence_quote_kinds_and_what_grounding_dropped() -> None:
    text = _pretty(_long_result())
    joined = " ".join(line.strip() for line in text.splitlines())
    for expected in (
        "evidence: “The council will build the bridge.”",
        "opposes · bridge tolls",
        "unfair burden on commuters who already pay high parking charges.”",
        "direct: “It is sound.”",
        "indirect: The design was reviewed by three firms and found safe.",
        "Grounding dropped 1 item(s), with why:",
        "pledges: “The mayor will resign.” (not in the article)",
    ):
        assert expected in joined, expected


def test_the_pretty_view_fits_80_columns_and_keeps_the_whole_footer() -> None:
    text = _pretty(_long_result())
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
    assert "…" not in text, "nothing is cut to an ellipsis"
    joined = " ".join(line.strip() for line in text.splitlines())
    assert "4 calls · grounded 20/20" in joined


@settings(max_examples=40)
@given(
    words=st.lists(st.text(alphabet=st.characters(codec="ascii", categories=["L", "N"]),
                           min_size=1, max_size=60), min_size=1, max_size=40),
    width=st.integers(min_value=40, max_value=120),
)  # fmt: skip
def test_the_pretty_view_never_overflows_or_cuts(words: list[str], width: int) -> None:
    phrase = " ".join(words)
    result = copy.deepcopy(RESULT)
    result["article"]["title"] = phrase
    result["brief"]["summary"] = phrase
    pledge = result["brief"]["pledges"][0]
    pledge.update(actor=phrase, commitment=phrase, evidence=phrase, condition=phrase)
    text = _pretty(result, width)
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    assert "…" not in text
    assert "grounded 2/2" in " ".join(text.split())


def test_markdown_names_quote_kinds_and_dropped_items() -> None:
    text = render.to_markdown(_long_result())
    assert "“It is sound.” (direct)" in text
    assert "found safe. (indirect)" in text
    assert "## Dropped by grounding (1)" in text and "The mayor will resign." in text


# --- a list field the views were never told about (issue 25: the Brief described once) -------


def test_every_view_shows_a_list_field_it_has_no_layout_for() -> None:
    # A new list field of the Brief reaches the reader without editing a view: named from its
    # own name (newsbrief.brief.fields), shown in a plain line.
    from newsbrief import html_view

    result = copy.deepcopy(RESULT)
    result["brief"]["budget_items"] = [
        {"actor": "The council", "amount": "4 million euros", "purpose": "the bridge"}
    ]
    text = render.to_markdown(result)
    assert "## Budget items\n\n- The council: 4 million euros · the bridge" in text
    pretty = render.to_text(result, "pretty", width=100)
    assert "Budget items (1)" in pretty
    assert "The council: 4 million euros · the bridge" in pretty
    page = html_view.brief_page(result, {"text": "The council will build the bridge."})
    assert "<h2>Budget items (1)</h2>" in page
    assert '<li id="item-0">The council: 4 million euros · the bridge</li>' in page
    card = html_view.batch_page([{"id": "a1", "status": "ok", **result}], "run")
    assert "data-items='1'" in card and "<b>Budget items</b>" in card
    assert "data-actors='the council|ana ruiz'" in card  # first seen first, once each


def test_list_fields_are_named_from_their_own_names() -> None:
    from newsbrief.brief import fields
    from newsbrief.brief.schemas import LIST_FIELDS, excerpt_anchor

    assert [fields.title(f) for f in LIST_FIELDS] == ["Pledges", "Positions", "Quoted experts"]
    assert [fields.short(f) for f in LIST_FIELDS] == ["pledges", "positions", "experts"]
    assert excerpt_anchor("pledges[0].evidence") == "pledge-0"
    assert excerpt_anchor("quoted_experts[1].quotes[2].text") == "quote-1-2"
    for not_an_excerpt in ("pledges[0].actor", "summary", "quoted_experts[0].name", "x[0].y",
                           "pledges[a].evidence", "pledges.evidence"):  # fmt: skip
        assert excerpt_anchor(not_an_excerpt) is None
