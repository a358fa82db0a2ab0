"""The ``focused`` strategy: many small, grammar-bound questions, for a 135M model.

Each task of the prompt is a short question (see :class:`newsbrief.brief.prompts.Task` for the
scopes). Tasks over the whole article send the same system message and article first, so a
local llama.cpp model reads the article once and answers later questions from its KV cache.
Sentence tasks are short prompts of their own, whose answers are choices among spans of the
sentence. What the model names is checked against the article; what it cannot ground is dropped
and reported in ``meta.grounding.dropped``.

The tiny model's limits (a 400-character summary, lists of at most 8, names of at most 60
characters) live in this module's response models, not in the public schema: a grammar-bound
local model cannot ramble past them, and a reply that breaks one is re-asked with the error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from ...base import StrategySpec
from ...clean import CleanArticle
from ...errors import InvalidReplyError, PromptError
from ..grounding import check_brief, drop_ungrounded, summary_support
from ..prompts import Choose, Prompt, Select, Task
from ..rules.actors import actor_candidates
from ..rules.experts import (
    as_expert,
    expert_profile,
    expert_quotes,
    ground_names,
    introduced_people,
    is_official,
    person_quotes,
    specialists,
)
from ..rules.sentences import (
    body_sentences,
    cue_pattern,
    is_question,
    select_sentences,
    split_sentences,
    summary_candidates,
    whole_sentences,
)
from ..rules.statements import (
    commitment_options,
    condition_of,
    not_a_commitment,
    rule_positions,
    stance_choices,
    stance_options,
    view_position,
    view_stance,
)
from ..schemas import Pledge, Position, QuotedExpert, assemble_brief
from .common import (
    Asker,
    Declared,
    LogSink,
    Outcome,
    Progress,
    regrounding_request,
    require_prompt_strategy,
    settle_summary,
    unsupported_summary_request,
)

if TYPE_CHECKING:
    from ..llm import LLM

# What this strategy is (read by newsbrief.base from this source, for the fast path too).
SPEC = StrategySpec(
    name="focused",
    version=4,
    default_prompt="brief@4",
    scopes=("article", "sentence", "names", "choose", "candidates"),
)


# --- response models: one per focused question --------------------------------------------------
# Their class names and fields are what the model sees (schema titles, tool names): they are the
# ones brief@1 and brief@2 were measured with, and must stay as they are.


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SummaryPart(_Model):
    summary: str = Field(
        max_length=400,
        description="Two sentences: who did what, and why it matters, from the article only.",
    )


class PledgesPart(_Model):
    pledges: list[Pledge] = Field(
        default_factory=list,
        max_length=8,
        description="Commitments to act made in the article; an empty list if there are none.",
    )


class PositionsPart(_Model):
    positions: list[Position] = Field(
        default_factory=list,
        max_length=8,
        description="Views stated in the article by named actors; an empty list if none.",
    )


class ExpertsPart(_Model):
    quoted_experts: list[QuotedExpert] = Field(
        default_factory=list,
        max_length=8,
        description="Independent experts quoted in the article; an empty list if none.",
    )


class SettledSummary(_Model):
    """A summary after the checks: the model's supported sentences, the article's lead standing
    in, or sentences chosen from the article (no tiny-model length limit applies to those)."""

    summary: str


class AskedPledges(_Model):
    """Pledges found one sentence at a time: as many as the prompt's ``select.limit``."""

    pledges: list[Pledge]


class AskedPositions(_Model):
    positions: list[Position]


PARTS: dict[str, type[BaseModel]] = {
    "summary": SummaryPart,
    "pledges": PledgesPart,
    "positions": PositionsPart,
    "quoted_experts": ExpertsPart,
}


class NamesAnswer(_Model):
    names: list[Annotated[str, StringConstraints(max_length=60)]] = Field(
        max_length=6, description="Full names exactly as written in the article."
    )


