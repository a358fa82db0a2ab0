"""The library facade: the CLI, batch runs and evals all call these functions."""

from __future__ import annotations

import hashlib
import re
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, BinaryIO

from . import __version__, base
from .brief.grounding import check_brief
from .brief.prompts import Prompt, load_prompt
from .brief.schemas import Brief, schema_sha256
from .brief.strategies import LogSink, Progress, Strategy, get_strategy, names
from .clean import CleanArticle, clean_article, cleaner_version
from .config import DEFAULT_MAX_CHARS, Settings, resolve_settings
from .errors import TOO_LONG_HINT, ConfigError, InputError, UsageError
from .ingest import Article, read_source
from .store import Store, open_store

if TYPE_CHECKING:  # the LLM stack (instructor, openai) loads only when a model is needed
    from .brief.llm import LLM, Provider

# How a brief is made (see :mod:`newsbrief.brief.strategies`): "focused" asks a prompt's small
# questions of a tiny model, "whole" asks a capable model about the whole article, "floor" is the
# no-model yardstick. The default depends on the model (:func:`newsbrief.base.model_strategy`).
STRATEGIES = tuple(names())
DEFAULT_STRATEGY = "focused"


def check_strategy(name: str) -> str:
    """``name`` if it is a known strategy, else a usage error that lists the choices."""
    return get_strategy(name).name


def check_configured_strategy(settings: Settings) -> None:
    """A config error (exit 2) naming NEWSBRIEF_STRATEGY or config.toml when the strategy set
    there is unknown, whether or not this run would use it: a typo there is never silent."""
    if settings.strategy is not None and settings.strategy.strip().lower() not in names():
        raise ConfigError(f"{settings.strategy_from} is not a strategy",
                          f"choose one of: {', '.join(names())}")  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """What a run uses: the strategy and, when it needs one, the prompt."""

    strategy: Strategy
    prompt: Prompt | None


def run_settings(
    model: str | None,
    base_url: str | None,
    mode: str | None,
    timeout: float | None = None,
    llm: LLM | None = None,
) -> Settings:
    """The settings of a run (:func:`newsbrief.config.resolve_settings`); a model passed in as
    an object (``llm``) is a model asked for, so the default strategy is the model's, not the
    floor's."""
    settings = resolve_settings(model=model, base_url=base_url, mode=mode, timeout=timeout)
    return replace(settings, model_given=True) if llm is not None else settings


def plan(prompt: str | None, strategy: str | None, settings: Settings) -> Plan:
    """The strategy and prompt of a run. Strategy: ``strategy`` (the flag), else the one the
    given prompt is written for, else NEWSBRIEF_STRATEGY or config.toml, else the model's
    default (:func:`newsbrief.base.pick_strategy`). Prompt: the given one, else the strategy's
    default. A prompt written for another strategy is a usage error that says what to pass."""
    check_configured_strategy(settings)
    loaded = load_prompt(prompt) if prompt else None
    declared = loaded.spec.strategy if loaded is not None else None
    chosen = get_strategy(
        base.pick_strategy(
            strategy, declared, settings.strategy, settings.model, settings.model_given
        )
    )
    if not chosen.needs_llm:
        return Plan(chosen, None)
    if loaded is None:
        default = base.default_prompts().get(chosen.name)
        if default is None:
            raise UsageError(f"strategy {chosen.name} has no default prompt", "pass --prompt")
        loaded = load_prompt(default)
    chosen.check_prompt(loaded)
    return Plan(chosen, loaded)


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
        article.update(page_metadata(self.article, self.clean))
        return {
            "article": article,
            "brief": self.brief.model_dump(mode="json"),
            "meta": self.meta,
        }


_JAN_FIRST = re.compile(
    r"\b(?:jan(?:uary)?\.?\s+0?1(?:st)?\b|0?1(?:st)?\s+jan(?:uary)?\b|\d{4}-01-01|0?1/0?1/)",
    re.IGNORECASE,
)


def page_metadata(article: Article, cleaned: CleanArticle) -> dict[str, str]:
    """What the page says about itself: ``author`` and ``date`` as the cleaner read them, and
    ``site`` (the host of a fetched URL). Never invented: a date of 1 January that the page does
    not show is the extractor's guess from a bare year (a copyright line), and is left out."""
    found: dict[str, str] = {}
    metadata = cleaned.metadata or {}
    if metadata.get("author"):
        found["author"] = metadata["author"]
    date = metadata.get("date")
    if date and not (date.endswith("-01-01") and not _JAN_FIRST.search(article.raw)):
        found["date"] = date
    url = article.final_url or article.source
    if "://" in url:
        host = urllib.parse.urlsplit(url).hostname
        if host:
            found["site"] = host.removeprefix("www.")
    return found


