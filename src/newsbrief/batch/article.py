"""One article of a batch: the same stages as ``summarize``, under the size and time budgets.

:class:`Batch` holds a run's fixed parts (prompt, strategy, model, store use) and the per-thread
workers; :meth:`Batch.process` turns an article into its record and never raises.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import api, budget
from ..brief.prompts import Prompt
from ..brief.strategies import Strategy
from ..clean import CleanArticle, time_budget
from ..clean.boilerplate import Boilerplate, site_of
from ..config import Settings
from ..ingest import Article, Unreadable, iter_articles
from ..store import Store
from .records import failure_kind, failure_record, ok_record
from .work import selected_items

if TYPE_CHECKING:
    from ..brief.llm import LLM, Provider


@dataclass
class Batch:
    """One batch run's fixed parts: prompt, strategy, model, store use, and the per-thread
    workers."""

    prompt: Prompt | None
    settings: Settings
    strategy: Strategy
    cache: bool = True
    log: bool = True
    llm: LLM | None = None  # tests and benchmarks inject one (then one worker at a time)
    boilerplate: Boilerplate | None = None  # lines learned per site within the run (issue 11)
    _provider: Provider | None = None
    _provider_lock: threading.Lock = field(default_factory=threading.Lock)
    _local: threading.local = field(default_factory=threading.local)
    _stores: list[Store] = field(default_factory=list)

    @functools.cached_property
    def identity(self) -> str:
        return api.LazyLLM(self.settings, self.llm).identity

    @property
    def serial(self) -> bool:
        """One article at a time: the in-process local model, or an injected LLM."""
        return self.llm is not None or self.settings.model.split(":", 1)[0] == "local"

    def _make_llm(self) -> LLM:
        if self.llm is not None:
            return self.llm
        llm: LLM | None = getattr(self._local, "llm", None)
        if llm is None:
            from ..brief.llm import build_provider

            with self._provider_lock:  # one provider (model file, HTTP pool) for every thread
                if self._provider is None:
                    self._provider = build_provider(self.settings)
            # The provider is shared and never changed; what a run learns (a remote model's
            # window) is kept by each thread's own LLM.
            llm = api.make_llm(self.settings, provider=self._provider)
            self._local.llm = llm
        return llm

    def _store(self) -> Store | None:
        if not (self.cache or self.log):
            return None
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store()
            self._local.store = store
            with self._provider_lock:
                self._stores.append(store)
        return store

    def process(self, article: Article) -> dict[str, Any]:
        """The result record of one article; failures become records, never exceptions.
        The local work on it (cleaning, parsing, finding claims, grounding) may take at most
        ``settings.article_budget`` seconds, cleaning alone ``settings.clean_budget``, and its
        cleaned text may hold at most ``settings.max_chars`` characters."""
        try:
            with self._budget():
                result, cleaned = self._brief(article)
        except Exception as exc:  # one article's failure never stops the batch
            return failure_record(article.id, article.source, exc, failure_kind(exc))
        return ok_record(article.id, result.to_dict(), **_learned(cleaned))

    @contextlib.contextmanager
    def _budget(self) -> Iterator[None]:
        settings = self.settings
        with (
            budget.time_budget(settings.article_budget, what="the local work on the article",
                               setting="NEWSBRIEF_ARTICLE_BUDGET (article_budget in config.toml)"),
            budget.started(),
            time_budget(settings.clean_budget),
        ):  # fmt: skip
            yield

    def _brief(self, article: Article) -> tuple[api.BriefResult, CleanArticle | None]:
        cleaned = None
        if self.boilerplate is not None:
            cleaned = self.boilerplate.learn_and_strip(
                site_of(article.source), api.clean_source(article, self.settings.max_chars)
            )
        if self.prompt is None:  # a strategy that needs no model (the floor)
            result = api.brief_article(
                article, llm=None, prompt=None, strategy=self.strategy, cleaned=cleaned,
                max_chars=self.settings.max_chars,
            )  # fmt: skip
            return result, cleaned
        result = api.summarize_article(
            article,
            prompt=self.prompt,
            strategy=self.strategy,
            identity=self.identity,
            make=self._make_llm,
            store=self._store(),
            cache=self.cache,
            log=self.log,
            cleaned=cleaned,
            max_chars=self.settings.max_chars,
        )
        return result, cleaned

    def close(self) -> None:
        for store in self._stores:
            store.close()


def learn_boilerplate(
    inputs: list[str],
    boilerplate: Boilerplate,
    *,
    text_field: str = "text",
    id_field: str = "id",
    shard: tuple[int, int] | None = None,
    limit: int | None = None,
    budget: float | None = None,
) -> int:
    """A first pass over the articles a run will brief: each is cleaned and its lines counted
    for its site; then learning stops, so the run strips every article of a site alike.
    Articles that cannot be read or cleaned are skipped (the run records their failure).
    Returns how many articles were learned from."""
    learned = 0
    items = iter_articles(inputs, text_field=text_field, id_field=id_field)
    for item in selected_items(items, shard, limit):
        if isinstance(item, Unreadable):
            continue
        try:
            with time_budget(budget):
                cleaned = api.clean_source(item)
        except Exception:  # its failure is the run's to record, not the learning's
            continue
        boilerplate.observe(site_of(item.source), cleaned.text)
        learned += 1
    boilerplate.learning = False
    return learned


def _learned(cleaned: CleanArticle | None) -> dict[str, Any]:
    """The boilerplate lines removed from an article, for its record (none: no key)."""
    lines = [{"text": r.text, "reason": r.reason}
             for r in (cleaned.removed if cleaned else []) if r.kind == "boilerplate"]  # fmt: skip
    return {"boilerplate_removed": lines} if lines else {}


# Failures of the endpoint itself (unreachable, down, rate-limiting past every retry), as opposed
# to one article's bad input or invalid replies: these count toward the circuit breaker.