def chosen_sentences_model(count: int, pick: int) -> type[BaseModel]:
    """The answer to a ``choose`` summary: the numbers of up to ``pick`` of ``count`` sentences."""
    return create_model(
        "ChosenSentences",
        __base__=_Model,
        numbers=(
            list[_choice(list(range(1, count + 1)))],  # type: ignore[misc]
            Field(min_length=1, max_length=pick, description="Numbers of the chosen sentences."),
        ),
    )


def chosen_experts_model(names: list[str]) -> type[BaseModel]:
    """The answer to a ``candidates`` experts question: names among ``names``, or none."""
    return create_model(
        "ChosenExperts",
        __base__=_Model,
        names=(
            list[_choice(names)],  # type: ignore[misc]
            Field(max_length=len(names), description="Names of the independent experts."),
        ),
    )


def _choice(options: list[Any]) -> Any:
    return Literal[tuple(options)]


def pledge_answer_model(actors: list[str], commitments: list[str]) -> type[BaseModel]:
    """The question about one sentence that holds a pledge: who, and which commitment.

    Both answers are choices among spans of the sentence, so a grammar-constrained model cannot
    invent them, and a strong model's choice is still checked by validation.
    """
    fields = Pledge.model_fields
    return create_model(
        "PledgeAnswer",
        __base__=_Model,
        actor=(_choice(actors), Field(description=fields["actor"].description)),
        commitment=(_choice(commitments), Field(description=fields["commitment"].description)),
    )


def position_answer_model(
    actors: list[str], statements: list[str], stances: list[str]
) -> type[BaseModel]:
    """The question about one sentence that states a position: who, which view, which stance."""
    fields = Position.model_fields
    return create_model(
        "PositionAnswer",
        __base__=_Model,
        actor=(_choice(actors), Field(description=fields["actor"].description)),
        view=(_choice(statements), Field(description="The view the actor states.")),
        stance=(_choice(stances), Field(description=fields["stance"].description)),
    )


# --- the questions ------------------------------------------------------------------------------


