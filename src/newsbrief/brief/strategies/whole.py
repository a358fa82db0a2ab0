"""The ``whole`` strategy: the article and one question per part, or one for the whole Brief,
for capable models.

The model reads the whole article (in pieces when it exceeds the window) and answers in its own
words, with the evidence sentences and the direct quotes copied from the article. Grounding then
checks those verbatim: what is not in the article is named back to the model, which answers
once more; what is still not in the article is dropped and reported in
``meta.grounding.dropped``. The lists have no limit but the task's token budget (``max_tokens``
in prompt.yaml); a reply cut at that budget is asked again with double the budget, as every
question is, and a list part with no valid reply is dropped (and reported) rather than failing
the other parts. A summary with no valid reply fails the brief.

A long article is asked about piece by piece: list items are merged (the same evidence, or the
same expert, once), and the pieces' summaries are summarized once more (or, for a one-question
Brief, joined).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ...base import StrategySpec
from ...clean import CleanArticle
from ...errors import InvalidReplyError
from ..grounding import check_brief, drop_ungrounded, normalize
from ..prompts import WHOLE_BRIEF, Prompt, Task
from ..schemas import LIST_FIELDS, PARTS, Brief, assemble_brief
from .common import (
    Asker,
    Declared,
    LogSink,
    Outcome,
    Progress,
    regrounding_request,
    require_prompt_strategy,
    settle_summary,
)

if TYPE_CHECKING:
    from ..llm import LLM

# What this strategy is (read by newsbrief.base from this source, for the fast path too).
SPEC = StrategySpec(name="whole", version=3, default_prompt="brief@3", scopes=("article",))


def _as_brief(answer: BaseModel, part: str) -> Brief:
    if isinstance(answer, Brief):
        return answer
    return assemble_brief({part: answer})


def _merge(briefs: list[Brief]) -> Brief:
    """The pieces' briefs as one: the summaries joined; each list's items in order, the same
    item (its model's ``SAME`` fields) once, joined with what it adds when found again."""
    merged: dict[str, Any] = {
        "summary": " ".join(b.summary.strip() for b in briefs if b.summary.strip())
    }
    for name in LIST_FIELDS:
        items: dict[str, Any] = {}
        for brief in briefs:
            for item in getattr(brief, name):
                key = normalize("|".join(str(getattr(item, f)) for f in item.SAME))
                items[key] = items[key].joined(item) if key in items else item
        merged[name] = list(items.values())
    return Brief(**merged)


class _Runner(Asker):
    def task(self, task: Task) -> Brief:
        """One task's answer as a (partial) Brief, grounded: re-asked once, then dropped."""
        model: type[BaseModel] = Brief if task.part == WHOLE_BRIEF else PARTS[task.part]
        chunks = self.chunks(task)
        pieces = [None] if len(chunks) == 1 else chunks
        # A long article's summary pieces are summarized once more: one more question.
        total = len(pieces) + (task.part == "summary" and len(pieces) > 1)
        briefs = []
        try:
            for index, piece in enumerate(pieces):
                self.report(task.part, index, total)
                briefs.append(_as_brief(self.grounded(task, model, piece), task.part))
        except InvalidReplyError as exc:
            if task.part in (WHOLE_BRIEF, "summary"):
                raise
            self.run.drop(task.part, "", f"no valid reply: {exc.message}")
            return Brief(summary="")
        brief = _merge(briefs)
        if task.part == "summary" and len(briefs) > 1:
            self.report(task.part, len(briefs))
            final = self.ask(task, model, text="\n\n".join(b.summary for b in briefs))
            brief = _as_brief(final, task.part)
        kept, dropped = drop_ungrounded(brief, self.cleaned.text)
        for item in dropped:
            part = item["path"].split("[", 1)[0]
            self.run.drop(part, item["text"], f"{item['reason']} ({item['path']})")
        if task.part in (WHOLE_BRIEF, "summary"):
            summary = settle_summary(self.run, self.cleaned, kept.summary)
            kept = kept.model_copy(update={"summary": summary})
        return kept

    def grounded(self, task: Task, model: type[BaseModel], piece: str | None) -> BaseModel:
        """The model's answer about the article (or one piece of it); when it holds excerpts
        that are not in the article, the model is told which, and asked once more."""
        variables = {**self.variables, **({"text": piece} if piece is not None else {})}
        answer = self.ask(task, model, messages=self.prompt.render(task, variables))
        problems = check_brief(_as_brief(answer, task.part), self.cleaned.text).ungrounded
        if not problems:
            return answer
        messages = [
            *self.prompt.render(task, variables),
            {"role": "assistant", "content": answer.model_dump_json()},
            {"role": "user", "content": regrounding_request(problems)},
        ]
        try:
            return self.ask(task, model, messages=messages)
        except InvalidReplyError as exc:
            # Keep the first answer: its ungrounded items are dropped, the rest stands.
            self.run.drop(task.part, "", f"no valid reply to the re-ask: {exc.message}")
            return answer


class Whole(Declared):
    """See the module docstring."""

    spec = SPEC
    needs_llm = True

    def check_prompt(self, prompt: Prompt) -> None:
        require_prompt_strategy(
            prompt,
            SPEC,
            f"pass a whole prompt such as {SPEC.default_prompt}, or "
            f"--strategy {prompt.spec.strategy}",
        )

    def run(
        self,
        cleaned: CleanArticle,
        *,
        prompt: Prompt | None,
        llm: LLM | None,
        log: LogSink | None = None,
        progress: Progress | None = None,
    ) -> Outcome:
        assert prompt is not None and llm is not None  # api.brief_article checks both
        runner = _Runner(prompt, cleaned, llm, log, progress)
        data: dict[str, Any] = {"summary": ""}
        for task in prompt.spec.tasks:
            brief = runner.step(task.part, partial(runner.fitting, partial(runner.task, task)))
            assert isinstance(brief, Brief)
            parts = Brief.model_fields if task.part == WHOLE_BRIEF else (task.part,)
            data.update({part: getattr(brief, part) for part in parts})
        return Outcome(Brief.model_validate(data), runner.run)


STRATEGY = Whole()
