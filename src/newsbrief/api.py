"""The library facade: the CLI, batch runs and evals all call these functions."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, BinaryIO

from . import __version__
from .clean import CleanArticle, clean_article
from .config import Settings, resolve_settings
from .errors import InputError
from .grounding import check_brief
from .ingest import Article, read_source
from .llm import LLM, build_provider
from .prompts import Prompt, load_prompt
from .schemas import Brief
from .strategy import run_prompt

DEFAULT_PROMPT = "brief@1"


@dataclass
class BriefResult:
    article: Article
    clean: CleanArticle
    brief: Brief
    meta: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The ``summarize --format json`` contract of DESIGN.md."""
        return {
            "article": {
                "id": self.article.id,
                "source": self.article.source,
                "title": self.clean.title,
            },
            "brief": self.brief.model_dump(mode="json"),
            "meta": self.meta,
        }


def clean_source(article: Article) -> CleanArticle:
    """Clean ``article``; an article with nothing left after cleaning is an input error."""
    cleaned = clean_article(article.raw, article.content_type)
    if not cleaned.text.strip():
        raise InputError(
            f"nothing is left of {article.source} after cleaning",
            "check that it holds a news article (`newsbrief clean --format json` shows what "
            "was removed)",
        )
    return cleaned


def clean(source: str, *, stdin: BinaryIO | None = None) -> tuple[Article, CleanArticle]:
    """Read and clean one article."""
    article = read_source(source, stdin=stdin)
    return article, clean_source(article)


def make_llm(settings: Settings | None = None, **overrides: Any) -> LLM:
    """An :class:`LLM` for ``settings`` (resolved from flags/env/config when not given)."""
    settings = settings or resolve_settings(**overrides)
    return LLM(build_provider(settings), retry=settings.retry)


def brief_article(
    article: Article, *, llm: LLM, prompt: Prompt, cleaned: CleanArticle | None = None
) -> BriefResult:
    """Clean ``article`` (unless ``cleaned`` is given) and run every task of ``prompt`` on it."""
    cleaned = cleaned or clean_source(article)
    started = time.perf_counter()
    brief, run = run_prompt(prompt, cleaned, llm)
    grounding = check_brief(brief, cleaned.text).to_dict()
    grounding["dropped"] = run.dropped
    meta = {
        "prompt": prompt.ref,
        "prompt_sha256": prompt.sha256,
        "model": llm.model,
        "usage": run.usage,
        "latency_ms": int((time.perf_counter() - started) * 1000),
        "attempts": run.calls,
        "grounding": grounding,
        "newsbrief_version": __version__,
    }
    return BriefResult(article=article, clean=cleaned, brief=brief, meta=meta)


def summarize(
    source: str,
    *,
    prompt: str = DEFAULT_PROMPT,
    model: str | None = None,
    base_url: str | None = None,
    mode: str | None = None,
    timeout: float | None = None,
    llm: LLM | None = None,
    stdin: BinaryIO | None = None,
) -> BriefResult:
    """Summarize the article at ``source`` (a path or ``-``) into a :class:`BriefResult`.

    Input and prompt are checked before any model is loaded, so bad input fails fast.
    """
    article = read_source(source, stdin=stdin)
    cleaned = clean_source(article)  # bad input fails here, before any model is loaded
    loaded = load_prompt(prompt)
    if llm is None:
        settings = resolve_settings(model=model, base_url=base_url, mode=mode, timeout=timeout)
        llm = make_llm(settings)
    return brief_article(article, llm=llm, prompt=loaded, cleaned=cleaned)
