"""Versioned prompts: load, validate, hash and render ``prompts/<id>/v<N>/``.

A prompt version is a folder holding ``prompt.yaml`` (its front matter: id, version, description,
the strategy it is written for, sampling parameters and the list of tasks) and the Jinja
templates it names. Templates
render in a sandbox with strict undefined variables, so a missing variable is an error, not an
empty string. The sha256 of a version covers every file in its folder.
"""

from __future__ import annotations

import contextvars
import math
import operator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..base import (
    PROMPT_REF,
    UNDECLARED_STRATEGY,
    declared_strategy,
    find_prompt_dir,
    hash_dir,
    strategy_specs,
)
from ..base import available_prompts as available
from ..errors import PromptError
from .schemas import PARTS, Stance

SENTENCE_PARTS = ("pledges", "positions")
WHOLE_BRIEF = "brief"  # a task part that asks for the whole Brief in one question
# Markers that delimit the article; occurrences inside the article are defused.
ARTICLE_OPEN, ARTICLE_CLOSE = "<article>", "</article>"
# What one render of a template may cost: characters of output (an article is at most 5 MB),
# characters or items one `*` may make, steps of every range() together, and powers (bits).
MAX_RENDERED_CHARS = 20_000_000
MAX_PRODUCT_ITEMS = 1_000_000
MAX_RANGE_STEPS = 100_000
MAX_POWER_BITS = 4096


