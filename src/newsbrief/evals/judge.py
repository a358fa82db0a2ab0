"""An LLM judge for key-fact coverage (``newsbrief eval --judge MODEL``).

One short yes/no question per (key fact, summary), at temperature 0, answered under a schema
(a two-choice Literal, so a small local model cannot ramble). Answers are cached in the store
on the judge model, the judge prompt, the fact and the summary, so replays and re-runs of the
same outputs cost nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from .. import api
from ..base import digest
from ..config import resolve_settings
from ..store import Store

if TYPE_CHECKING:
    from ..brief.llm import LLM

JUDGE_VERSION = 1
SYSTEM = (
    "You check a news summary against one fact. Answer yes only if the summary states the "
    "fact, in any words; answer no if it is missing, different or only hinted at."
)


class JudgeAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: Literal["yes", "no"]


def judge_messages(fact: str, summary: str) -> list[dict[str, str]]:
    user = f"Summary:\n{summary}\n\nFact:\n{fact}\n\nDoes the summary state this fact?"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def make_judge(
    model: str, store: Store | None, *, llm: LLM | None = None
) -> Callable[[str, str], bool]:
    """``ask(fact, summary) -> bool`` backed by ``model`` (``llm`` overrides, for tests)."""
    lazy = api.LazyLLM(resolve_settings(model=model), llm)

    def ask(fact: str, summary: str) -> bool:
        parts = {"judge": JUDGE_VERSION, "model": lazy.identity, "system": SYSTEM, "fact": fact,
                 "summary": summary}  # fmt: skip
        key = digest(parts)
        if store is not None:
            cached = store.cache_get(key)
            if cached is not None:
                return bool(cached["yes"])
        result = lazy().extract(
            judge_messages(fact, summary), JudgeAnswer, max_tokens=8,
            sampling={"temperature": 0.0}, context={"task": "judge"},
        )  # fmt: skip
        answer = getattr(result.parsed, "answer", "no") == "yes"
        if store is not None:
            store.cache_put(key, {"yes": answer})
        return answer

    return ask