class _Runner(Asker):
    def article_task(self, task: Task) -> BaseModel:
        model = PARTS[task.part]
        chunks = self.chunks(task)
        if len(chunks) > 1:
            return self.chunked_task(task, model, chunks)
        answer = self.ask(task, model)
        if isinstance(answer, SummaryPart):
            return SettledSummary(summary=self.supported_summary(task, answer))
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

    def supported_summary(self, task: Task, answer: SummaryPart) -> str:
        """The summary's whole sentences that the article supports: re-asked once with the
        reasons when some are not, then those still unsupported are dropped and reported."""
        # A reply cut at the schema's maxLength ends mid-sentence: keep whole sentences.
        summary = whole_sentences(answer.summary)
        _, unsupported = summary_support(split_sentences(summary), self.cleaned.text)
        if unsupported:
            messages = self.prompt.render(task, self.variables)
            messages += [
                {"role": "assistant", "content": answer.model_dump_json()},
                {"role": "user", "content": unsupported_summary_request(unsupported)},
            ]
            try:
                again = self.ask(task, SummaryPart, messages=messages)
                assert isinstance(again, SummaryPart)
                summary = whole_sentences(again.summary)
            except InvalidReplyError as exc:
                self.run.drop(task.part, "", f"no valid reply to the re-ask: {exc.message}")
        return settle_summary(self.run, self.cleaned, summary)

    def chunked_task(self, task: Task, model: type[BaseModel], chunks: list[str]) -> BaseModel:
        """A long article: ask per piece, then merge (summaries are summarized once more)."""
        total = len(chunks) + (model is SummaryPart)  # a summary's pieces are summarized once more
        answers = []
        for index, chunk in enumerate(chunks):
            self.report(task.part, index, total)
            answers.append(self.ask(task, model, text=chunk))
        self.report(task.part, len(chunks))
        if model is SummaryPart:
            partial = "\n\n".join(whole_sentences(a.model_dump()["summary"]) for a in answers)
            final = self.ask(task, model, text=partial)
            # No re-ask here: the article does not fit beside the question to re-ask it.
            summary = whole_sentences(final.model_dump()["summary"])
            return SettledSummary(summary=settle_summary(self.run, self.cleaned, summary))
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
        chunks = self.chunks(task)
        names: list[str] = []
        for index, chunk in enumerate(chunks):
            self.report(task.part, index, len(chunks))
            names += self.ask(task, NamesAnswer, text=chunk).model_dump()["names"]
        kept = ground_names(names, text)
        for name in names:
            if name.strip() and not any(name.strip() in k for k in kept):
                self.run.drop(task.part, name, "name not in the article")
        experts = []
        for name in kept:
            if is_official(name, text):
                self.run.drop(task.part, name, "an official, not an independent expert")
                continue
            quotes = expert_quotes(name, text)
            if not quotes:
                self.run.drop(task.part, name, "no statement attributed to this name")
                continue
            role, affiliation = expert_profile(name, text)
            experts.append(
                QuotedExpert(name=name, role=role, affiliation=affiliation, quotes=quotes)
            )
        return ExpertsPart(quoted_experts=experts)

    def choose_task(self, task: Task) -> BaseModel:
        """A summary of the article's own sentences: the model picks them by number."""
        choose = task.choose or Choose()
        sentences = body_sentences(self.cleaned)
        candidates = summary_candidates(
            sentences, self.cleaned.title, lead=choose.lead, limit=choose.candidates
        )
        if len(candidates) <= 1:
            return SettledSummary(summary=" ".join(candidates))
        model = chosen_sentences_model(len(candidates), choose.pick)
        answer = self.ask(task, model, candidates=candidates, pick=choose.pick)
        picked = sorted(set(answer.model_dump()["numbers"]))
        return SettledSummary(summary=" ".join(candidates[n - 1] for n in picked))

    def candidates_task(self, task: Task) -> BaseModel:
        """Experts among the people the article introduces next to a speech verb.

        Officials are left out; people introduced with a specialist's role (professor,
        researcher, "of the University of X") are kept without asking; the model is asked only
        about the others ("competition lawyer at ...", "deputy director of ..."), and not at
        all when there are none or when the task's ``candidates.unsure`` is ``drop``.
        """
        text = self.cleaned.text
        people = [p for p in introduced_people(text) if not is_official(p.name, text)]
        unsure = [p for p in people if not p.specialist]
        chosen: set[str] = set()
        if unsure and task.candidates is not None and task.candidates.unsure == "drop":
            for person in unsure:
                self.run.drop(task.part, person.name, "not introduced as a specialist")
        elif unsure:
            model = chosen_experts_model([p.name for p in unsure])
            said = {p.name: person_quotes(p.name, text, p.at)[:1] for p in unsure}
            shown = [
                {"name": p.name, "profile": p.profile,
                 "said": said[p.name][0].text if said[p.name] else ""}
                for p in unsure
            ]  # fmt: skip
            chosen = set(self.ask(task, model, people=shown).model_dump()["names"])
            for person in unsure:
                if person.name not in chosen:
                    self.run.drop(task.part, person.name, "not chosen as an independent expert")
        experts = [
            expert
            for person in people
            if person.specialist or person.name in chosen
            if (expert := as_expert(person, text)) is not None
        ]
        return ExpertsPart(quoted_experts=experts[:8])

    def sentence_task(self, task: Task) -> BaseModel:
        assert task.select is not None  # guaranteed by Task's validator
        cues = cue_pattern(task.select.all_cues)
        polarity = {w.lower(): stance for stance, ws in task.select.stances.items() for w in ws}
        items: list[Any] = []
        sentences = selected_sentences(self.cleaned.text, task.part, task.select)
        for index, sentence in enumerate(sentences):
            self.report(task.part, index, len(sentences))
            first_cue = cues.search(sentence)
            actors = actor_candidates(sentence, first_cue.start() if first_cue else None)
            if task.part == "pledges":
                options = commitment_options(sentence, cues)
            else:
                options = stance_options(sentence, cues)
            if not actors or not options:
                reason = "names no actor" if not actors else "has no clause after its cue"
                self.run.drop(task.part, sentence, f"the sentence {reason}")
                continue
            if task.part == "pledges":
                model = pledge_answer_model(actors, options)
            else:
                stances = stance_choices(options, polarity)
                model = position_answer_model(actors, options, stances)
            try:
                answer = self.ask(
                    task, model, sentence=sentence, actors=actors, options=options
                ).model_dump()
            except InvalidReplyError as exc:
                self.run.drop(task.part, sentence, f"no valid reply: {exc.message}")
                continue
            if task.part == "pledges":
                items.append(self._pledge(answer, sentence))
                continue
            items.append(self._position(answer, sentence, polarity, cues))
            # the sentence's other views, as the floor states them (a view with no subject of
            # its own has the model's actor)
            others = [v for v in options if v != answer["view"]]
            items += rule_positions(sentence, others, polarity, cues, answer["actor"])
        if task.part == "pledges":
            return AskedPledges(pledges=items)
        return AskedPositions(positions=items)

    @staticmethod
    def _pledge(answer: dict[str, Any], sentence: str) -> Pledge:
        return Pledge(
            actor=answer["actor"],
            commitment=answer["commitment"],
            condition=condition_of(sentence),
            evidence=sentence,
        )

    @staticmethod
    def _position(
        answer: dict[str, Any], sentence: str, polarity: Mapping[str, str], cues: re.Pattern[str]
    ) -> Position:
        """The model's position. Its stance stands unless it says supports or opposes against
        the polarity of the chosen view's own cue ("condemns ..." never supports): the model
        picks the stance among those of all the sentence's views, so it can pair them wrongly."""
        view, stance = answer["view"], answer["stance"]
        cue_stance = view_stance(view, polarity)
        if {stance, cue_stance} == {"supports", "opposes"}:
            stance = cue_stance
        return view_position(sentence, view, answer["actor"], stance, cues)