class Sampling(BaseModel):
    """Sampling parameters, sent as the OpenAI chat API names them (llama.cpp takes them too)."""

    model_config = ConfigDict(extra="forbid")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    top_p: float = Field(default=1.0, gt=0.0, le=1.0)
    seed: int | None = None
    frequency_penalty: float | None = Field(default=None, ge=-2.0, le=2.0)
    presence_penalty: float | None = Field(default=None, ge=-2.0, le=2.0)

    def merged(self, override: Sampling | None) -> Sampling:
        """These parameters with the ones ``override`` sets explicitly on top."""
        if override is None:
            return self
        return self.model_copy(update=override.model_dump(exclude_unset=True))

    def as_kwargs(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class Select(BaseModel):
    """Which sentences a ``scope: sentence`` task asks about.

    ``cues`` are words that mark a sentence worth asking about. ``stances`` (positions only) are
    cue words whose stance is known ("condemn" opposes); the model then chooses a view's stance
    only among the stances its cue words allow.
    """

    model_config = ConfigDict(extra="forbid")
    cues: list[str] = Field(default_factory=list)
    stances: dict[Stance, list[str]] = Field(default_factory=dict)
    limit: int = Field(default=6, ge=1, le=50)

    @property
    def all_cues(self) -> list[str]:
        return [*self.cues, *(word for words in self.stances.values() for word in words)]

    @model_validator(mode="after")
    def _has_cues(self) -> Select:
        if not self.all_cues:
            raise ValueError("select needs cues or stances")
        return self


class Choose(BaseModel):
    """How a ``scope: choose`` summary is chosen: ``pick`` of ``candidates`` sentences, the
    first ``lead`` of the article's body among them (see ``summary_candidates``)."""

    model_config = ConfigDict(extra="forbid")
    lead: int = Field(default=4, ge=0, le=20)
    candidates: int = Field(default=8, ge=2, le=20)
    pick: int = Field(default=3, ge=1, le=10)


class Candidates(BaseModel):
    """How a ``scope: candidates`` experts task treats the people the article introduces
    without a specialist's role: ``ask`` the model about them, or ``drop`` them unasked
    (measured on real articles, the 135M model's picks among them were mostly false positives)."""

    model_config = ConfigDict(extra="forbid")
    unsure: Literal["ask", "drop"] = "ask"


class Task(BaseModel):
    """One question.

    scope ``article``: one call over the whole article, answered with the part's full model.
    scope ``sentence``: one short call per selected sentence (pledges, positions); the sentence
    becomes the evidence and the actor is chosen from the names the sentence contains.
    scope ``names``: one call over the article for the experts' names (quoted_experts); names
    not in the article are dropped, and quotes and profile are read from the article itself.
    scope ``choose`` (summary): the model chooses, by number, among the article's own sentences
    (a ``choose`` block says how many); the summary is those sentences, verbatim and in order.
    scope ``candidates`` (quoted_experts): the model chooses among the people the article
    introduces with a specialist's role; no call when there are none (a ``candidates`` block
    says what becomes of the people introduced without one).
    part ``brief`` (scope article): the whole Brief in one question (the whole strategy).
    Which scopes and parts a prompt may use depends on its strategy (``strategy.check_prompt``).
    """

    model_config = ConfigDict(extra="forbid")
    part: str
    template: str
    max_tokens: int = Field(gt=0, le=8192)
    scope: str = "article"  # one of the scopes some strategy's SPEC accepts
    select: Select | None = None
    choose: Choose | None = None
    candidates: Candidates | None = None
    sampling: Sampling | None = None  # overrides the prompt's sampling for this task

    @field_validator("part")
    @classmethod
    def _known_part(cls, value: str) -> str:
        if value not in PARTS and value != WHOLE_BRIEF:
            choices = ", ".join([*PARTS, WHOLE_BRIEF])
            raise ValueError(f"unknown part {value!r}; choose from {choices}")
        return value

    @field_validator("scope")
    @classmethod
    def _known_scope(cls, value: str) -> str:
        known = sorted({scope for spec in strategy_specs().values() for scope in spec.scopes})
        if value not in known:
            raise ValueError(f"unknown scope {value!r}; choose from {', '.join(known)}")
        return value

    @model_validator(mode="after")
    def _scope_fits_part(self) -> Task:
        if self.scope == "sentence" and (self.part not in SENTENCE_PARTS or self.select is None):
            raise ValueError(
                f"scope sentence needs part {' or '.join(SENTENCE_PARTS)} and a select block"
            )
        if self.scope in ("names", "candidates") and self.part != "quoted_experts":
            raise ValueError(f"scope {self.scope} is for part quoted_experts")
        if self.scope == "choose" and self.part != "summary":
            raise ValueError("scope choose is for part summary")
        if self.choose is not None and self.scope != "choose":
            raise ValueError("a choose block belongs to a task with scope choose")
        if self.candidates is not None and self.scope != "candidates":
            raise ValueError("a candidates block belongs to a task with scope candidates")
        if self.part == WHOLE_BRIEF and self.scope != "article":
            raise ValueError("part brief is asked over the article (scope article)")
        return self


class PromptSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    version: int = Field(ge=1)
    description: str
    strategy: str = UNDECLARED_STRATEGY  # the strategy the templates are written for
    sampling: Sampling = Field(default_factory=Sampling)
    system: str
    tasks: list[Task] = Field(min_length=1)


@dataclass(frozen=True)
class Prompt:
    spec: PromptSpec
    directory: Path
    sha256: str

    @property
    def ref(self) -> str:
        return f"{self.spec.id}@{self.spec.version}"

    def render(self, task: Task, variables: dict[str, Any]) -> list[dict[str, str]]:
        """The chat messages for one task: the shared system message, then article + question.
        A template that breaks or outgrows the sandbox's limits is a :class:`PromptError`."""
        try:
            system = _rendered(self._template(self.spec.system), variables).strip()
            user = _rendered(self._template(task.template), variables).strip()
        except jinja2.UndefinedError as exc:
            raise PromptError(
                f"prompt {self.ref} template needs a variable that was not given ({exc.message})",
                f"pass it, or fix {self.directory}",
            ) from exc
        except UnicodeDecodeError as exc:  # an included template that is not UTF-8
            raise _not_utf8(f"a template of {self.directory}", exc) from exc
        except (jinja2.TemplateError, RecursionError, OverflowError, MemoryError) as exc:
            why = _WHY.get(type(exc), str(exc))
            raise PromptError(
                f"prompt {self.ref} cannot render: {why}", f"fix its templates in {self.directory}"
            ) from exc
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def _template(self, name: str) -> jinja2.Template:
        return _template(self.directory, self.sha256, name)


@cache
def _template(directory: Path, sha256: str, name: str) -> jinja2.Template:
    """A template of the prompt version whose files hash to ``sha256``, compiled once: a
    released version never changes, and Jinja's own lookup checks the file's time and takes a
    lock on every render (a batch renders a few hundred times a second)."""
    return _environment(directory).get_template(name)


def delimit(value: object) -> str:
    """Keep article text from closing or reopening its own delimiters."""
    text = str(value)
    return text.replace(ARTICLE_CLOSE, "</ article>").replace(ARTICLE_OPEN, "< article>")


_WHY = {
    RecursionError: "a macro or include calls itself without end",
    MemoryError: "it needs more memory than there is",
}
# The range() steps one render may still take (None outside a render).
_RANGE_LEFT: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "range_left", default=None
)


