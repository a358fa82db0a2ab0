"""The strategy seam: what a strategy is, what it returns, and the parts strategies share.

A strategy turns one cleaned article into a Brief. It has a ``name`` (how users choose it), a
``version`` (bumped when it makes something else of the same replies; it goes into meta, the
eval run files and the cache keys) and says whether it ``needs_llm``; ``run`` takes the cleaned
article, the prompt (None for strategies that need none) and the LLM (None when it needs none),
and returns the Brief with what the run cost and what grounding dropped. Observers get events
passed in, not attributes set on the LLM: ``log`` gets one record per question for the run log,
``progress`` one event per step of a part (:data:`Progress`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import BaseModel

from ... import base
from ...base import StrategySpec
from ...clean import CleanArticle
from ...errors import ContextOverflowError, InvalidReplyError, LLMError, PromptError
from ..grounding import summary_support
from ..prompts import Prompt, Task
from ..rules.sentences import lead_summary, pack, split_sentences
from ..schemas import Brief

if TYPE_CHECKING:  # the LLM stack (instructor, openai) loads only when a model is needed
    from ..llm import LLM

LogSink = Callable[[dict[str, Any]], Any]
# Told ``{"part": "pledges", "done": 3, "total": 7}`` as a part's questions are answered: ``done``
# counts from 0 (as the part starts) up to ``total``, each step told once. ``total`` is 1 until
# the part knows how many it asks (the sentences a focused part selected, the pieces a long
# article was cut into), then that number.
Progress = Callable[[dict[str, Any]], Any]


@dataclass
class Run:
    """What running a strategy cost and what it dropped."""

    calls: int = 0
    usage: dict[str, int] = field(
        default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0}
    )
    dropped: list[dict[str, str]] = field(default_factory=list)
    pieces: int = 1  # most pieces the article was cut into to fit the model's window

    def drop(self, part: str, text: str, reason: str) -> None:
        self.dropped.append({"part": part, "text": text, "reason": reason})


@dataclass
class Outcome:
    brief: Brief
    run: Run
    # What the brief was made from when the strategy uses no prompt (the floor's rules).
    prompt: str | None = None
    prompt_sha256: str | None = None


class Strategy(Protocol):
    """How a brief is made; registered by name in :mod:`newsbrief.brief.strategies`."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> int: ...

    @property
    def needs_llm(self) -> bool: ...

    def check_prompt(self, prompt: Prompt) -> None:
        """Raise PromptError when ``prompt`` is not written for this strategy."""
        ...

    def run(
        self,
        cleaned: CleanArticle,
        *,
        prompt: Prompt | None,
        llm: LLM | None,
        log: LogSink | None = None,
        progress: Progress | None = None,
    ) -> Outcome: ...


class Declared:
    """What every strategy class shares: its ``name`` and ``version`` are its module's
    ``SPEC``'s (the version read through :func:`newsbrief.base.strategy_version`)."""

    spec: ClassVar[StrategySpec]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def version(self) -> int:
        return base.strategy_version(self.spec.name)


def require_prompt_strategy(prompt: Prompt, spec: StrategySpec, hint: str) -> None:
    """A PromptError with ``hint`` unless ``prompt`` is written for the strategy of ``spec``
    and asks only the task scopes it accepts."""
    if prompt.spec.strategy != spec.name:
        raise PromptError(
            f"prompt {prompt.ref} is written for the {prompt.spec.strategy} strategy, "
            f"not {spec.name}",
            hint,
        )
    scoped = [f"{t.part} ({t.scope})" for t in prompt.spec.tasks if t.scope not in spec.scopes]
    if scoped:
        raise PromptError(
            f"prompt {prompt.ref} has tasks the {spec.name} strategy cannot ask: "
            f"{', '.join(scoped)}",
            f"give every task one of the scopes {', '.join(spec.scopes)}",
        )