def clean_source(article: Article, max_chars: int | None = None) -> CleanArticle:
    """Clean ``article``; an article with nothing left after cleaning is an input error, and
    so is one with over ``RAW_FACTOR`` times ``max_chars`` of text before cleaning."""
    limit = RAW_FACTOR * max_chars if max_chars is not None else None
    cleaned = clean_article(article.raw, article.content_type, max_text=limit)
    if not cleaned.text.strip():
        raise InputError(
            f"nothing is left of {article.source} after cleaning",
            "check that it holds a news article (`newsbrief clean --format json` shows what "
            "was removed)",
        )
    return cleaned


# Text more than this many times ``max_chars`` is refused before cleaning (plain text as given,
# a page's text once extracted): cleaning removes a page's noise, never three quarters of an
# article, so no clean would bring it under the limit.
RAW_FACTOR = 4


def check_size(article: Article, cleaned: CleanArticle, max_chars: int | None) -> None:
    """The input-size budget: an article whose cleaned text is longer than ``max_chars`` is
    not briefed (every stage after cleaning grows with it; a dump or a book is no news
    article). :func:`clean_source` applies the looser limit before cleaning."""
    if max_chars is not None and len(cleaned.text) > max_chars:
        raise InputError(
            f"{article.source} is {len(cleaned.text):,} characters after cleaning, over the "
            f"limit of {max_chars:,} for one article",
            TOO_LONG_HINT,
        )


def clean(source: str, *, stdin: BinaryIO | None = None) -> tuple[Article, CleanArticle]:
    """Read and clean one article."""
    article = read_source(source, stdin=stdin)
    return article, clean_source(article)


def attributions(
    source: str, *, stdin: BinaryIO | None = None
) -> tuple[Article, CleanArticle, dict[str, Any]]:
    """Read and clean one article and find who said, promised or believes what in it: the
    ``newsbrief attributions --format json`` object, ``{"text", "attributions": [...]}``, with
    every span's offsets into ``text``."""
    from .brief.rules import attribution

    article, cleaned = clean(source, stdin=stdin)
    found = attribution.attributions(cleaned.text)
    return article, cleaned, attribution.to_document(cleaned.text, found)


def make_llm(
    settings: Settings | None = None, *, provider: Provider | None = None, **overrides: Any
) -> LLM:
    """An :class:`LLM` for ``settings`` (resolved from flags/env/config when not given), over
    ``provider`` when given (batch threads share one: one model file, one connection pool)."""
    from .brief.llm import LLM, build_provider

    settings = settings or resolve_settings(**overrides)
    return LLM(
        provider or build_provider(settings),
        retry=settings.retry,
        reask_tokens=settings.reask_tokens,
    )


class LazyLLM:
    """The model for ``settings`` (or an injected ``llm``), made on the first call only, so a
    run served from the cache loads no model; ``identity`` is the model as the cache sees it."""

    def __init__(self, settings: Settings, llm: LLM | None = None) -> None:
        self.settings = settings
        self.made = llm
        self.identity = (
            llm.model
            if llm is not None
            else base.model_identity(settings.model, settings.base_url, settings.mode)
        )

    def __call__(self) -> LLM:
        if self.made is None:
            self.made = make_llm(self.settings)
        return self.made


def brief_article(
    article: Article,
    *,
    llm: LLM | None,
    prompt: Prompt | None,
    cleaned: CleanArticle | None = None,
    strategy: Strategy | str = DEFAULT_STRATEGY,
    log: LogSink | None = None,
    progress: Progress | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
) -> BriefResult:
    """Clean ``article`` (unless ``cleaned`` is given) and make its brief with ``strategy``
    (``prompt`` and ``llm`` are needed unless the strategy needs no model). ``log`` gets one
    record per LLM question (the run log); ``progress`` each part's questions answered so far
    (:data:`newsbrief.brief.strategies.Progress`). Cleaned text over ``max_chars`` is an input
    error (:func:`check_size`)."""
    chosen = get_strategy(strategy) if isinstance(strategy, str) else strategy
    if chosen.needs_llm and (llm is None or prompt is None):
        raise UsageError(f"strategy {chosen.name} needs a prompt and a model", "pass both")
    if chosen.needs_llm and prompt is not None:
        chosen.check_prompt(prompt)
    cleaned = cleaned or clean_source(article, max_chars)
    check_size(article, cleaned, max_chars)
    started = time.perf_counter()
    if log is not None:
        log = _in_run(log, uuid.uuid4().hex[:12])
    outcome = chosen.run(cleaned, prompt=prompt, llm=llm if chosen.needs_llm else None, log=log,
                         progress=progress)  # fmt: skip
    run = outcome.run
    ref = outcome.prompt or (prompt.ref if prompt is not None else "none")
    sha = outcome.prompt_sha256 or (prompt.sha256 if prompt is not None else "")
    model = llm.model if chosen.needs_llm and llm is not None else "none"
    meta = _meta(outcome.brief, cleaned, run.dropped, prompt=ref, prompt_sha256=sha, model=model,
                 usage=run.usage, started=started, attempts=run.calls, pieces=run.pieces,
                 strategy=chosen.name, strategy_version=chosen.version)  # fmt: skip
    return BriefResult(article=article, clean=cleaned, brief=outcome.brief, meta=meta)


