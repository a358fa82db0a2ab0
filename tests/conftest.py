"""Shared fixtures: an isolated newsbrief home, and a scripted LLM double."""

from __future__ import annotations

import json
import time
from collections import deque
from pathlib import Path
from typing import Any

import instructor
import pytest
from openai.types.chat import ChatCompletion

from newsbrief import llm as llm_module
from newsbrief.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ec47db115828c336.txt"


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


class FakeProvider:
    """A provider that answers from a queue of canned replies and records every request."""

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
        if not self.replies:
            raise AssertionError("the fake LLM ran out of queued replies")
        reply = self.replies.popleft()
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, ChatCompletion):
            return reply
        text = reply if isinstance(reply, str) else json.dumps(reply)
        if self.mode == instructor.Mode.TOOLS:
            return completion(tool_args=text)
        return completion(text)


GOOD_PARTS: list[dict[str, Any]] = [
    {"summary": "Premier Li Qiang visited Belarus and both sides pledged closer cooperation."},
    {
        "pledges": [
            {
                "actor": "China and Belarus",
                "commitment": "strengthen cooperation in defense and law enforcement",
                "condition": None,
                "evidence": "The two countries said that they will strengthen cooperation in the "
                "areas of defense, judiciary matters, law enforcement and security",
            }
        ]
    },
    {
        "positions": [
            {
                "actor": "Belarus",
                "topic": "one-China principle",
                "stance": "supports",
                "statement": "Belarus firmly supports the one-China principle.",
                "evidence": "Belarus reiterates its firm commitment to the one-China principle",
            }
        ]
    },
    {
        "quoted_experts": [
            {
                "name": "Zhao Huirong",
                "role": "Eastern European studies expert",
                "affiliation": "Chinese Academy of Social Sciences",
                "quotes": [
                    {
                        "text": "China-Belarus relations are a role model of a new type of "
                        "international relations",
                        "kind": "direct",
                    }
                ],
            }
        ]
    },
]


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
