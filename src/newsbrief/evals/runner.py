"""Eval runs: every fixture through the same stages as ``summarize``, then scored.

A run file (JSON, ``version`` 1) holds everything needed to score the run again without any
model: per fixture and repeat, the cleaned text the brief was checked against, the brief (or
the error), its meta, and the scores. ``replay`` re-scores a run file's stored outputs with the
current scorers; CI uses it to gate without a model.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, api
from ..config import resolve_settings
from ..errors import InputError, NewsbriefError
from ..ingest import read_source
from ..prompts import load_prompt
from .dataset import Fixture, Labels, load_fixtures
from .scorers import Output, Score, default_scorers, prf, score_output

if TYPE_CHECKING:
    from ..llm import LLM

RUN_VERSION = 1
DEFAULT_FIXTURES = Path("evals") / "fixtures"
# Scores whose tp/fp/fn aggregate into micro precision/recall/F1 over all fixtures.
LIST_SCORES = ("pledges", "positions", "experts")


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
    prompt: str = api.DEFAULT_PROMPT,
    model: str | None = None,
    base_url: str | None = None,
    mode: str | None = None,
    repeats: int = 1,
    fixtures_dirs: Sequence[Path] = (DEFAULT_FIXTURES,),
    llm: LLM | None = None,
    cache: bool = True,
    progress: Callable[[str], None] | None = None,
    judge: str | None = None,
    judge_llm: LLM | None = None,
) -> dict[str, Any]:
    """Run ``prompt`` on ``model`` over every fixture ``repeats`` times; returns the run.
    ``judge`` (a model) adds the judged key-fact score."""
    if repeats < 1:
        raise InputError(f"--repeats {repeats}", "use 1 or more")
    fixtures = load_fixtures(list(fixtures_dirs))
    loaded = load_prompt(prompt)
    lazy = api.LazyLLM(resolve_settings(model=model, base_url=base_url, mode=mode), llm)
    store = api._open_store() if cache else None
    scorers = default_scorers(_judge(judge, judge_llm, store))
    items: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        for fixture in fixtures:
            article = read_source(str(fixture.article))
            cleaned = api.clean_source(article)
            for repeat in range(repeats):
                item: dict[str, Any] = {"id": fixture.id, "repeat": repeat,
                                        "source_text": cleaned.text}  # fmt: skip
                try:
                    result = api.summarize_article(
                        article, prompt=loaded, identity=lazy.identity, make=lazy, store=store,
                        cache=cache, log=cache, repeat=repeat, cleaned=cleaned,
                    )  # fmt: skip
                    item["brief"] = result.brief.model_dump(mode="json")
                    item["meta"] = result.meta
                    item["error"] = None
                except NewsbriefError as exc:
                    item.update(brief=None, meta={}, error=str(exc))
                output = Output(item["brief"], cleaned.text, item["meta"], item["error"])
                item["scores"] = _score_dicts(score_output(fixture.labels, output, scorers))
                items.append(item)
                if progress is not None:
                    progress(f"{fixture.id} #{repeat}: " + ("ok" if item["brief"] else "failed"))
    finally:
        if store is not None:
            store.close()
    return {
        "version": RUN_VERSION,
        "newsbrief_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "prompt": loaded.ref,
        "prompt_sha256": loaded.sha256,
        "model": lazy.made.model if lazy.made else lazy.identity.split("@", 1)[0],
        "repeats": repeats,
        "judge": judge,
        "fixtures": [f.id for f in fixtures],
        "seconds": round(time.perf_counter() - started, 1),
        "items": items,
        "summary": aggregate(items),
    }


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
    judge model for key facts, when given; its answers are cached)."""
    labels = _labels_by_id(load_fixtures(list(fixtures_dirs)))
    store = api._open_store() if (judge or judge_llm) else None
    try:
        scorers = default_scorers(_judge(judge, judge_llm, store))
        items = []
        for stored in run["items"]:
            gold = labels.get(stored["id"])
            if gold is None:
                raise InputError(
                    f"the run has fixture {stored['id']!r}, which is not in the fixtures",
                    "pass the --fixtures the run was made with",
                )
            output = Output(stored["brief"], stored["source_text"], stored.get("meta") or {},
                            stored.get("error"))  # fmt: skip
            scores = _score_dicts(score_output(gold, output, scorers))
            items.append({**stored, "scores": scores})
    finally:
        if store is not None:
            store.close()
    return {**run, "replayed": True, "judge": judge, "items": items, "summary": aggregate(items)}


def load_run(path: Path) -> dict[str, Any]:
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read run {path}: {exc.strerror}", "check the path") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not a run file ({exc})", "pass a file `eval` wrote") from exc
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