def _in_run(sink: LogSink, run: str) -> LogSink:
    """A log sink that marks each record with ``run``: the questions of one brief of one
    article, which `newsbrief logs` shows as one group."""

    def tagged(record: dict[str, Any]) -> Any:
        return sink({**record, "run": run})

    return tagged


def floor_article(article: Article, *, cleaned: CleanArticle | None = None) -> BriefResult:
    """The no-model floor's brief of ``article``: fixed rules, zero LLM calls."""
    return brief_article(article, llm=None, prompt=None, cleaned=cleaned, strategy="floor")


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
    return {
        "prompt": fields["prompt"],
        "prompt_sha256": fields["prompt_sha256"],
        "model": fields["model"],
        "strategy": fields["strategy"],
        "strategy_version": fields["strategy_version"],
        "usage": fields["usage"],
        "latency_ms": int((time.perf_counter() - started) * 1000),
        "attempts": fields["attempts"],
        "pieces": fields["pieces"],
        "grounding": grounding,
        "cached": False,
        "newsbrief_version": __version__,
    }


def cache_key(
    cleaned: CleanArticle,
    prompt: Prompt,
    model: str,
    repeat: int = 0,
    strategy: str = DEFAULT_STRATEGY,
) -> str:
    """What changes the output, and nothing else: the cleaned text, the prompt version's files
    (templates and sampling), the schema, the model (with its endpoint), the repeat index, the
    strategy and its version, the code that makes briefs, and the cleaner's version."""
    return base.result_key(
        text_sha256=hashlib.sha256(cleaned.text.encode()).hexdigest(),
        prompt_sha256=prompt.sha256,
        schema_sha256=schema_sha256(),
        model=model,
        repeat=repeat,
        strategy=strategy,
        cleaner=cleaner_version(),
    )


def _cleaned(article: Article, store: Store | None, max_chars: int | None) -> CleanArticle:
    """The cleaned article, reused from the store when this cleaner has seen the same bytes."""
    if store is None:
        return clean_source(article, max_chars)
    cleaner = f"{cleaner_version()}:{article.content_type}"
    stored = store.cleaned_get(article.sha256, cleaner)
    if stored is not None:
        return CleanArticle.from_dict(stored)
    cleaned = clean_source(article, max_chars)
    store.cleaned_put(article.sha256, cleaner, cleaned.to_dict())
    return cleaned


def _from_cache(
    stored: dict[str, Any], article: Article, cleaned: CleanArticle, started: float
) -> BriefResult:
    meta = base.cached_meta(stored["meta"], started, stored.get("created"))
    return BriefResult(article, cleaned, Brief.model_validate(stored["brief"]), meta)


def _remember_fast(
    store: Store, result: BriefResult, key: str, identity: str, prompt: Prompt, strategy: str
) -> None:
    """Record the fast path's row for a file source (see :mod:`newsbrief.quick`)."""
    article = result.article
    if not article.data_sha256 or article.source == "<stdin>" or "://" in article.source:
        return
    fast = base.fast_key(article.source, article.data_sha256, identity, prompt.sha256, strategy)
    store.fastpath_put(fast, key, result.to_dict()["article"])


