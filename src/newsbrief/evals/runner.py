"""Eval runs: every fixture through the same stages as ``summarize``, then scored.

A run file (:class:`~newsbrief.evals.runfile.Run`, JSON with a ``version``) holds everything
needed to score the run again without any model: per fixture and repeat, the cleaned text the
brief was checked against, the brief (or the error), its meta, and the scores. ``replay``
re-scores a run file's stored outputs with the current scorers; CI uses it to gate without a
model.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, api, base
from ..clean import CleanArticle, guess_title
from ..errors import InputError, NewsbriefError
from ..ingest import read_source
from ..store import open_store
from .compare import check_same_fixtures
from .dataset import Fixture, Labels, load_fixtures
from .runfile import (
    RUN_VERSION,
    Cost,
    Floor,
    Item,
    Run,
    ScoreEntry,
    ScoreSummary,
    Summary,
    load_run,
    save_run,
)
from .scorers import SCORES, Output, Score, Scorer, default_scorers, prf, score_output

if TYPE_CHECKING:
    from ..brief.llm import LLM

__all__ = ["RUN_VERSION", "Run", "load_run", "replay", "run_eval", "save_run"]
DEFAULT_FIXTURES = Path("evals") / "fixtures"
# Scores whose tp/fp/fn aggregate into micro precision/recall/F1 over all fixtures.
LIST_SCORES = tuple(spec.name for spec in SCORES if spec.aggregate == "micro")


def _score_entries(scores: Sequence[Score]) -> list[ScoreEntry]:
    return [ScoreEntry(name=s.name, value=s.value, explanation=s.explanation, tp=s.tp,
                       fp=s.fp, fn=s.fn, **({"details": s.details} if s.details else {}))
            for s in scores]  # fmt: skip


def aggregate(items: Sequence[Item]) -> Summary:
    """Per score name: the mean over fixtures (None values skipped) and, for list scores, micro
    precision, recall and F1 over every item of every fixture; then what it all cost."""
    by_name: dict[str, list[ScoreEntry]] = {}
    for item in items:
        for score in item.scores:
            by_name.setdefault(score.name, []).append(score)
    summary: Summary = {}
    for name, scores in by_name.items():
        values = [s.value for s in scores if s.value is not None]
        entry = ScoreSummary(mean=sum(values) / len(values) if values else None, n=len(values))
        if name in LIST_SCORES:
            tp, fp, fn = (
                sum(s.tp for s in scores),
                sum(s.fp for s in scores),
                sum(s.fn for s in scores),
            )
            precision, recall, f1 = prf(tp, fp, fn)
            entry = ScoreSummary(mean=entry.mean, n=entry.n, micro_precision=precision,
                                 micro_recall=recall, micro_f1=f1, tp=tp, fp=fp, fn=fn)  # fmt: skip
        summary[name] = entry
    usage = [item.meta.get("usage") or {} for item in items]
    summary["cost"] = Cost(
        prompt_tokens=sum(u.get("prompt_tokens", 0) for u in usage),
        completion_tokens=sum(u.get("completion_tokens", 0) for u in usage),
        latency_ms=sum(item.meta.get("latency_ms", 0) for item in items),
        n=len(items),
    )
    return summary


def _labels_by_id(fixtures: Sequence[Fixture]) -> dict[str, Labels]:
    return {f.id: f.labels for f in fixtures}


def run_eval(
    *,
    prompt: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    mode: str | None = None,
    repeats: int = 1,
    fixtures_dirs: Sequence[Path] = (DEFAULT_FIXTURES,),
    articles_from: Path | None = None,
    llm: LLM | None = None,
    cache: bool = True,
    progress: Callable[[str], None] | None = None,
    judge: str | None = None,
    judge_llm: LLM | None = None,
    strategy: str | None = None,
    keep_text: bool = False,
) -> Run:
    """Run ``prompt`` on ``model`` over every fixture ``repeats`` times; returns the run.

    Every run also scores the no-model floor on the same cleaned articles (``run.floor``;
    :func:`floor_run` turns it into a run of its own), so a report always shows what the model
    adds. Strategy and prompt are chosen as for ``summarize`` (:func:`newsbrief.api.plan`: by
    default ``whole`` for ``openai:`` models, ``focused`` otherwise); with
    ``strategy="floor"`` the floor is the run and no model is made. ``judge`` (a
    model) adds the judged key-fact score. External fixtures read their articles from
    ``articles_from``; their text never goes into the run unless ``keep_text`` (local use).
    """
    if repeats < 1:
        raise InputError(f"--repeats {repeats}", "use 1 or more")
    settings = api.run_settings(model, base_url, mode, llm=llm)
    chosen = api.plan(prompt, strategy, settings)
    fixtures = load_fixtures(list(fixtures_dirs), articles_from)
    loaded, lazy, started = chosen.prompt, api.LazyLLM(settings, llm), time.perf_counter()
    store = open_store() if cache and loaded is not None else None
    try:
        ask = None if loaded is None else partial(
            api.summarize_article, prompt=loaded, strategy=chosen.strategy,
            identity=lazy.identity, make=lazy, store=store, cache=cache, log=cache,
        )  # fmt: skip
        scoring = _Scoring(default_scorers(_judge(judge, judge_llm, store)), keep_text)
        items, floor_items = scoring.fixtures(fixtures, ask, repeats, progress)
    finally:
        if store is not None:
            store.close()
    floor = _floor_block(floor_items)
    header = _run_header(judge, fixtures, started)
    if loaded is None:
        return Run(**{**header, **_floor_fields(floor)})
    made = lazy.made.model if lazy.made else lazy.identity.split("@", 1)[0]
    return Run(**header, prompt=loaded.ref, prompt_sha256=loaded.sha256, model=made,
               repeats=repeats, strategy=chosen.strategy.name,
               strategy_version=chosen.strategy.version, items=items, summary=aggregate(items),
               floor=floor)  # fmt: skip


def outside_run(items: list[Item], *, prompt: str, model: str) -> Run:
    """A run of outputs made outside :func:`run_eval` (a brief written from the labels, a
    perturbed one), to be scored by :func:`replay`. It names no prompt file (an empty
    ``prompt_sha256``)."""
    header = _run_header(None, [], time.perf_counter())
    return Run(**{**header, "fixtures": sorted({i.id for i in items})}, prompt=prompt,
               prompt_sha256="", model=model, repeats=1 + max((i.repeat for i in items), default=0),
               items=items, summary=aggregate(items))  # fmt: skip


def _run_header(judge: str | None, fixtures: Sequence[Fixture], started: float) -> dict[str, Any]:
    return {
        "version": RUN_VERSION,
        "newsbrief_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "judge": judge,
        "fixtures": [f.id for f in fixtures],
        "external": sorted(f.id for f in fixtures if f.external),
        "seconds": round(time.perf_counter() - started, 1),
    }


@dataclass(frozen=True)
class _Scoring:
    """How each output is scored, and whether an external article's text is kept."""

    scorers: Sequence[Scorer]
    keep_text: bool

    def fixtures(
        self,
        fixtures: Sequence[Fixture],
        ask: Callable[..., api.BriefResult] | None,
        repeats: int,
        progress: Callable[[str], None] | None,
    ) -> tuple[list[Item], list[Item]]:
        """Each fixture read and cleaned once, briefed by the floor, and (unless ``ask`` is
        None: the floor is the run) ``repeats`` times by ``ask``: (the run's items, the
        floor's)."""
        items: list[Item] = []
        floor_items: list[Item] = []
        for fixture in fixtures:
            article = read_source(str(fixture.article))
            cleaned = api.clean_source(article)
            make_floor = partial(api.floor_article, article, cleaned=cleaned)
            floor_items.append(self.item(fixture, 0, cleaned, make_floor))
            for repeat in range(0 if ask is None else repeats):
                assert ask is not None
                made = partial(ask, article, repeat=repeat, cleaned=cleaned)
                items.append(self.item(fixture, repeat, cleaned, made))
                if progress is not None:
                    progress(f"{fixture.id} #{repeat}: " + ("ok" if items[-1].ok else "failed"))
            if ask is None and progress is not None:
                progress(f"{fixture.id}: floor")
        return items, floor_items

    def item(
        self,
        fixture: Fixture,
        repeat: int,
        cleaned: CleanArticle,
        make: Callable[[], api.BriefResult],
    ) -> Item:
        """One scored output: the brief ``make`` returns (or its error) for one fixture."""
        try:
            result = make()
            brief, meta, error = result.brief.model_dump(mode="json"), result.meta, None
        except NewsbriefError as exc:
            brief, meta, error = None, {}, str(exc)
        output = Output(brief, cleaned.text, meta, error)
        scores = _score_entries(score_output(fixture.labels, output, self.scorers))
        item = Item(id=fixture.id, repeat=repeat, source_title=cleaned.title,
                    source_text=cleaned.text, brief=brief, meta=meta, error=error,
                    scores=scores, ok=brief is not None)  # fmt: skip
        if fixture.external and not self.keep_text:
            item = redact(item)
        return item


