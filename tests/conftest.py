"""Shared fixtures: an isolated newsbrief home, and a scripted LLM double."""

from __future__ import annotations

import json
import os
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import instructor
import pytest
from hypothesis import HealthCheck, settings
from openai.types.chat import ChatCompletion

from newsbrief.brief import llm as llm_module
from newsbrief.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ec47db115828c336.txt"

# CI replays the same examples every run (a red build is reproducible); local runs explore new
# ones each time and keep the failures they find in .hypothesis/.
# Tests check behaviour, not time: on a loaded machine neither a slow example nor slow input
# generation is a failure.
settings.register_profile(
    "ci",
    derandomize=True,
    print_blob=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the user folder at a temporary one; no real settings leak into tests."""
    home = tmp_path / "newsbrief-home"
    monkeypatch.setenv("NEWSBRIEF_HOME", str(home))
    for name in (
        "NEWSBRIEF_MODEL", "NEWSBRIEF_BASE_URL", "NEWSBRIEF_MODE", "NEWSBRIEF_TIMEOUT",
        "NEWSBRIEF_DEBUG", "NEWSBRIEF_PROMPTS_DIR", "OPENAI_API_KEY", "OPENAI_BASE_URL",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    # Real retries with real but tiny backoffs (the retry tests inject a clock instead).
    monkeypatch.setenv("NEWSBRIEF_RETRY_INITIAL", "0.01")
    return home


def completion(
    content: str | None = None,
    *,
    tool_args: str | None = None,
    finish_reason: str = "stop",
    prompt_tokens: int = 100,
    completion_tokens: int = 20,
) -> ChatCompletion:
    """An OpenAI ChatCompletion as a server would send it."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_args is not None:
        message["content"] = None
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": "x", "arguments": tool_args}}
        ]
        finish_reason = "tool_calls" if finish_reason == "stop" else finish_reason
    return ChatCompletion.model_validate(
        {
            "id": "fake-1",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "fake",
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    )


def request_schema(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema a request asks the reply to follow (tools or response_format)."""
    if "tools" in kwargs:
        return dict(kwargs["tools"][0]["function"]["parameters"])
    return dict(kwargs["response_format"]["json_schema"]["schema"])


def first_choices(schema: dict[str, Any]) -> dict[str, Any]:
    """A reply that takes the first option of every choice field (what a weak model does); a
    list of choices gets its first option when it needs one (brief@4's sentence numbers), else
    nothing."""
    reply: dict[str, Any] = {}
    for name, spec in schema["properties"].items():
        if "enum" in spec or "const" in spec:
            reply[name] = spec["enum"][0] if "enum" in spec else spec["const"]
        elif spec.get("type") == "array" and "enum" in spec.get("items", {}):
            reply[name] = spec["items"]["enum"][:1] if spec.get("minItems") else []
    return reply


class FakeProvider:
    """A provider that answers from a queue of canned replies and records every request.

    When the queue is empty, questions whose fields are all choices (the sentence questions)
    get the first option of each; any other question without a queued reply fails the test.
    """

    def __init__(self, replies: list[Any] | None = None, *, mode: str = "json_schema") -> None:
        self.name = "fake:test"
        self.mode = llm_module.MODES[mode]
        self.replies: deque[Any] = deque(replies or [])
        self.requests: list[dict[str, Any]] = []
        self.window: int | None = None

    @property
    def context_window(self) -> int | None:
        return self.window

    def count_tokens(self, messages: list[dict[str, str]]) -> int | None:
        return sum(len(m["content"].split()) for m in messages) if self.window else None

    def queue(self, *replies: Any) -> FakeProvider:
        self.replies.extend(replies)
        return self

    def create(self, **kwargs: Any) -> Any:
        self.requests.append(kwargs)
        if self.replies:
            reply = self.replies.popleft()
        else:
            schema = request_schema(kwargs)
            reply = first_choices(schema)
            if set(reply) != set(schema["properties"]):
                raise AssertionError(f"the fake LLM has no reply queued for {schema['title']}")
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, ChatCompletion):
            return reply
        text = reply if isinstance(reply, str) else json.dumps(reply)
        if self.mode == instructor.Mode.TOOLS:
            return completion(tool_args=text)
        return completion(text)


SUMMARY = {"summary": "Premier Li Qiang visited Belarus. Both sides pledged closer cooperation."}
NAMES = {"names": ["Zhao Huirong", "Yang Jin", "Cui Hongjian"]}


@pytest.fixture
def fake_provider(monkeypatch: pytest.MonkeyPatch) -> FakeProvider:
    """Register ``--model fake:...`` so CLI and library tests run without any model."""
    provider = FakeProvider()

    def factory(rest: str, settings: Settings) -> FakeProvider:
        if settings.mode:
            provider.mode = llm_module.MODES[settings.mode]
        return provider

    monkeypatch.setitem(llm_module.PROVIDERS, "fake", factory)
    return provider


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def brief2_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make brief@2 the focused default again, for tests whose scripted replies follow its
    questions (a summary, then expert names, then sentences); brief@4's own questions are
    tested in test_strategy.py."""
    from newsbrief import base

    focused = base.strategy_specs()["focused"]._replace(default_prompt="brief@2")
    monkeypatch.setitem(base.strategy_specs(), "focused", focused)


@pytest.fixture(scope="session")
def cluster() -> Iterator[str]:
    """A local Ray cluster on two CPUs for the whole session (every module that runs the Ray
    engine shares it); its address for other drivers. Ray is imported only when asked for."""
    import ray

    from newsbrief.engines import ray_engine

    ray_engine.short_temp_dir()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield str(ray.get_runtime_context().gcs_address)
    finally:
        ray.shutdown()