def _rendered(template: jinja2.Template, variables: dict[str, Any]) -> str:
    """``template`` rendered with ``variables`` under the limits of :class:`LimitedSandbox`:
    at most ``MAX_RENDERED_CHARS`` of output and ``MAX_RANGE_STEPS`` range() steps in all."""
    token = _RANGE_LEFT.set([MAX_RANGE_STEPS])
    try:
        pieces: list[str] = []
        size = 0
        for piece in template.generate(**variables):
            size += len(piece)
            if size > MAX_RENDERED_CHARS:
                raise SecurityError(f"it makes more than {MAX_RENDERED_CHARS:,} characters")
            pieces.append(piece)
        return "".join(pieces)
    finally:
        _RANGE_LEFT.reset(token)


def _limited_range(*args: int) -> range:
    steps = range(*args)
    left = _RANGE_LEFT.get()
    if left is not None:
        left[0] -= len(steps)
        if left[0] < 0:
            raise SecurityError(f"its range() loops take more than {MAX_RANGE_STEPS:,} steps")
    return steps


class LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox (no attribute or method that escapes it) with bounds on what a template
    may make: ``*`` of a string or list, ``**``, range() steps (and the output, in
    :func:`_rendered`), so a broken prompt is an error instead of a hang or a full memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sized and len(seq) * times > MAX_PRODUCT_ITEMS:
                    raise SecurityError(f"a `*` makes more than {MAX_PRODUCT_ITEMS:,} items")
            return operator.mul(left, right)
        if operator_name == "**":
            ints = isinstance(left, int) and isinstance(right, int) and abs(left) > 1
            if ints and right * math.log2(abs(left)) > MAX_POWER_BITS:
                raise SecurityError(f"a `**` makes a number of more than {MAX_POWER_BITS} bits")
            return operator.pow(left, right)
        return super().call_binop(context, operator_name, left, right)


@cache
def _environment(directory: Path) -> SandboxedEnvironment:
    env = LimitedSandbox(
        loader=jinja2.FileSystemLoader(str(directory)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )
    env.filters["delimit"] = delimit
    env.globals["range"] = _limited_range
    return env


def _not_utf8(where: str, exc: UnicodeDecodeError) -> PromptError:
    return PromptError(
        f"{where} is not UTF-8 text (byte {exc.object[exc.start]:#x} at offset {exc.start})",
        "save it as UTF-8",
    )


def load_version(directory: Path) -> Prompt:
    meta = directory / "prompt.yaml"
    try:
        raw = yaml.safe_load(meta.read_text(encoding="utf-8"))
        spec = PromptSpec.model_validate(raw)
    except OSError as exc:
        raise PromptError(f"cannot read {meta}: {exc.strerror}", "check the prompt folder") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        first = str(exc).splitlines()[0:3]
        raise PromptError(f"{meta} is invalid: {' '.join(first)}", "fix the file") from exc
    expected = f"v{spec.version}"
    if directory.name != expected or directory.parent.name != spec.id:
        raise PromptError(
            f"{meta} says {spec.id}@{spec.version} but lives in {directory.parent.name}/"
            f"{directory.name}",
            f"move it to {spec.id}/{expected}",
        )
    for name in [spec.system, *(t.template for t in spec.tasks)]:
        if not (directory / name).is_file():
            raise PromptError(f"{meta} names a missing template {name}", "add it or fix the name")
        try:  # compiled now: a template that is not UTF-8 or not Jinja fails before any article
            _environment(directory).get_template(name)
        except UnicodeDecodeError as exc:
            raise _not_utf8(str(directory / name), exc) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise PromptError(
                f"{directory / name} line {exc.lineno}: {exc.message}", "fix the template"
            ) from exc
    if declared_strategy(directory) != spec.strategy:
        raise PromptError(
            f"{meta}: write its strategy key on one line, as `strategy: {spec.strategy}`",
            "the fast path reads it without a YAML parser",
        )
    return Prompt(spec=spec, directory=directory, sha256=hash_dir(directory))


def _choices() -> str:
    refs = [f"{name}@{v}" for name, versions in available().items() for v in versions]
    return ", ".join(refs) or "none found"


def load_prompt(ref: str) -> Prompt:
    """Load ``id@N`` (or ``id`` for its newest version)."""
    match = PROMPT_REF.match(ref.strip())
    if not match:
        raise PromptError(
            f"bad prompt reference {ref!r}", f"write it as id@version, e.g. brief@1 ({_choices()})"
        )
    name, version = match.group("id"), match.group("version")
    if not available().get(name):
        raise PromptError(f"unknown prompt {name!r}", f"available: {_choices()}")
    directory = find_prompt_dir(name, int(version) if version else None)
    if directory is not None:
        return load_version(directory)
    raise PromptError(f"unknown prompt version {name}@{version}", f"available: {_choices()}")
