"""Run a prompt's focused tasks over one cleaned article and assemble the Brief.

Each task is a short question (see :class:`newsbrief.prompts.Task` for the scopes). Tasks over
the whole article send the same system message and article first, so a local llama.cpp model
reads the article once and answers later questions from its KV cache. Sentence tasks are short
prompts of their own. What the model names is checked against the article; what it cannot
ground is dropped and reported in ``meta.grounding.dropped``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from . import extract
from .clean import CleanArticle
from .errors import ContextOverflowError, InvalidReplyError, LLMError
from .grounding import check_brief, drop_ungrounded
from .llm import LLM
from .prompts import Prompt, Task
from .schemas import (
    PARTS,
    Brief,
    ExpertsPart,
    NamesAnswer,
    Pledge,
    PledgesPart,
    Position,
    PositionsPart,
    QuotedExpert,
    SummaryPart,
    assemble_brief,
    pledge_answer_model,
    position_answer_model,
)


@dataclass
class Run:
    """What running a prompt cost and what it dropped."""

    calls: int = 0
    usage: dict[str, int] = field(
        default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0}
    )
    dropped: list[dict[str, str]] = field(default_factory=list)
    pieces: int = 1  # most pieces the article was cut into to fit the model's window

    def drop(self, part: str, text: str, reason: str) -> None:
        self.dropped.append({"part": part, "text": text, "reason": reason})


class _Runner:
    def __init__(self, prompt: Prompt, cleaned: CleanArticle, llm: LLM) -> None:
        self.prompt = prompt
        self.cleaned = cleaned
        self.llm = llm
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
            )
        except InvalidReplyError as exc:
            self.count(exc.attempts, exc.usage)
            raise
        self.count(result.attempts, result.usage)
        return result.parsed

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
        provider = self.llm.provider
        window = provider.context_window
        if window is None:
            return [text]

        def tokens(content: str) -> int:
            counted = provider.count_tokens([{"role": "user", "content": content}])
            return counted if counted is not None else len(content) // 3

        overhead = provider.count_tokens(self.prompt.render(task, {**self.variables, "text": ""}))
        # Room for the reply, and for the one retry with double the budget after a truncation.
        budget = int(0.95 * (window - (overhead or 0) - 2 * task.max_tokens))
        if budget < 50:
            raise LLMError(
                f"{self.llm.model}'s context window of {window} tokens has no room for an article "
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
                pieces += extract.split_sentences(paragraph)
        sizes = [tokens(p) + 2 for p in pieces]
        chunks = ["\n\n".join(pieces[a:b]) for a, b in extract.pack(sizes, budget)]
        self.run.pieces = max(self.run.pieces, len(chunks))
        return chunks

    def article_task(self, task: Task) -> BaseModel:
        model = PARTS[task.part]
        chunks = self.chunks(task)
        if len(chunks) > 1:
            return self.chunked_task(task, model, chunks)
        answer = self.ask(task, model)
        if isinstance(answer, SummaryPart):
            # A reply cut at the schema's maxLength ends mid-sentence: keep whole sentences.
            return SummaryPart(summary=extract.whole_sentences(answer.summary))
        text = self.cleaned.text
        problems = check_brief(assemble_brief({task.part: answer}), text).ungrounded
        if problems:
            # Re-ask once with the reason; what is still not in the article is then dropped.
            messages = self.prompt.render(task, self.variables)
            messages += [
                {"role": "assistant", "content": answer.model_dump_json()},
                {"role": "user", "content": regrounding_request(problems)},
            ]
            answer = self.ask(task, model, messages=messages)
        kept, dropped = drop_ungrounded(assemble_brief({task.part: answer}), text)
        for item in dropped:
            self.run.drop(task.part, item["text"], f"{item['reason']} ({item['path']})")
        return model.model_validate({task.part: getattr(kept, task.part)})

    def chunked_task(self, task: Task, model: type[BaseModel], chunks: list[str]) -> BaseModel:
        """A long article: ask per piece, then merge (summaries are summarized once more)."""
        answers = [self.ask(task, model, text=chunk) for chunk in chunks]
        if model is SummaryPart:
            partial = "\n\n".join(
                extract.whole_sentences(a.model_dump()["summary"]) for a in answers
            )
            final = self.ask(task, model, text=partial)
            return SummaryPart(summary=extract.whole_sentences(final.model_dump()["summary"]))
        merged: list[Any] = []
        for answer in answers:
            for item in getattr(answer, task.part):
                if item not in merged:
                    merged.append(item)
        brief = assemble_brief({task.part: model.model_validate({task.part: merged})})
        kept, dropped = drop_ungrounded(brief, self.cleaned.text)
        for item in dropped:
            self.run.drop(task.part, item["text"], f"{item['reason']} ({item['path']})")
        return model.model_validate({task.part: getattr(kept, task.part)})

    def names_task(self, task: Task) -> BaseModel:
        text = self.cleaned.text
        names = [
            name
            for chunk in self.chunks(task)
            for name in self.ask(task, NamesAnswer, text=chunk).model_dump()["names"]
        ]
        kept = extract.ground_names(names, text)
        for name in names:
            if name.strip() and not any(name.strip() in k for k in kept):
                self.run.drop(task.part, name, "name not in the article")
        experts = []
        for name in kept:
            if extract.is_official(name, text):
                self.run.drop(task.part, name, "an official, not an independent expert")
                continue
            quotes = extract.expert_quotes(name, text)
            if not quotes:
                self.run.drop(task.part, name, "no statement attributed to this name")
                continue
            role, affiliation = extract.expert_profile(name, text)
            experts.append(
                QuotedExpert(name=name, role=role, affiliation=affiliation, quotes=quotes)
            )
        return ExpertsPart(quoted_experts=experts)

    def sentence_task(self, task: Task) -> BaseModel:
        assert task.select is not None  # guaranteed by Task's validator
        cues = extract.cue_pattern(task.select.all_cues)
        polarity = {w.lower(): stance for stance, ws in task.select.stances.items() for w in ws}
        items: list[Any] = []
        for sentence in extract.select_sentences(self.cleaned.text, cues, task.select.limit):
            first_cue = cues.search(sentence)
            actors = extract.actor_candidates(sentence, first_cue.start() if first_cue else None)
            if task.part == "pledges":
                options = extract.commitment_options(sentence, cues)
            else:
                options = extract.stance_options(sentence, cues)
            if not actors or not options:
                reason = "names no actor" if not actors else "has no clause after its cue"
                self.run.drop(task.part, sentence, f"the sentence {reason}")
                continue
            if task.part == "pledges":
                model = pledge_answer_model(actors, options)
            else:
                stances = extract.stance_choices(options, polarity)
                model = position_answer_model(actors, options, stances)
            try:
                answer = self.ask(
                    task, model, sentence=sentence, actors=actors, options=options
                ).model_dump()
            except InvalidReplyError as exc:
                self.run.drop(task.part, sentence, f"no valid reply: {exc.message}")
                continue
            items.append(self._item(task.part, answer, sentence))
        if task.part == "pledges":
            return PledgesPart(pledges=items)
        return PositionsPart(positions=items)

    @staticmethod
    def _item(part: str, answer: dict[str, Any], sentence: str) -> Pledge | Position:
        if part == "pledges":
            return Pledge(
                actor=answer["actor"],
                commitment=answer["commitment"],
                condition=extract.condition_of(sentence),
                evidence=sentence,
            )
        view = answer["view"]
        return Position(
            actor=answer["actor"],
            topic=extract.topic_of(view),
            stance=answer["stance"],
            statement=f"{answer['actor']} {view}.",
            evidence=sentence,
        )


def regrounding_request(problems: list[dict[str, str]]) -> str:
    """The follow-up that tells the model which excerpts are not in the article."""
    listed = "\n".join(f'- {p["path"]}: "{p["text"]}"' for p in problems)
    return (
        "These are not copied exactly from the article:\n"
        f"{listed}\n"
        "Answer again: copy evidence, direct quotes and names word for word from the article, "
        "or leave the item out."
    )


def run_prompt(prompt: Prompt, cleaned: CleanArticle, llm: LLM) -> tuple[Brief, Run]:
    """Ask every task of ``prompt`` about ``cleaned``; returns the brief and the run's costs."""
    runner = _Runner(prompt, cleaned, llm)
    handlers = {
        "article": runner.article_task,
        "names": runner.names_task,
        "sentence": runner.sentence_task,
    }

    def run_task(task: Task) -> BaseModel:
        try:
            return handlers[task.scope](task)
        except ContextOverflowError as exc:
            # A remote model's window is learned from its first overflow error; then the
            # article is cut to fit (self.chunks) and the task asked again.
            learn = getattr(llm.provider, "learn_window", None)
            if learn is None or not learn(exc):
                raise
            runner.count(exc.attempts, exc.usage)
            return handlers[task.scope](task)

    parts = {task.part: run_task(task) for task in prompt.spec.tasks}
    return assemble_brief(parts), runner.run