def redact(item: Item) -> Item:
    """``item`` without any text of its article: no source text, no brief (its evidence and
    quotes are the article's sentences), no explanations; scores, counts and costs stay, so
    the item can still be aggregated and compared, but not replayed."""
    grounding = item.meta.get("grounding") or {}
    kept_meta = {k: v for k, v in item.meta.items() if k != "grounding"}
    if grounding:
        kept_meta["grounding"] = {"checked": grounding.get("checked", 0),
                                  "grounded": grounding.get("grounded", 0),
                                  "dropped": len(grounding.get("dropped", []))}  # fmt: skip
    text = item.source_text or ""
    scores = [ScoreEntry(name=s.name, value=s.value, tp=s.tp, fp=s.fp, fn=s.fn,
                         explanation="(external article: text not kept)")
              for s in item.scores]  # fmt: skip
    return Item(id=item.id, repeat=item.repeat, redacted=True,
                source_sha256=hashlib.sha256(text.encode()).hexdigest(), brief=None,
                ok=item.ok if item.ok is not None else item.brief is not None, meta=kept_meta,
                error=item.error, scores=scores)  # fmt: skip


def _floor_block(items: list[Item]) -> Floor:
    from ..brief.strategies.floor import REF, floor_sha256

    return Floor(prompt=REF, prompt_sha256=floor_sha256(), items=items, summary=aggregate(items))