def selected_sentences(text: str, part: str, select: Select) -> list[str]:
    """The sentences a ``scope: sentence`` task asks about: up to ``select.limit`` with a cue,
    in order; for pledges none that commits nobody (:func:`not_a_commitment`), for
    positions no question."""
    cues = cue_pattern(select.all_cues)
    exclude: Callable[[str], object] = is_question
    if part == "pledges":
        experts = [p.name for p in specialists(text)]
        exclude = partial(not_a_commitment, cues=cues, specialists=experts)
    return select_sentences(text, cues, select.limit, exclude)


class Focused(Declared):
    """The tiny-model pipeline (brief@1, brief@2, brief@4): see the module docstring."""

    spec = SPEC
    needs_llm = True

    def check_prompt(self, prompt: Prompt) -> None:
        require_prompt_strategy(
            prompt,
            SPEC,
            f"pass --strategy {prompt.spec.strategy}, or a focused prompt such as "
            f"{SPEC.default_prompt}",
        )
        wholes = [t.part for t in prompt.spec.tasks if t.part not in PARTS]
        if wholes:
            raise PromptError(
                f"prompt {prompt.ref} asks for the whole brief in one question, which the "
                "focused strategy cannot ask",
                "declare `strategy: whole` in its prompt.yaml",
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
        """Ask every task of ``prompt`` about ``cleaned``; the brief and the run's costs."""
        assert prompt is not None and llm is not None  # api.brief_article checks both
        runner = _Runner(prompt, cleaned, llm, log, progress)
        handlers: dict[str, Callable[[Task], BaseModel]] = {
            "article": runner.article_task,
            "names": runner.names_task,
            "sentence": runner.sentence_task,
            "choose": runner.choose_task,
            "candidates": runner.candidates_task,
        }
        parts = {}
        for task in prompt.spec.tasks:
            ask = partial(handlers[task.scope], task)
            parts[task.part] = runner.step(task.part, partial(runner.fitting, ask))
        return Outcome(assemble_brief(parts), runner.run)


STRATEGY = Focused()
