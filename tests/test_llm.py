"""The LLM wrapper's own seams: the run-log sink passed into each call, windows learned per LLM,
token estimates, and the provider registry's error."""

from __future__ import annotations

import importlib
import threading
from typing import Any

import pytest

from newsbrief.brief.llm import LLM, _response_schema, _tls_context, build_provider, estimate_tokens
from newsbrief.brief.strategies.focused import SummaryPart
from newsbrief.config import resolve_settings
from newsbrief.errors import ConfigError, ContextOverflowError

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

    from newsbrief.brief.llm import use_plain_cpu_buffers

    use_plain_cpu_buffers()
    first = bindings.llama_model_default_params
    use_plain_cpu_buffers()
    assert bindings.llama_model_default_params is first  # idempotent: not wrapped twice
    assert bindings.llama_model_default_params().use_extra_bufts is False


def test_the_schema_sent_is_pydantics_made_once_and_a_fresh_copy_each_time() -> None:
    llm = LLM(FakeProvider([SUMMARY, SUMMARY]))
    for _ in range(2):
        llm.extract(MESSAGES, SummaryPart, max_tokens=50)
    sent = [r["response_format"]["json_schema"]["schema"] for r in llm.provider.requests]  # type: ignore[attr-defined]
    assert sent[0] == sent[1] == SummaryPart.model_json_schema()
    sent[0]["title"] = "changed by a caller"
    wrapped = _response_schema(SummaryPart)
    assert wrapped.model_json_schema() == SummaryPart.model_json_schema()
    assert wrapped.model_json_schema(mode="serialization") == SummaryPart.model_json_schema(
        mode="serialization"
    )


def test_clients_in_many_threads_share_one_tls_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """The certificate store is loaded once per process, not once per batch thread's client."""
    import openai

    library = importlib.import_module(
        openai.DefaultHttpxClient.__mro__[1].__module__.partition(".")[0]
    )
    made: list[Any] = []
    original = library.create_ssl_context

    def counted(*args: Any, **kwargs: Any) -> Any:
        made.append(original(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(library, "create_ssl_context", counted)
    _tls_context.cache_clear()
    provider = build_provider(resolve_settings(model="openai:m", base_url="http://127.0.0.1:9/v1"))
    clients: list[Any] = []
    threads = [threading.Thread(target=lambda: clients.append(provider._client)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in clients}) == 4, "each thread has its own client (its own pool)"
    assert len(made) == 1
    _tls_context.cache_clear()