def summarize(
    source: str,
    *,
    prompt: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    mode: str | None = None,
    timeout: float | None = None,
    llm: LLM | None = None,
    stdin: BinaryIO | None = None,
    cache: bool = True,
    log: bool = True,
    strategy: str | None = None,
    observe: Observer | None = None,
) -> BriefResult:
    """Summarize the article at ``source`` (a path, URL or ``-``) into a :class:`BriefResult`.

    Strategy and prompt are chosen by :func:`plan` (by default: ``whole`` with brief@3 for
    ``openai:`` models, ``focused`` with brief@4 for the embedded and ``local:`` ones). Prompt
    and input are checked before any model is loaded, so bad input fails fast. A result cached
    for the same cleaned text, prompt, schema, model, strategy and code is returned without any
    LLM call (``meta.cached``); ``cache=False`` bypasses the cache, ``log=False`` the run log.
    The ``floor`` strategy makes the no-model brief (no model, no cache: it takes milliseconds).
    ``observe`` (progress) gets ``{"stage": ...}`` events, each question's log record, and
    each part's ``{"part", "done", "total"}`` as its questions are answered.
    """
    started = time.perf_counter()
    settings = run_settings(model, base_url, mode, timeout, llm)
    chosen = plan(prompt, strategy, settings)
    article = read_source(source, stdin=stdin)
    if chosen.prompt is None:
        return brief_article(article, llm=None, prompt=None, strategy=chosen.strategy,
                             max_chars=settings.max_chars)  # fmt: skip
    lazy = LazyLLM(settings, llm)
    store = open_store() if (cache or log) else None
    try:
        return summarize_article(
            article,
            prompt=chosen.prompt,
            strategy=chosen.strategy,
            identity=lazy.identity,
            make=lazy,
            store=store,
            cache=cache,
            log=log,
            started=started,
            remember_fast=True,
            observe=observe,
            max_chars=settings.max_chars,
        )
    finally:
        if store is not None:
            store.close()


Observer = Callable[[dict[str, Any]], Any]


def _tee(sink: LogSink | None, observe: Observer) -> LogSink:
    """A log sink that records (when ``sink`` is given) and then tells ``observe``."""

    def both(record: dict[str, Any]) -> Any:
        if sink is not None:
            sink(record)
        observe(record)

    return both


def summarize_article(
    article: Article,
    *,
    prompt: Prompt,
    identity: str,
    make: Callable[[], LLM],
    store: Store | None,
    strategy: Strategy | None = None,
    cache: bool = True,
    log: bool = True,
    started: float | None = None,
    remember_fast: bool = False,
    repeat: int = 0,
    cleaned: CleanArticle | None = None,
    observe: Observer | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
) -> BriefResult:
    """The brief of one read article: from the cache when it holds one for the same cleaned
    text, prompt, schema, model ``identity``, strategy and code, else from the LLM ``make``
    returns (called only on a miss, so a cached run loads no model). Bad input fails before any
    model is made. ``strategy`` defaults to the one ``prompt`` is written for;
    ``remember_fast`` records the row the CLI's cached-summarize fast path looks for;
    ``repeat`` > 0 asks again under its own cache key (eval repeats); ``cleaned`` is the
    article already cleaned by the caller. The run log gets one record per LLM question.
    """
    started = time.perf_counter() if started is None else started
    chosen = strategy or get_strategy(prompt.spec.strategy)
    chosen.check_prompt(prompt)
    note = observe or (lambda _: None)
    if cleaned is None:
        note({"stage": "cleaning"})
        cleaned = _cleaned(article, store if cache else None, max_chars)
    check_size(article, cleaned, max_chars)
    key = cache_key(cleaned, prompt, identity, repeat, chosen.name)
    if store is not None and cache:
        stored = store.cache_get(key)
        if stored is not None:
            result = _from_cache(stored, article, cleaned, started)
            if remember_fast:
                _remember_fast(store, result, key, identity, prompt, chosen.name)
            return result
    sink: LogSink | None = store.log_call if store is not None and log else None
    if observe is not None:
        sink = _tee(sink, observe)
        note({"stage": "loading the model"})
    llm = make()
    note({"stage": "asking the model"})
    result = brief_article(
        article, llm=llm, prompt=prompt, cleaned=cleaned, strategy=chosen, log=sink,
        progress=observe, max_chars=max_chars,
    )  # fmt: skip
    if store is not None and cache:
        store.cache_put(key, {"brief": result.brief.model_dump(mode="json"), "meta": result.meta})
        if remember_fast:
            _remember_fast(store, result, key, identity, prompt, chosen.name)
    return result


def track(
    results: list[str],
    *,
    actor: str | None = None,
    since: str | None = None,
    until: str | None = None,
    similarity: str | None = None,
    threshold: float | None = None,
) -> dict[str, Any]:
    """Who promised what over batch results files (JSONL or SQLite): actors merged across
    articles, their pledges in threads over time, changes and reversals flagged
    (:mod:`newsbrief.track`). Bad records are skipped and counted, never fatal."""
    from . import track as tracker

    return tracker.track(
        results,
        actor=actor,
        since=since,
        until=until,
        similarity=similarity or tracker.DEFAULT_SIMILARITY,
        threshold=threshold,
    )
