"""The ``floor`` strategy: the no-model yardstick (rules in :mod:`newsbrief.floor`).

It needs no prompt and no LLM, so choosing it never makes a model; its briefs say
``"model": "none"`` and carry the floor's own reference and rule hash as their prompt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import base
from ..clean import CleanArticle
from ..floor import REF, floor_brief, floor_sha256
from ..prompts import Prompt
from .common import LogSink, Outcome, Progress, Run

if TYPE_CHECKING:
    from ..llm import LLM


class Floor:
    name = "floor"
    needs_llm = False

    @property
    def version(self) -> int:
        return base.strategy_version(self.name)

    def check_prompt(self, prompt: Prompt) -> None:
        """Any prompt will do: the floor reads none."""

    def run(
        self,
        cleaned: CleanArticle,
        *,
        prompt: Prompt | None = None,
        llm: LLM | None = None,
        log: LogSink | None = None,
        progress: Progress | None = None,
    ) -> Outcome:
        """The floor asks nothing, so it tells ``progress`` nothing: it takes milliseconds."""
        brief, dropped = floor_brief(cleaned)
        return Outcome(brief, Run(dropped=dropped), prompt=REF, prompt_sha256=floor_sha256())
