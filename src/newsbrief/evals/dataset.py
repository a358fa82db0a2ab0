"""Eval fixtures: ``evals/fixtures/<id>/`` holding the article and its hand labels.

A fixture folder holds exactly one article file (``article.txt``, ``article.md`` or
``article.html``; noise allowed: it goes through the same cleaning as any input) and
``labels.yaml``, validated by :class:`Labels` (unknown keys are errors, so a typo never passes
silently). ``evals/LABELLING.md`` is the guide a labeller follows.

An **external** fixture (``evals/external/<set>/<id>/``) holds only ``labels.yaml``: its article
is a real one that the repository does not carry. Its ``source`` names where the exact text
comes from (repository and commit, path, sha256, licence); the text is fetched into a local
folder (``evals/external/fetch.py``) and passed as ``--articles-from DIR``, where it must be
``<id>.txt`` with that sha256.
"""

from __future__ import annotations

import hashlib
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


class ExternalSource(_Strict):
    """Where an external fixture's article comes from: enough to fetch the exact bytes again."""

    repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$", description="owner/name on GitHub.")
    commit: str = Field(pattern=r"^[0-9a-f]{40}$")
    path: str = Field(min_length=1, description="The file inside the repository.")
    selector: str | None = Field(
        default=None, description="Which record of the file, for JSONL/CSV sources."
    )
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Of the article text, UTF-8.")
    licence: str = Field(min_length=1)
    url: str | None = None
    words: int | None = Field(default=None, ge=1)
    topic: str | None = None


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
    source: ExternalSource | None = Field(
        default=None, description="Set for an external fixture, whose article is not committed."
    )

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

    @property
    def external(self) -> bool:
        """The article is a real one kept out of the repository (labels and scores only)."""
        return self.labels.source is not None


def default_articles_dir() -> Path:
    """Where external articles are looked for when no folder is given: NEWSBRIEF_ARTICLES_FROM,
    else ``external/`` in the user data folder (where ``evals/external/fetch.py`` puts them)."""
    import os

    explicit = os.environ.get("NEWSBRIEF_ARTICLES_FROM")
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("newsbrief", appauthor=False)) / "external"


FETCH_HINT = (
    "fetch the articles with `python evals/external/fetch.py --set {set} --clone CLONE` "
    "(see evals/external/README.md), or pass --articles-from DIR where they are"
)


def _external_article(directory: Path, labels: Labels, articles_from: Path | None) -> Path:
    assert labels.source is not None
    hint = FETCH_HINT.format(set=directory.parent.name)
    folder = articles_from or default_articles_dir()
    path = folder / f"{labels.id}.txt"
    if not folder.is_dir():
        raise InputError(
            f"fixture {labels.id} is external: its article is not in the repository, and "
            f"{folder} does not exist",
            hint,
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"external article {path} is missing ({exc.strerror})", hint) from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != labels.source.sha256:
        raise InputError(
            f"external article {path} has sha256 {digest[:12]}..., but the labels of "
            f"{labels.id} were written for {labels.source.sha256[:12]}... "
            f"({labels.source.repo}@{labels.source.commit[:10]}:{labels.source.path})",
            "fetch it again from that commit: " + hint,
        )
    return path


def load_fixture(
    directory: Path, articles_from: Path | None = None, *, articles: bool = True
) -> Fixture:
    """The fixture in ``directory``; an external one's article is read from ``articles_from``
    (and its sha256 checked) unless ``articles`` is false (labels are all a replay needs)."""
    found = [directory / name for name in ARTICLE_NAMES if (directory / name).is_file()]
    path = directory / "labels.yaml"
    try:
        labels = Labels.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", "add labels.yaml") from exc
    except (yaml.YAMLError, ValidationError, ValueError, RecursionError) as exc:
        # ValueError: not UTF-8; RecursionError: nested too deep for the YAML parser
        first = "nested too deep" if isinstance(exc, RecursionError) else str(exc)
        first = " ".join(first.splitlines()[:3])
        raise InputError(f"{path} is invalid: {first}", "see evals/LABELLING.md") from exc
    if labels.id != directory.name:
        raise InputError(
            f"{path} says id {labels.id!r} but lives in {directory.name}/",
            "make the id and the folder name the same",
        )
    if labels.source is not None:
        if found:
            raise InputError(
                f"external fixture {directory} holds an article file ({found[0].name})",
                "remove it: an external article is never committed, only its labels and sha256",
            )
        if not articles:
            return Fixture(labels.id, directory, Path(f"<external:{labels.id}>"), labels)
        return Fixture(labels.id, directory, _external_article(directory, labels, articles_from),
                       labels)  # fmt: skip
    if len(found) != 1:
        raise InputError(
            f"fixture {directory} needs exactly one of {', '.join(ARTICLE_NAMES)}",
            "add the article (or remove the extra one)",
        )
    return Fixture(labels.id, directory, found[0], labels)


def load_fixtures(
    roots: list[Path], articles_from: Path | None = None, *, articles: bool = True
) -> list[Fixture]:
    """Every fixture under the ``roots`` (one folder each), sorted by id. An id may appear once
    over all roots: two fixtures with one id would be scored as one. External fixtures read
    their articles from ``articles_from``."""
    fixtures: dict[str, Fixture] = {}
    for root in roots:
        if not root.is_dir():
            raise InputError(f"no fixtures folder at {root}", "pass --fixtures DIR")
        for directory in sorted(d for d in root.iterdir() if d.is_dir()):
            fixture = load_fixture(directory, articles_from, articles=articles)
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
