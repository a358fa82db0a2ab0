"""Eval fixtures: ``evals/fixtures/<id>/`` holding the article and its hand labels.

A fixture folder holds exactly one article file (``article.txt``, ``article.md`` or
``article.html``; noise allowed: it goes through the same cleaning as any input) and
``labels.yaml``, validated by :class:`Labels` (unknown keys are errors, so a typo never passes
silently). ``evals/LABELLING.md`` is the guide a labeller follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import InputError

ARTICLE_NAMES = ("article.txt", "article.md", "article.html")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldPledge(_Strict):
    actor: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list, description="Other names of the actor.")
    commitment: str = Field(min_length=1)
    condition: str | None = None


class GoldPosition(_Strict):
    actor: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    topic: str = Field(min_length=1)
    stance: Literal["supports", "opposes", "neutral", "mixed"]


class GoldQuote(_Strict):
    text: str = Field(min_length=1)
    kind: Literal["direct", "indirect"]


class GoldExpert(_Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    role: str | None = None
    affiliation: str | None = None
    quotes: list[GoldQuote] = Field(default_factory=list)


class Labels(_Strict):
    """What a careful reader takes from the article; see evals/LABELLING.md."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    summary: str = Field(min_length=1, description="A reference summary, 1-3 sentences.")
    key_facts: list[str] = Field(min_length=3, max_length=7)
    pledges: list[GoldPledge] = Field(default_factory=list)
    positions: list[GoldPosition] = Field(default_factory=list)
    quoted_experts: list[GoldExpert] = Field(default_factory=list)
    leaks: list[str] = Field(
        default_factory=list,
        description="Names or phrases found only in site chrome or teasers of other articles: "
        "one in the brief means cleaning let noise through.",
    )
    notes: str | None = None

    @field_validator("key_facts")
    @classmethod
    def _facts_not_blank(cls, facts: list[str]) -> list[str]:
        if any(not fact.strip() for fact in facts):
            raise ValueError("a key fact is blank")
        return facts


@dataclass(frozen=True)
class Fixture:
    id: str
    directory: Path
    article: Path
    labels: Labels


def load_fixture(directory: Path) -> Fixture:
    articles = [directory / name for name in ARTICLE_NAMES if (directory / name).is_file()]
    if len(articles) != 1:
        raise InputError(
            f"fixture {directory} needs exactly one of {', '.join(ARTICLE_NAMES)}",
            "add the article (or remove the extra one)",
        )
    path = directory / "labels.yaml"
    try:
        labels = Labels.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", "add labels.yaml") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        first = " ".join(str(exc).splitlines()[:3])
        raise InputError(f"{path} is invalid: {first}", "see evals/LABELLING.md") from exc
    if labels.id != directory.name:
        raise InputError(
            f"{path} says id {labels.id!r} but lives in {directory.name}/",
            "make the id and the folder name the same",
        )
    return Fixture(labels.id, directory, articles[0], labels)


def load_fixtures(roots: list[Path]) -> list[Fixture]:
    """Every fixture under the ``roots`` (one folder each), sorted by id. An id may appear once
    over all roots: two fixtures with one id would be scored as one."""
    fixtures: dict[str, Fixture] = {}
    for root in roots:
        if not root.is_dir():
            raise InputError(f"no fixtures folder at {root}", "pass --fixtures DIR")
        for directory in sorted(d for d in root.iterdir() if d.is_dir()):
            fixture = load_fixture(directory)
            if fixture.id in fixtures:
                raise InputError(
                    f"duplicate fixture id {fixture.id!r} ({fixtures[fixture.id].directory} and "
                    f"{directory})",
                    "rename one of them",
                )
            fixtures[fixture.id] = fixture
    if not fixtures:
        raise InputError(f"no fixtures in {', '.join(map(str, roots))}", "add <id>/ folders")
    return [fixtures[key] for key in sorted(fixtures)]
