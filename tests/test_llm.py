"""The LLM wrapper's own seams: the run-log sink passed into each call, windows learned per LLM,
token estimates, and the provider registry's error."""

from __future__ import annotations

from typing import Any

import pytest

from newsbrief.config import resolve_settings
from newsbrief.errors import ConfigError, ContextOverflowError
from newsbrief.llm import LLM, build_provider, estimate_tokens
from newsbrief.strategies.focused import SummaryPart

from .conftest import SUMMARY, FakeProvider

MESSAGES = [{"role": "user", "content": "Summarize: the council approved the bridge."}]


def test_the_log_sink_is_passed_into_the_call_not_set_on_the_llm() -> None:
    records: list[dict[str, Any]] = []
    llm = LLM(FakeProvider([SUMMARY, SUMMARY]))
    llm.extract(MESSAGES, SummaryPart, max_tokens=50, context={"task": "summary"},
                log=records.append)  # fmt: skip
    llm.extract(MESSAGES, SummaryPart, max_tokens=50)  # no sink: nothing recorded
    assert len(records) == 1
    assert records[0]["task"] == "summary" and records[0]["messages"] == MESSAGES
    assert records[0]["parsed"] == SUMMARY and records[0]["error"] is None
    assert not hasattr(llm, "log")


def test_a_window_is_learned_by_the_llm_and_the_provider_left_alone() -> None:
    provider = FakeProvider()
    llm, other = LLM(provider), LLM(provider)
    assert llm.context_window is None and llm.count_tokens(MESSAGES) is None
    overflow = ContextOverflowError("too long", window=1000, prompt_tokens=500, sent_chars=2000)
    assert llm.learn_window(overflow)
    assert llm.context_window == 1000 and provider.context_window is None
    assert other.context_window is None
    assert llm.count_tokens(MESSAGES) == estimate_tokens(MESSAGES, 0.9 * 2000 / 500)
    assert not llm.learn_window(overflow), "nothing new to learn"


def test_a_configured_window_is_never_replaced() -> None:
    provider = FakeProvider()
    provider.window = 4096
    llm = LLM(provider)
    assert not llm.learn_window(ContextOverflowError("x", window=1000))
    assert llm.context_window == 4096


def test_an_unknown_model_lists_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"use local, local:/path/to/model\.gguf or openai:"):
        build_provider(resolve_settings(model="claude:x"))


def test_local_models_load_their_weights_into_plain_cpu_buffers() -> None:
    """AMX buffers crash on machines that report AMX without granting it (see llm.py)."""
    pytest.importorskip("llama_cpp")
    from llama_cpp import llama_cpp as bindings

    from newsbrief.llm import use_plain_cpu_buffers

    use_plain_cpu_buffers()
    first = bindings.llama_model_default_params
    use_plain_cpu_buffers()
    assert bindings.llama_model_default_params is first  # idempotent: not wrapped twice
    assert bindings.llama_model_default_params().use_extra_bufts is False
