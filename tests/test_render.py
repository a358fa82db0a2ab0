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
