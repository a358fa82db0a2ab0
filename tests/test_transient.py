"""Transient failures against a loopback fault-injection server: retried with backoff, bounded;
permanent ones fail at once. Waits are checked through an injected clock, never slept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsbrief import api
from newsbrief.brief.llm import LLM, build_provider, parse_context_overflow
from newsbrief.brief.strategies.focused import SummaryPart
from newsbrief.config import resolve_settings
from newsbrief.errors import (
    ContextOverflowError,
    InvalidReplyError,
    LLMError,
    LLMUnavailableError,
)
from newsbrief.retry import RetryPolicy
from newsbrief.store import Store

from .fault_server import ANSWER, Fault, FaultServer, fault_server
from .test_grounding import INVENTED, REAL, _pledge, whole_parts_prompt  # noqa: F401

MESSAGES = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
POLICY = RetryPolicy(attempts=4, initial=1.0, maximum=30.0, total=60.0, jitter=0.0)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with fault_server() as state:
        yield state


def _llm(server: FaultServer, waits: list[float], policy: RetryPolicy = POLICY) -> LLM:
    settings = resolve_settings(
        model="openai:fault", base_url=server.base_url, mode="json_schema", timeout=2.0
    )
    return LLM(build_provider(settings), retry=policy, sleep=waits.append)


def _ask(llm: LLM) -> SummaryPart:
    result = llm.extract(MESSAGES, SummaryPart, max_tokens=50)
    assert isinstance(result.parsed, SummaryPart)
    return result.parsed


def test_answer_first_time(server: FaultServer) -> None:
    waits: list[float] = []
    llm = _llm(server, waits)
    result = llm.extract(MESSAGES, SummaryPart, max_tokens=50)
    assert result.attempts == 1 and waits == [] and len(server.requests) == 1
    assert result.usage == {"prompt_tokens": 50, "completion_tokens": 10}


def test_429_honours_retry_after(server: FaultServer) -> None:
    server.then(
        Fault("status", 429, {"Retry-After": "7"}),
        Fault("status", 429, {"retry-after-ms": "2500"}),
    )
    waits: list[float] = []
    result = _llm(server, waits).extract(MESSAGES, SummaryPart, max_tokens=50)
    assert result.parsed.model_dump() == {"summary": "The council approved the bridge."}
    assert waits == [7.0, 2.5]
    assert result.attempts == 3 == len(server.requests)
    assert result.usage == {"prompt_tokens": 50, "completion_tokens": 10}  # failures cost none


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_back_off_exponentially(server: FaultServer, status: int) -> None:
    server.then(Fault("status", status), Fault("status", status), Fault("status", status))
    waits: list[float] = []
    result = _llm(server, waits).extract(MESSAGES, SummaryPart, max_tokens=50)
    assert waits == [1.0, 2.0, 4.0]
    assert result.attempts == 4


def test_dropped_connection_is_retried(server: FaultServer) -> None:
    server.then(Fault("drop"))
    waits: list[float] = []
    result = _llm(server, waits).extract(MESSAGES, SummaryPart, max_tokens=50)
    assert result.attempts == 2 and waits == [1.0]


def test_timeout_is_retried(server: FaultServer) -> None:
    server.then(Fault("stall", seconds=3.0))  # the client gives up after 2 s
    waits: list[float] = []
    result = _llm(server, waits).extract(MESSAGES, SummaryPart, max_tokens=50)
    assert result.attempts == 2 and waits == [1.0]


def test_attempts_are_bounded(server: FaultServer) -> None:
    server.then(*[Fault("status", 503)] * 10)
    waits: list[float] = []
    with pytest.raises(LLMUnavailableError) as info:
        _ask(_llm(server, waits))
    assert info.value.attempts == 4 == len(server.requests)
    assert waits == [1.0, 2.0, 4.0]
    assert "failed with 503" in str(info.value) and "4 attempts" in str(info.value)


def test_total_wait_is_bounded(server: FaultServer) -> None:
    server.then(*[Fault("status", 500)] * 10)
    waits: list[float] = []
    policy = RetryPolicy(attempts=10, initial=4.0, maximum=30.0, total=20.0, jitter=0.0)
    with pytest.raises(LLMUnavailableError):
        _ask(_llm(server, waits, policy))
    assert waits == [4.0, 8.0] and sum(waits) <= 20.0  # the next, 16 s, would pass 20 s


def test_retry_after_beyond_the_budget_gives_up_at_once(server: FaultServer) -> None:
    server.then(Fault("status", 429, {"Retry-After": "600"}))
    waits: list[float] = []
    with pytest.raises(LLMUnavailableError) as info:
        _ask(_llm(server, waits))
    assert waits == [] and len(server.requests) == 1
    assert "asked to wait 600 s" in str(info.value)


@pytest.mark.parametrize(
    ("status", "message"),
    [(401, "refused the API key"), (404, "does not know the model"), (400, "rejected the request")],
)
def test_permanent_errors_fail_at_once(server: FaultServer, status: int, message: str) -> None:
    server.then(Fault("status", status))
    waits: list[float] = []
    with pytest.raises(LLMError) as info:
        _ask(_llm(server, waits))
    assert message in str(info.value)
    assert waits == [] and len(server.requests) == 1 and info.value.attempts == 1


def test_jitter_stays_within_its_share(server: FaultServer) -> None:
    server.then(Fault("status", 500), Fault("status", 500))
    waits: list[float] = []
    policy = RetryPolicy(attempts=3, initial=1.0, maximum=30.0, total=60.0, jitter=0.5)
    _ask(_llm(server, waits, policy))
    assert 1.0 <= waits[0] <= 1.5 and 2.0 <= waits[1] <= 3.0


def test_api_key_never_appears_in_errors(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-123456")
    server.then(Fault("status", 401))
    with pytest.raises(LLMError) as info:
        _ask(_llm(server, []))
    assert "sk-secret" not in str(info.value) and "sk-secret" not in repr(info.value.details())


@pytest.mark.usefixtures("brief2_default")
def test_a_remote_window_is_learned_from_the_overflow_error(
    server: FaultServer, seed_path: Path
) -> None:
    """The server refuses the whole seed (about 1,700 tokens at 4 chars each) with llama.cpp's
    wording; newsbrief learns the window and the server's chars per token, cuts the article
    into pieces that fit, and asks again: one refused request, then none."""
    server.context_limit = 1000
    settings = resolve_settings(
        model="openai:fault", base_url=server.base_url, mode="json_schema", timeout=5.0
    )
    llm = LLM(build_provider(settings), retry=POLICY, sleep=[].append)
    result = api.summarize(str(seed_path), llm=llm, cache=False, log=False)
    sizes = [sum(len(m["content"]) for m in r["messages"]) // 4 for r in server.requests]
    assert sizes[0] >= 1000 and all(size < 1000 for size in sizes[1:])
    assert result.meta["pieces"] >= 2
    assert result.meta["attempts"] == len(server.requests)
    assert result.brief.summary


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("This model's maximum context length is 8192 tokens. However, your messages resulted "
         "in 9000 tokens. Please reduce the length of the messages.", (8192, 9000)),
        ("This model's maximum context length is 2048 tokens. However, you requested 2100 "
         "tokens (2000 in the messages, 100 in the completion).", (2048, 2000)),
        ("This model's maximum context length is 4096 tokens. However, your request has 5000 "
         "input tokens. Please reduce the length of the input messages.", (4096, 5000)),
        ("Requested tokens (3000) exceed context window of 2048", (2048, 3000)),
        ("the context length is 512", (512, None)),
        ("Invalid value for 'temperature'", None),
    ],
)  # fmt: skip
def test_overflow_messages_are_understood(
    message: str, expected: tuple[int, int | None] | None
) -> None:
    assert parse_context_overflow(message) == expected


def test_an_overflow_that_teaches_nothing_new_is_one_clear_error(server: FaultServer) -> None:
    server.context_limit = 10
    settings = resolve_settings(
        model="openai:fault", base_url=server.base_url, mode="json_schema", timeout=5.0
    )
    llm = LLM(build_provider(settings), retry=POLICY, sleep=[].append)
    long = [{"role": "user", "content": "word " * 20}]
    with pytest.raises(ContextOverflowError, match="context window of 10 tokens") as info:
        llm.extract(long, SummaryPart, max_tokens=50)
    assert info.value.window == 10 and info.value.prompt_tokens == 25
    assert len(server.requests) == 1, "a 400 is not retried"


# --- replies that arrive but are wrong: re-asked, bounded, logged once per question -------------


@pytest.mark.parametrize(
    "bad",
    [Fault("ok", content='{"summary": "The council'), Fault("ok", reply={"headline": "x"})],
    ids=["invalid-json", "schema-invalid"],
)
def test_a_bad_reply_is_reasked_with_the_error(server: FaultServer, bad: Fault) -> None:
    store = Store()
    server.then(bad)
    result = _llm(server, []).extract(MESSAGES, SummaryPart, max_tokens=50, log=store.log_call)
    assert isinstance(result.parsed, SummaryPart) and result.attempts == 2
    assert result.parsed.summary == ANSWER["summary"]
    reask = server.requests[1]["messages"]
    assert len(reask) > len(MESSAGES) and "summary" in json.dumps(reask[len(MESSAGES) :])
    rows = store.calls()
    assert len(rows) == 1 and rows[0]["attempts"] == 2 and rows[0]["error"] is None
    assert rows[0]["prompt_tokens"] == 100, "usage of both tries is counted"


def test_bad_replies_run_out_of_reasks(server: FaultServer) -> None:
    store = Store()
    server.then(*[Fault("ok", content="not json")] * 3)
    with pytest.raises(InvalidReplyError, match="no valid reply in 3 attempts") as info:
        _llm(server, []).extract(MESSAGES, SummaryPart, max_tokens=50, log=store.log_call)
    assert info.value.attempts == 3 == len(server.requests)
    rows = store.calls()
    assert len(rows) == 1 and rows[0]["error"] and rows[0]["raw_reply"] == "not json"


def test_a_truncated_reply_gets_one_larger_budget(server: FaultServer) -> None:
    cut = Fault("ok", content='{"summary": "The coun', finish_reason="length")
    server.then(cut)
    result = _llm(server, []).extract(MESSAGES, SummaryPart, max_tokens=50)
    assert isinstance(result.parsed, SummaryPart) and result.parsed.summary == ANSWER["summary"]
    assert [r["max_tokens"] for r in server.requests] == [50, 100]
    server.requests.clear()
    server.then(cut, cut)
    with pytest.raises(InvalidReplyError, match="token limit"):
        _llm(server, []).extract(MESSAGES, SummaryPart, max_tokens=50)
    assert [r["max_tokens"] for r in server.requests] == [50, 100]


@pytest.mark.usefixtures("whole_parts_prompt")
def test_an_ungrounded_item_from_the_server_is_reasked_then_dropped(
    server: FaultServer, seed_path: Path
) -> None:
    invented = {"pledges": [_pledge(REAL), _pledge(INVENTED)]}
    server.then(
        Fault("ok", reply={"summary": "Premier Li Qiang visited Belarus."}),
        Fault("ok", reply=invented),
        Fault("ok", reply=invented),
    )
    llm = _llm(server, [])
    result = api.summarize(str(seed_path), llm=llm, prompt="brief@9", cache=False)
    store = Store()  # summarize logged every question there
    assert [p.evidence for p in result.brief.pledges] == [REAL]
    assert INVENTED in json.dumps(server.requests[2]["messages"][-1])
    assert [d["text"] for d in result.meta["grounding"]["dropped"]] == [INVENTED]
    assert result.meta["grounding"]["ungrounded"] == []
    assert len(store.calls()) == 4 == len(server.requests)  # summary, pledges x2, experts