class Asker:
    """Asks one prompt's questions about one article and counts what they cost."""

    def __init__(
        self,
        prompt: Prompt,
        cleaned: CleanArticle,
        llm: LLM,
        log: LogSink | None,
        progress: Progress | None = None,
    ) -> None:
        self.prompt = prompt
        self.cleaned = cleaned
        self.llm = llm
        self.log = log
        self.progress = progress
        self.totals: dict[str, int] = {}
        self.told: dict[str, dict[str, Any]] = {}
        self.run = Run()
        self.variables: dict[str, Any] = {"title": cleaned.title, "text": cleaned.text}
        self.context = {
            "prompt": prompt.ref,
            "prompt_sha256": prompt.sha256,
            "article_sha256": hashlib.sha256(cleaned.text.encode()).hexdigest(),
        }

    def ask(
        self,
        task: Task,
        model: type[BaseModel],
        messages: list[dict[str, str]] | None = None,
        **extra: Any,
    ) -> BaseModel:
        sampling = self.prompt.spec.sampling.merged(task.sampling)
        try:
            result = self.llm.extract(
                messages or self.prompt.render(task, {**self.variables, **extra}),
                model,
                max_tokens=task.max_tokens,
                sampling=sampling.as_kwargs(),
                context={**self.context, "task": task.part},
                log=self.log,
            )
        except InvalidReplyError as exc:
            self.count(exc.attempts, exc.usage)
            raise
        self.count(result.attempts, result.usage)
        return result.parsed

    def report(self, part: str, done: int, total: int | None = None) -> None:
        """Tell ``progress`` that ``done`` of ``part``'s questions are answered (``total``: how
        many it asks, when it is now known; else the last one told)."""
        if total is not None:
            self.totals[part] = total
        event = {"part": part, "done": done, "total": self.totals.get(part, 1)}
        if self.progress is not None and self.told.get(part) != event:
            self.told[part] = event
            self.progress(event)

    def step(self, part: str, ask: Callable[[], Any]) -> Any:
        """``ask()`` as one part: told as started (0 of 1 until the part knows its total) and as
        finished (all of its total)."""
        self.report(part, 0, 1)
        answer = ask()
        self.report(part, self.totals[part])
        return answer

    def count(self, attempts: int, usage: dict[str, int]) -> None:
        self.run.calls += attempts
        for key in self.run.usage:
            self.run.usage[key] += usage.get(key, 0)

    def chunks(self, task: Task) -> list[str]:
        """The article in pieces that each fit the model's window with this task's question.

        One piece when the window is unknown (remote models) or the whole article fits. Pieces
        follow paragraph boundaries, then sentence boundaries inside an oversized paragraph.
        """
        text = self.cleaned.text
        llm = self.llm
        window = llm.context_window
        if window is None:
            return [text]

        def tokens(content: str) -> int:
            counted = llm.count_tokens([{"role": "user", "content": content}])
            return counted if counted is not None else len(content) // 3

        overhead = llm.count_tokens(self.prompt.render(task, {**self.variables, "text": ""}))
        # Room for the reply, and for the one retry with double the budget after a truncation.
        budget = int(0.95 * (window - (overhead or 0) - 2 * task.max_tokens))
        if budget < 50:
            raise LLMError(
                f"{llm.model}'s context window of {window} tokens has no room for an article "
                f"next to prompt {self.prompt.ref}'s {task.part} question",
                "use a model with a larger window",
            )
        if tokens(text) <= budget:
            return [text]
        pieces: list[str] = []
        for paragraph in text.split("\n\n"):
            if tokens(paragraph) <= budget:
                pieces.append(paragraph)
            else:
                pieces += split_sentences(paragraph)
        sizes = [tokens(p) + 2 for p in pieces]
        chunks = ["\n\n".join(pieces[a:b]) for a, b in pack(sizes, budget)]
        self.run.pieces = max(self.run.pieces, len(chunks))
        return chunks

    def fitting(self, ask: Callable[[], BaseModel]) -> BaseModel:
        """``ask()``; when a remote model's window turns out too small, the window is learned
        from its overflow error (so :meth:`chunks` cuts the article to fit) and asked again."""
        try:
            return ask()
        except ContextOverflowError as exc:
            if not self.llm.learn_window(exc):
                raise
            self.count(exc.attempts, exc.usage)
            return ask()


def unsupported_summary_request(unsupported: list[tuple[str, str]]) -> str:
    """The follow-up that tells the model which summary sentences the article does not support."""
    listed = "\n".join(f'- "{sentence}": {reason}' for sentence, reason in unsupported)
    return (
        "These sentences of your summary are not supported by the article:\n"
        f"{listed}\n"
        "Answer again: use only names, numbers and facts that the article states."
    )


def lead_stand_in(cleaned: CleanArticle, count: int = 2) -> str:
    """The article's first sentences: the summary when no sentence of the model's is supported."""
    return lead_summary(cleaned, count)


def settle_summary(run: Run, cleaned: CleanArticle, summary: str) -> str:
    """``summary`` without the sentences the article does not support (each recorded in
    ``run.dropped``); the article's lead stands in, and says so, when none is left."""
    kept, unsupported = summary_support(split_sentences(summary), cleaned.text)
    for sentence, reason in unsupported:
        run.drop("summary", sentence, f"not supported by the article: {reason}")
    if kept or not summary.strip():
        return " ".join(kept)
    stand_in = lead_stand_in(cleaned)
    run.drop("summary", "", "no sentence of the summary is supported; the article's lead stands in")
    return stand_in


def regrounding_request(problems: list[dict[str, str]]) -> str:
    """The follow-up that tells the model which excerpts are not in the article."""
    listed = "\n".join(f'- {p["path"]}: "{p["text"]}"' for p in problems)
    return (
        "These are not copied exactly from the article:\n"
        f"{listed}\n"
        "Answer again: copy evidence, direct quotes and names word for word from the article, "
        "or leave the item out."
    )
