"""The library facade: the CLI, batch runs and evals all call these functions."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from . import __version__, quick
from .clean import CleanArticle, clean_article
from .config import Settings, resolve_settings
from .errors import InputError, NewsbriefError
from .grounding import check_brief
from .ingest import Article, read_source
from .prompts import Prompt, load_prompt
from .schemas import Brief, schema_sha256
from .store import Store

if TYPE_CHECKING:  # the LLM stack (instructor, openai) loads only when a model is needed
    from .llm import LLM

DEFAULT_PROMPT = quick.DEFAULT_PROMPT
# How a brief is made: "focused" runs the prompt's questions on the model; "floor" is the no-model
# yardstick (fixed rules, zero LLM calls, see :mod:`newsbrief.floor`).
STRATEGIES = ("focused", "floor")
DEFAULT_STRATEGY = "focused"


def check_strategy(name: str) -> str:
    """``name`` if it is a known strategy, else an input error that lists the choices."""
    if name not in STRATEGIES:
        raise InputError(f"unknown strategy {name!r}", f"choose one of: {', '.join(STRATEGIES)}")
    return name


@dataclass
class BriefResult:
    article: Article
    clean: CleanArticle
    brief: Brief
    meta: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The ``summarize --format json`` contract of DESIGN.md (plus ``final_url`` for a
        fetched URL that redirected elsewhere)."""
        article: dict[str, Any] = {
            "id": self.article.id,
            "source": self.article.source,
            "title": self.clean.title,
        }
        if self.article.final_url and self.article.final_url != self.article.source:
            article["final_url"] = self.article.final_url
        return {
            "article": article,
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
    from .llm import LLM, build_provider

    settings = settings or resolve_settings(**overrides)
    return LLM(build_provider(settings), retry=settings.retry, reask_tokens=settings.reask_tokens)


class LazyLLM:
    """The model for ``settings`` (or an injected ``llm``), made on the first call only, so a
    run served from the cache loads no model; ``identity`` is the model as the cache sees it."""

    def __init__(self, settings: Settings, llm: LLM | None = None) -> None:
        self.settings = settings
        self.made = llm
        self.identity = (
            llm.model
            if llm is not None
            else quick.model_identity(settings.model, settings.base_url, settings.mode)
        )

    def __call__(self) -> LLM:
        if self.made is None:
            self.made = make_llm(self.settings)
        return self.made


def brief_article(
    article: Article, *, llm: LLM, prompt: Prompt, cleaned: CleanArticle | None = None
) -> BriefResult:
    """Clean ``article`` (unless ``cleaned`` is given) and run every task of ``prompt`` on it."""
    from .strategy import run_prompt

    cleaned = cleaned or clean_source(article)
    started = time.perf_counter()
    brief, run = run_prompt(prompt, cleaned, llm)
    meta = _meta(brief, cleaned, run.dropped, prompt=prompt.ref, prompt_sha256=prompt.sha256,
                 model=llm.model, usage=run.usage, started=started, attempts=run.calls,
                 pieces=run.pieces, strategy="focused")  # fmt: skip
    return BriefResult(article=article, clean=cleaned, brief=brief, meta=meta)


def floor_article(article: Article, *, cleaned: CleanArticle | None = None) -> BriefResult:
    """The no-model floor's brief of ``article``: fixed rules, zero LLM calls."""
    from .floor import REF, floor_brief, floor_sha256

    cleaned = cleaned or clean_source(article)
    started = time.perf_counter()
    brief, dropped = floor_brief(cleaned)
    usage = {"prompt_tokens": 0, "completion_tokens": 0}
    meta = _meta(brief, cleaned, dropped, prompt=REF, prompt_sha256=floor_sha256(),
                 model="none", usage=usage, started=started, attempts=0, pieces=1,
                 strategy="floor")  # fmt: skip
    return BriefResult(article=article, clean=cleaned, brief=brief, meta=meta)


def _meta(
    brief: Brief,
    cleaned: CleanArticle,
    dropped: list[dict[str, str]],
    *,
    started: float,
    **fields: Any,
) -> dict[str, Any]:
    grounding = check_brief(brief, cleaned.text).to_dict()
    grounding["dropped"] = dropped
    meta = {
        "prompt": fields["prompt"],
        "prompt_sha256": fields["prompt_sha256"],
        "model": fields["model"],
        "strategy": fields["strategy"],
        "usage": fields["usage"],
        "latency_ms": int((time.perf_counter() - started) * 1000),
        "attempts": fields["attempts"],
        "pieces": fields["pieces"],
        "grounding": grounding,
        "cached": False,
        "newsbrief_version": __version__,
    }
    return meta


def cache_key(cleaned: CleanArticle, prompt: Prompt, model: str, repeat: int = 0) -> str:
    """What changes the output, and nothing else: the cleaned text, the prompt version's files
    (templates and sampling), the schema, the model (with its endpoint), the repeat index."""
    parts = {
        "text": hashlib.sha256(cleaned.text.encode()).hexdigest(),
        "prompt": prompt.sha256,
        "schema": schema_sha256(),
        "model": model,
        "repeat": repeat,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _open_store() -> Store:
    try:
        return Store()
    except (OSError, sqlite3.Error) as exc:
        raise NewsbriefError(
            f"cannot open the run log and cache: {exc}",
            "set NEWSBRIEF_HOME to a writable folder, or pass --no-cache --no-log",
        ) from exc


def _cleaned(article: Article, store: Store | None) -> CleanArticle:
    """The cleaned article, reused from the store when this cleaner has seen the same bytes."""
    if store is None:
        return clean_source(article)
    from .clean import cleaner_version

    cleaner = f"{cleaner_version()}:{article.content_type}"
    stored = store.cleaned_get(article.sha256, cleaner)
    if stored is not None:
        return CleanArticle.from_dict(stored)
    cleaned = clean_source(article)
    store.cleaned_put(article.sha256, cleaner, cleaned.to_dict())
    return cleaned


def _from_cache(
    stored: dict[str, Any], article: Article, cleaned: CleanArticle, started: float
) -> BriefResult:
    meta = quick.cached_meta(stored["meta"], started)
    return BriefResult(article, cleaned, Brief.model_validate(stored["brief"]), meta)


def _remember_fast(
    store: Store, result: BriefResult, key: str, identity: str, prompt: Prompt
) -> None:
    """Record the fast path's row for a file source (see :mod:`newsbrief.quick`)."""
    article = result.article
    if not article.data_sha256 or article.source == "<stdin>" or "://" in article.source:
        return
    fast = quick.fast_key(article.source, article.data_sha256, identity, prompt.sha256)
    store.fastpath_put(fast, key, result.to_dict()["article"])


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
    cache: bool = True,
    log: bool = True,
    strategy: str = DEFAULT_STRATEGY,
) -> BriefResult:
    """Summarize the article at ``source`` (a path, URL or ``-``) into a :class:`BriefResult`.

    Input and prompt are checked before any model is loaded, so bad input fails fast. A result
    cached for the same cleaned text, prompt, schema and model is returned without any LLM call
    (``meta.cached``); ``cache=False`` bypasses the cache, ``log=False`` the run log.
    ``strategy="floor"`` makes the no-model floor's brief (no model, no cache: it takes
    milliseconds).
    """
    started = time.perf_counter()
    check_strategy(strategy)
    article = read_source(source, stdin=stdin)
    if strategy == "floor":
        return floor_article(article)
    loaded = load_prompt(prompt)
    settings = resolve_settings(model=model, base_url=base_url, mode=mode, timeout=timeout)
    lazy = LazyLLM(settings, llm)
    store = _open_store() if (cache or log) else None
    try:
        return summarize_article(
            article,
            prompt=loaded,
            identity=lazy.identity,
            make=lazy,
            store=store,
            cache=cache,
            log=log,
            started=started,
            remember_fast=True,
        )
    finally:
        if store is not None:
            store.close()


def summarize_article(
    article: Article,
    *,
    prompt: Prompt,
    identity: str,
    make: Callable[[], LLM],
    store: Store | None,
    cache: bool = True,
    log: bool = True,
    started: float | None = None,
    remember_fast: bool = False,
    repeat: int = 0,
    cleaned: CleanArticle | None = None,
) -> BriefResult:
    """The brief of one read article: from the cache when it holds one for the same cleaned
    text, prompt, schema and model ``identity``, else from the LLM ``make`` returns (called
    only on a miss, so a cached run loads no model). Bad input fails before any model is made.
    ``remember_fast`` records the row the CLI's cached-summarize fast path looks for;
    ``repeat`` > 0 asks again under its own cache key (eval repeats); ``cleaned`` is the
    article already cleaned by the caller.
    """
    started = time.perf_counter() if started is None else started
    cleaned = cleaned or _cleaned(article, store if cache else None)
    key = cache_key(cleaned, prompt, identity, repeat)
    if store is not None and cache:
        stored = store.cache_get(key)
        if stored is not None:
            result = _from_cache(stored, article, cleaned, started)
            if remember_fast:
                _remember_fast(store, result, key, identity, prompt)
            return result
    llm = make()
    llm.log = store.log_call if store is not None and log else None
    try:
        result = brief_article(article, llm=llm, prompt=prompt, cleaned=cleaned)
    finally:
        llm.log = None
    if store is not None and cache:
        store.cache_put(key, {"brief": result.brief.model_dump(mode="json"), "meta": result.meta})
        if remember_fast:
            _remember_fast(store, result, key, identity, prompt)
    return result
