"""The Brief (schema version 1) and its parts.

Field descriptions are written for the model: instructor sends them with the JSON schema, so they
are the most direct guidance the model gets about each field. ``schemas/brief.v1.schema.json`` is
generated from these models by ``newsbrief schema export``; a test fails when it is stale.

A strategy may ask for one part at a time, so each part also exists as a model of its own;
:func:`assemble_brief` puts the parts together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from . import fields

SCHEMA_VERSION = 1

Stance = Literal["supports", "opposes", "neutral", "mixed"]
QuoteKind = Literal["direct", "indirect"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The fields that must be verbatim excerpts of the article: grounding checks them, the
    # brief page highlights them, the grounding score counts them (all via
    # :func:`verbatim_excerpts`). Field -> None (always) or (field, value): only when another
    # field of the item has that value. Not part of the JSON schema.
    VERBATIM: ClassVar[dict[str, tuple[str, str] | None]] = {}
    # The fields that make two list items the same item (read in pieces, an article can give
    # one twice): compared after whitespace, quote-mark and case normalization.
    SAME: ClassVar[tuple[str, ...]] = ()

    def joined(self, other: Any) -> Any:
        """This item with what ``other`` (the same item, found again) adds; by default
        nothing: the first wording stands."""
        return self


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, _Model)


class Pledge(_Model):
    """A commitment to act that someone made in the article."""

    VERBATIM: ClassVar[dict[str, tuple[str, str] | None]] = {"evidence": None}
    SAME: ClassVar[tuple[str, ...]] = ("actor", "evidence")

    actor: str = Field(
        description="Who made the commitment, named as in the article (a person, government, "
        "company or group)."
    )
    commitment: str = Field(
        description="What the actor promised to do, in a short phrase starting with a verb."
    )
    condition: str | None = Field(
        default=None,
        description="The condition the commitment depends on, if the article states one; "
        "otherwise null.",
    )
    evidence: str = Field(
        description="The sentence from the article that states the commitment, copied exactly."
    )


class Position(_Model):
    """A view that someone stated in the article about a topic."""

    VERBATIM: ClassVar[dict[str, tuple[str, str] | None]] = {"evidence": None}
    SAME: ClassVar[tuple[str, ...]] = ("actor", "evidence")

    actor: str = Field(description="Who holds the position, named as in the article.")
    topic: str = Field(description="What the position is about, in a few words.")
    stance: Stance = Field(
        description="The actor's stance on the topic: supports, opposes, neutral or mixed."
    )
    statement: str = Field(description="The position in one short sentence of your own.")
    evidence: str = Field(
        description="The sentence from the article that shows the position, copied exactly."
    )


class Quote(_Model):
    """Something an expert said, as the article reports it."""

    VERBATIM: ClassVar[dict[str, tuple[str, str] | None]] = {"text": ("kind", "direct")}

    text: str = Field(
        description="For a direct quote, the words inside the quotation marks, copied exactly; "
        "for an indirect quote, the reported statement."
    )
    kind: QuoteKind = Field(
        description="direct if the article puts the words in quotation marks, else indirect."
    )


class QuotedExpert(_Model):
    """An independent expert (analyst, academic, researcher) whom the article quotes."""

    SAME: ClassVar[tuple[str, ...]] = ("name",)

    def joined(self, other: Any) -> Any:
        """The expert found again: every quote once, a role or affiliation the first lacked."""
        quotes = self.quotes + [q for q in other.quotes if q not in self.quotes]
        return self.model_copy(update={
            "quotes": quotes, "role": self.role or other.role,
            "affiliation": self.affiliation or other.affiliation,
        })  # fmt: skip

    name: str = Field(description="The expert's full name as written in the article.")
    role: str | None = Field(
        default=None, description="The expert's job or title, if the article gives it."
    )
    affiliation: str | None = Field(
        default=None, description="The expert's institution, if the article gives it."
    )
    quotes: list[Quote] = Field(
        default_factory=list, description="What the expert said in the article."
    )


class Brief(_Model):
    """A structured, checkable brief of one news article."""

    summary: str = Field(
        description="Two or three sentences: who did what, when, and why it matters, using only "
        "facts stated in the article."
    )
    pledges: list[Pledge] = Field(
        default_factory=list, description="Commitments to act made in the article."
    )
    positions: list[Position] = Field(
        default_factory=list, description="Views stated in the article by named actors."
    )
    quoted_experts: list[QuotedExpert] = Field(
        default_factory=list, description="Independent experts quoted in the article."
    )


# The Brief's list fields (pledges, positions, quoted_experts), from the model: what is merged
# item by item, grounded item by item, and shown as lists.
LIST_FIELDS = tuple(
    name
    for name, info in Brief.model_fields.items()
    if any(_is_model(a) for a in get_args(info.annotation))
)


def excerpt_anchor(path: str) -> str | None:
    """The brief page's id of the item holding the verbatim excerpt at ``path``: its list
    field's :func:`~newsbrief.brief.fields.anchor` and every index on the way
    (``pledges[0].evidence`` -> ``pledge-0``, ``quoted_experts[1].quotes[2].text`` ->
    ``quote-1-2``); None for a path that is not a verbatim excerpt of a list item."""
    model: type[_Model] = Brief
    indexes: list[str] = []
    field = ""
    steps = path.split(".")
    for step in steps[:-1]:
        field, _, rest = step.partition("[")
        info = model.model_fields.get(field)
        found = next((a for a in get_args(info.annotation) if _is_model(a)), None) if info else None
        if found is None or not rest.endswith("]") or not rest[:-1].isdigit():
            return None
        model = found
        indexes.append(rest[:-1])
    if not indexes or steps[-1] not in model.VERBATIM:
        return None
    return "-".join([fields.anchor(field), *indexes])


def verbatim_excerpts(brief: Brief | Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every (path, text) of ``brief`` (a :class:`Brief`, or its JSON form as results hold
    it) that must be a verbatim excerpt of the article, as the models' ``VERBATIM`` say;
    paths such as ``pledges[0].evidence``. Missing or malformed parts are skipped."""
    return list(_excerpts(Brief, brief, ""))


