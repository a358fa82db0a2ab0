"""Rendering a result dict: JSON as is, Markdown and the terminal view with the meta footer."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import Any

import pytest

from newsbrief import render

RESULT: dict[str, Any] = {
    "article": {"id": "a1", "source": "a.txt", "title": "Council approves bridge"},
    "brief": {
        "summary": "The council approved the bridge.",
        "pledges": [{"actor": "The council", "commitment": "build the bridge", "condition": None,
                     "evidence": "The council will build the bridge."}],
        "positions": [],
        "quoted_experts": [{"name": "Ana Ruiz", "role": "engineer", "affiliation": "TU Delft",
                            "quotes": [{"text": "It is sound.", "kind": "direct"}]}],
    },
    "meta": {
        "model": "openai:m", "prompt": "brief@3", "strategy": "whole", "latency_ms": 1500,
        "usage": {"prompt_tokens": 10, "completion_tokens": 5}, "attempts": 4,
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
