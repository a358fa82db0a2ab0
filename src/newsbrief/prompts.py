"""Versioned prompts: load, validate, hash and render ``prompts/<id>/v<N>/``.

A prompt version is a folder holding ``prompt.yaml`` (its front matter: id, version, description,
sampling parameters and the list of focused tasks) and the Jinja templates it names. Templates
render in a sandbox with strict undefined variables, so a missing variable is an error, not an
empty string. The sha256 of a version covers every file in its folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import PromptError
from .schemas import PARTS

_REF = re.compile(r"^(?P<id>[a-z][a-z0-9_-]*)(@v?(?P<version>\d+))?$")
# Markers that delimit the article; occurrences inside the article are defused.
ARTICLE_OPEN, ARTICLE_CLOSE = "<article>", "</article>"


class Sampling(BaseModel):
    model_config = ConfigDict(extra="forbid")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    top_p: float = Field(default=1.0, gt=0.0, le=1.0)
    seed: int | None = None


class Task(BaseModel):
    model_config = ConfigDict(extra="forbid")
    part: str
    template: str
    max_tokens: int = Field(gt=0, le=8192)

    @field_validator("part")
    @classmethod
    def _known_part(cls, value: str) -> str:
        if value not in PARTS:
            raise ValueError(f"unknown part {value!r}; choose from {', '.join(PARTS)}")
        return value


class PromptSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    version: int = Field(ge=1)
    description: str
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
        """The chat messages for one task: the shared system message, then article + question."""
        env = _environment(self.directory)
        try:
            system = env.get_template(self.spec.system).render(**variables).strip()
            user = env.get_template(task.template).render(**variables).strip()
        except jinja2.UndefinedError as exc:
            raise PromptError(
                f"prompt {self.ref} template needs a variable that was not given ({exc.message})",
                f"pass it, or fix {self.directory}",
            ) from exc
        except jinja2.TemplateError as exc:
            raise PromptError(f"prompt {self.ref} cannot render: {exc}", "fix its templates") from exc
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def delimit(value: object) -> str:
    """Keep article text from closing or reopening its own delimiters."""
    text = str(value)
    return text.replace(ARTICLE_CLOSE, "</ article>").replace(ARTICLE_OPEN, "< article>")


@cache
def _environment(directory: Path) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(directory)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )
    env.filters["delimit"] = delimit
    return env


def builtin_prompt_dirs() -> list[Path]:
    """Where released prompts live: the installed package data, or the source checkout."""
    here = Path(__file__).resolve().parent
    candidates = [here / "_data" / "prompts", here.parents[1] / "prompts"]
    return [p for p in candidates if p.is_dir()]


def prompt_dirs() -> list[Path]:
    extra = os.environ.get("NEWSBRIEF_PROMPTS_DIR")
    dirs = [Path(extra)] if extra else []
    return dirs + builtin_prompt_dirs()


def _hash_dir(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.iterdir() if p.is_file()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


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
    return Prompt(spec=spec, directory=directory, sha256=_hash_dir(directory))


def available() -> dict[str, list[int]]:
    """Prompt id -> released versions, over every prompt folder."""
    found: dict[str, set[int]] = {}
    for root in prompt_dirs():
        for version_dir in root.glob("*/v*/prompt.yaml"):
            match = re.fullmatch(r"v(\d+)", version_dir.parent.name)
            if match:
                found.setdefault(version_dir.parent.parent.name, set()).add(int(match.group(1)))
    return {name: sorted(versions) for name, versions in sorted(found.items())}


def _choices() -> str:
    refs = [f"{name}@{v}" for name, versions in available().items() for v in versions]
    return ", ".join(refs) or "none found"


def load_prompt(ref: str) -> Prompt:
    """Load ``id@N`` (or ``id`` for its newest version)."""
    match = _REF.match(ref.strip())
    if not match:
        raise PromptError(f"bad prompt reference {ref!r}", f"write it as id@version, e.g. brief@1 ({_choices()})")
    name, version = match.group("id"), match.group("version")
    versions = available().get(name)
    if not versions:
        raise PromptError(f"unknown prompt {name!r}", f"available: {_choices()}")
    number = int(version) if version else versions[-1]
    for root in prompt_dirs():
        directory = root / name / f"v{number}"
        if (directory / "prompt.yaml").is_file():
            return load_version(directory)
    raise PromptError(f"unknown prompt version {name}@{number}", f"available: {_choices()}")