def _excerpts(model: type[_Model], data: Any, prefix: str) -> Iterator[tuple[str, str]]:
    def get(name: str) -> Any:
        return getattr(data, name, None) if isinstance(data, BaseModel) else data.get(name)

    if not isinstance(data, (BaseModel, Mapping)):
        return
    for name, when in model.VERBATIM.items():
        if when is None or get(when[0]) == when[1]:
            yield f"{prefix}{name}", str(get(name) or "")
    for name, info in model.model_fields.items():
        item_model = next((a for a in get_args(info.annotation) if _is_model(a)), None)
        if item_model is not None and isinstance(get(name), list):
            for i, item in enumerate(get(name)):
                yield from _excerpts(item_model, item, f"{prefix}{name}[{i}].")


# --- parts: the Brief one part at a time ---------------------------------------------------------
# A strategy may ask for one part per question. These carry no limits beyond the Brief's own: the
# focused strategy's tiny-model limits live in its own response models (strategies/focused.py).


class BriefSummary(_Model):
    summary: str = Field(description=Brief.model_fields["summary"].description)


class BriefPledges(_Model):
    pledges: list[Pledge] = Field(
        default_factory=list,
        description="Every commitment to act made in the article; an empty list if none.",
    )


class BriefPositions(_Model):
    positions: list[Position] = Field(
        default_factory=list,
        description="Every view stated in the article by a named actor; an empty list if none.",
    )


class BriefExperts(_Model):
    quoted_experts: list[QuotedExpert] = Field(
        default_factory=list,
        description="Every independent expert quoted in the article; an empty list if none.",
    )


PARTS: dict[str, type[BaseModel]] = {
    "summary": BriefSummary,
    "pledges": BriefPledges,
    "positions": BriefPositions,
    "quoted_experts": BriefExperts,
}


def assemble_brief(parts: dict[str, BaseModel]) -> Brief:
    """Merge the parsed parts into one Brief; a part that was not asked for stays empty."""
    data: dict[str, Any] = {"summary": ""}
    for part in parts.values():
        data.update(part.model_dump())
    return Brief.model_validate(data)


# --- JSON Schema export ------------------------------------------------------------------------

SCHEMA_FILENAME = f"brief.v{SCHEMA_VERSION}.schema.json"


def brief_json_schema() -> dict[str, Any]:
    schema = Brief.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"newsbrief/{SCHEMA_FILENAME}",
        "x-schema-version": SCHEMA_VERSION,
        **schema,
    }


@cache
def schema_text() -> str:
    return json.dumps(brief_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@cache
def schema_sha256() -> str:
    return hashlib.sha256(schema_text().encode()).hexdigest()


def export_schema(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / SCHEMA_FILENAME
    path.write_text(schema_text(), encoding="utf-8")
    return path
