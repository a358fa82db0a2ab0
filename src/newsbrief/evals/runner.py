"""Eval runs: every fixture through the same stages as ``summarize``, then scored.

A run file (JSON, ``version`` 1) holds everything needed to score the run again without any
model: per fixture and repeat, the cleaned text the brief was checked against, the brief (or
the error), its meta, and the scores. ``replay`` re-scores a run file's stored outputs with the
current scorers; CI uses it to gate without a model.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
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
from .scorers import SCORES, Output, Score, Scorer, default_scorers, prf, score_output

if TYPE_CHECKING:
    from ..llm import LLM

RUN_VERSION = 1
DEFAULT_FIXTURES = Path("evals") / "fixtures"
# Scores whose tp/fp/fn aggregate into micro precision/recall/F1 over all fixtures.
LIST_SCORES = tuple(spec.name for spec in SCORES if spec.aggregate == "micro")


def _score_dicts(scores: Sequence[Score]) -> list[dict[str, Any]]:
    out = []
    for s in scores:
        entry: dict[str, Any] = {"name": s.name, "value": s.value, "explanation": s.explanation,
                 "tp": s.tp, "fp": s.fp, "fn": s.fn}  # fmt: skip
        if s.details:
            entry["details"] = s.details
        out.append(entry)
    return out


def aggregate(items: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per score name: the mean over fixtures (None values skipped) and, for list scores, micro
    precision, recall and F1 over every item of every fixture."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        for score in item["scores"]:
            by_name.setdefault(score["name"], []).append(score)
    summary: dict[str, dict[str, Any]] = {}
    for name, scores in by_name.items():
        values = [s["value"] for s in scores if s["value"] is not None]
        entry: dict[str, Any] = {
            "mean": sum(values) / len(values) if values else None,
            "n": len(values),
        }
        if name in LIST_SCORES:
            tp, fp, fn = (sum(s[k] for s in scores) for k in ("tp", "fp", "fn"))
            precision, recall, f1 = prf(tp, fp, fn)
            entry.update(micro_precision=precision, micro_recall=recall, micro_f1=f1,
                         tp=tp, fp=fp, fn=fn)  # fmt: skip
        summary[name] = entry
    usage = [item.get("meta") or {} for item in items]
    summary["cost"] = {
        "prompt_tokens": sum((m.get("usage") or {}).get("prompt_tokens", 0) for m in usage),
        "completion_tokens": sum((m.get("usage") or {}).get("completion_tokens", 0) for m in usage),
        "latency_ms": sum(m.get("latency_ms", 0) for m in usage),
        "n": len(items),
    }
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
) -> dict[str, Any]:
    """Run ``prompt`` on ``model`` over every fixture ``repeats`` times; returns the run.

    Every run also scores the no-model floor on the same cleaned articles (``run["floor"]``;
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
    loaded = chosen.prompt
    on_floor = loaded is None
    lazy = api.LazyLLM(settings, llm)
    store = open_store() if cache and not on_floor else None
    scorers = default_scorers(_judge(judge, judge_llm, store))
    items: list[dict[str, Any]] = []
    floor_items: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        for fixture in fixtures:
            article = read_source(str(fixture.article))
            cleaned = api.clean_source(article)
            make_floor = partial(api.floor_article, article, cleaned=cleaned)
            floor_items.append(_item(fixture, 0, cleaned, make_floor, scorers, keep_text))
            for repeat in range(0 if on_floor else repeats):
                assert loaded is not None
                ask = partial(
                    api.summarize_article, article, prompt=loaded, strategy=chosen.strategy,
                    identity=lazy.identity, make=lazy, store=store, cache=cache, log=cache,
                    repeat=repeat, cleaned=cleaned,
                )  # fmt: skip
                item = _item(fixture, repeat, cleaned, ask, scorers, keep_text)
                items.append(item)
                if progress is not None:
                    progress(f"{fixture.id} #{repeat}: " + ("ok" if item["ok"] else "failed"))
            if on_floor and progress is not None:
                progress(f"{fixture.id}: floor")
    finally:
        if store is not None:
            store.close()
    floor = _floor_block(floor_items)
    if on_floor:
        return _as_floor_run(_run_header(floor["prompt"], floor["prompt_sha256"], "none", 1, judge,
                                         fixtures, started), floor)  # fmt: skip
    assert loaded is not None
    made = lazy.made.model if lazy.made else lazy.identity.split("@", 1)[0]
    run = _run_header(loaded.ref, loaded.sha256, made, repeats, judge, fixtures, started)
    return {**run, "strategy": chosen.strategy.name,
            "strategy_version": chosen.strategy.version, "items": items,
            "summary": aggregate(items), "floor": floor}  # fmt: skip


def _run_header(
    prompt: str,
    sha: str,
    model: str,
    repeats: int,
    judge: str | None,
    fixtures: Sequence[Fixture],
    started: float,
) -> dict[str, Any]:
    return {
        "version": RUN_VERSION,
        "newsbrief_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "prompt": prompt,
        "prompt_sha256": sha,
        "model": model,
        "repeats": repeats,
        "judge": judge,
        "fixtures": [f.id for f in fixtures],
        "external": sorted(f.id for f in fixtures if f.external),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _item(
    fixture: Fixture,
    repeat: int,
    cleaned: CleanArticle,
    make: Callable[[], api.BriefResult],
    scorers: Sequence[Scorer],
    keep_text: bool,
) -> dict[str, Any]:
    """One scored output: the brief ``make`` returns (or its error) for one fixture."""
    item: dict[str, Any] = {"id": fixture.id, "repeat": repeat, "source_title": cleaned.title,
                            "source_text": cleaned.text}  # fmt: skip
    try:
        result = make()
        item.update(brief=result.brief.model_dump(mode="json"), meta=result.meta, error=None)
    except NewsbriefError as exc:
        item.update(brief=None, meta={}, error=str(exc))
    output = Output(item["brief"], cleaned.text, item["meta"], item["error"])
    item["scores"] = _score_dicts(score_output(fixture.labels, output, scorers))
    item["ok"] = item["brief"] is not None
    if fixture.external and not keep_text:
        item = redact(item)
    return item


def redact(item: dict[str, Any]) -> dict[str, Any]:
    """``item`` without any text of its article: no source text, no brief (its evidence and
    quotes are the article's sentences), no explanations; scores, counts and costs stay, so
    the item can still be aggregated and compared, but not replayed."""
    meta = item.get("meta") or {}
    grounding = meta.get("grounding") or {}
    kept_meta = {k: v for k, v in meta.items() if k != "grounding"}
    if grounding:
        kept_meta["grounding"] = {"checked": grounding.get("checked", 0),
                                  "grounded": grounding.get("grounded", 0),
                                  "dropped": len(grounding.get("dropped", []))}  # fmt: skip
    text = item.get("source_text") or ""
    scores = [{k: v for k, v in s.items() if k not in ("explanation", "details")}
              | {"explanation": "(external article: text not kept)"}
              for s in item["scores"]]  # fmt: skip
    return {
        "id": item["id"], "repeat": item["repeat"], "redacted": True,
        "source_sha256": hashlib.sha256(text.encode()).hexdigest(), "brief": None,
        "ok": item.get("ok", item.get("brief") is not None), "meta": kept_meta,
        "error": item.get("error"), "scores": scores,
    }  # fmt: skip


def _floor_block(items: list[dict[str, Any]]) -> dict[str, Any]:
    from ..floor import REF, floor_sha256

    return {"prompt": REF, "prompt_sha256": floor_sha256(), "items": items,
            "summary": aggregate(items)}  # fmt: skip


def _as_floor_run(run: dict[str, Any], floor: dict[str, Any]) -> dict[str, Any]:
    return {**run, "prompt": floor["prompt"], "prompt_sha256": floor["prompt_sha256"],
            "model": "none", "strategy": "floor", "repeats": 1, "items": floor["items"],
            "strategy_version": base.strategy_version("floor"), "summary": floor["summary"],
            "floor": None}  # fmt: skip


def floor_run(run: dict[str, Any]) -> dict[str, Any]:
    """The no-model floor scored beside ``run``, as a run of its own (for ``eval compare``)."""
    if run.get("strategy") == "floor":
        return run
    floor = run.get("floor")
    if not floor:
        raise InputError(
            "this run file has no floor (it was written before the floor existed)",
            "re-score it with `newsbrief eval --replay RUN --out NEW`, which adds the floor",
        )
    return _as_floor_run(run, floor)


def load_pair(
    path_a: Path, path_b: Path, *, shared_only: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
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
    run: dict[str, Any],
    fixtures_dirs: Sequence[Path] = (DEFAULT_FIXTURES,),
    *,
    judge: str | None = None,
    judge_llm: LLM | None = None,
) -> dict[str, Any]:
    """``run`` re-scored from its stored outputs with the current scorers and labels (and a
    judge model for key facts, when given; its answers are cached). The floor is made again
    from the stored cleaned text with today's rules, so a replay always carries it."""
    labels = _labels_by_id(load_fixtures(list(fixtures_dirs), articles=False))
    store = open_store() if (judge or judge_llm) else None
    try:
        scorers = default_scorers(_judge(judge, judge_llm, store))
        items, floor_items = [], []
        for stored in run["items"]:
            gold = labels.get(stored["id"])
            if gold is None:
                raise InputError(
                    f"the run has fixture {stored['id']!r}, which is not in the fixtures",
                    "pass the --fixtures the run was made with",
                )
            if stored.get("redacted"):
                raise InputError(
                    f"the run holds external fixture {stored['id']!r} without its text "
                    "(scores only), so it cannot be re-scored",
                    "run `newsbrief eval` again with --articles-from",
                )
            output = Output(stored["brief"], stored["source_text"], stored.get("meta") or {},
                            stored.get("error"))  # fmt: skip
            scores = _score_dicts(score_output(gold, output, scorers))
            items.append({**stored, "scores": scores})
            if stored.get("repeat", 0) == 0 and run.get("strategy") != "floor":
                cleaned = CleanArticle(
                    title=stored.get("source_title") or guess_title(stored["source_text"]),
                    text=stored["source_text"],
                )
                fixture = Fixture(stored["id"], Path(), Path(), gold)
                floor_items.append(_item(fixture, 0, cleaned, partial(_floor_of, cleaned), scorers,
                                         keep_text=True))  # fmt: skip
    finally:
        if store is not None:
            store.close()
    replayed = {**run, "replayed": True, "judge": judge, "items": items,
                "summary": aggregate(items)}  # fmt: skip
    if run.get("strategy") != "floor":
        replayed["floor"] = _floor_block(floor_items)
    return replayed


def _floor_of(cleaned: CleanArticle) -> api.BriefResult:
    from ..ingest import Article

    article = Article(id="replay", source="<replay>", raw=cleaned.text, content_type="text/plain")
    return api.floor_article(article, cleaned=cleaned)


def load_run(path: Path) -> dict[str, Any]:
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read run {path}: {exc.strerror}", "check the path") from exc
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, nested too deep
        why = "nested too deep" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"{path} is not a run file ({why})", "pass a file `eval` wrote") from exc
    if not isinstance(run, dict) or run.get("version") != RUN_VERSION or "items" not in run:
        raise InputError(
            f"{path} is not a version {RUN_VERSION} run file",
            "re-run `newsbrief eval` with this version",
        )
    return run


def save_run(run: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(run, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)  # never a half-written run file


def default_run_path(run: dict[str, Any]) -> Path:
    model = run["model"].replace(":", "-").replace("/", "-")
    stamp = run["created"].replace(":", "").replace("-", "")
    return Path("evals") / "runs" / f"{run['prompt'].replace('@', '-v')}.{model}.{stamp}.json"