def _floor_fields(floor: Floor) -> dict[str, Any]:
    """What makes a run the floor's: its prompt, no model, its items and summary."""
    return {"prompt": floor.prompt, "prompt_sha256": floor.prompt_sha256, "model": "none",
            "strategy": "floor", "repeats": 1, "items": floor.items,
            "strategy_version": base.strategy_version("floor"), "summary": floor.summary,
            "floor": None}  # fmt: skip


def floor_run(run: Run) -> Run:
    """The no-model floor scored beside ``run``, as a run of its own (for ``eval compare``)."""
    if run.strategy == "floor":
        return run
    if not run.floor:
        raise InputError(
            "this run file has no floor (it was written before the floor existed)",
            "re-score it with `newsbrief eval --replay RUN --out NEW`, which adds the floor",
        )
    return run.model_copy(update=_floor_fields(run.floor))


def load_pair(path_a: Path, path_b: Path, *, shared_only: bool = False) -> tuple[Run, Run]:
    """Runs A and B of ``eval compare``: A may be ``floor``, the no-model floor scored in B.
    Runs made on different fixture sets are a usage error unless ``shared_only``."""
    b = load_run(path_b)
    a = floor_run(b) if str(path_a) == "floor" else load_run(path_a)
    if not shared_only:
        check_same_fixtures(a, b)
    return a, b


def _judge(model: str | None, llm: LLM | None, store: Any) -> Callable[[str, str], bool] | None:
    if model is None and llm is None:
        return None
    from .judge import make_judge

    return make_judge(model or "local", store, llm=llm)


def replay(
    run: Run,
    fixtures_dirs: Sequence[Path] = (DEFAULT_FIXTURES,),
    *,
    judge: str | None = None,
    judge_llm: LLM | None = None,
) -> Run:
    """``run`` re-scored from its stored outputs with the current scorers and labels (and a
    judge model for key facts, when given; its answers are cached). The floor is made again
    from the stored cleaned text with today's rules, so a replay always carries it."""
    labels = _labels_by_id(load_fixtures(list(fixtures_dirs), articles=False))
    store = open_store() if (judge or judge_llm) else None
    try:
        scoring = _Scoring(default_scorers(_judge(judge, judge_llm, store)), keep_text=True)
        items, floor_items = [], []
        for stored in run.items:
            gold, text = _replayable(stored, labels)
            output = Output(stored.brief, text, stored.meta, stored.error)
            scores = _score_entries(score_output(gold, output, scoring.scorers))
            items.append(stored.model_copy(update={"scores": scores}))
            if stored.repeat == 0 and run.strategy != "floor":
                cleaned = CleanArticle(title=stored.source_title or guess_title(text), text=text)
                fixture = Fixture(stored.id, Path(), Path(), gold)
                floor_items.append(scoring.item(fixture, 0, cleaned, partial(_floor_of, cleaned)))
    finally:
        if store is not None:
            store.close()
    replayed = run.model_copy(
        update={"replayed": True, "judge": judge, "items": items, "summary": aggregate(items)}
    )
    if run.strategy != "floor":
        replayed.floor = _floor_block(floor_items)
    return replayed


def _replayable(stored: Item, labels: dict[str, Labels]) -> tuple[Labels, str]:
    """The labels and cleaned text a stored output is scored again with; an input error when
    the fixture is gone or the run kept no text."""
    gold = labels.get(stored.id)
    if gold is None:
        raise InputError(
            f"the run has fixture {stored.id!r}, which is not in the fixtures",
            "pass the --fixtures the run was made with",
        )
    if stored.redacted or stored.source_text is None:
        raise InputError(
            f"the run holds external fixture {stored.id!r} without its text "
            "(scores only), so it cannot be re-scored",
            "run `newsbrief eval` again with --articles-from",
        )
    return gold, stored.source_text


def _floor_of(cleaned: CleanArticle) -> api.BriefResult:
    from ..ingest import Article

    article = Article(id="replay", source="<replay>", raw=cleaned.text, content_type="text/plain")
    return api.floor_article(article, cleaned=cleaned)


def default_run_path(run: Run) -> Path:
    model = run.model.replace(":", "-").replace("/", "-")
    stamp = run.created.replace(":", "").replace("-", "")
    return Path("evals") / "runs" / f"{run.prompt.replace('@', '-v')}.{model}.{stamp}.json"
