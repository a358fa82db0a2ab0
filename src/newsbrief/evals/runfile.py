"""The eval run file, typed: what :func:`newsbrief.evals.runner.run_eval` writes and compare,
report and replay read.

A run file is JSON with a ``version`` (today 1). It holds, per fixture and repeat, the cleaned
text the brief was checked against, the brief (or the error), its meta and its scores, so that
``eval --replay`` can score it again without a model; the summary over fixtures; and the
no-model floor scored on the same articles. Fields added after version 1 was first written
(``judge``, ``external``, ``strategy``, ``floor``, an item's ``ok`` and ``source_title``) are
optional, so every version 1 file loads. A field that was never given is not written back
(:meth:`Run.dumps`), so a file read and saved again keeps its shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import InputError

RUN_VERSION: Literal[1] = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScoreEntry(_Strict):
    """One score of one output: its value (None: the score does not apply), why, and for a
    list score its true and false positives and false negatives (``details``: the pairs)."""

    name: str
    value: float | None
    explanation: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    details: dict[str, Any] | None = None


class Item(_Strict):
    """One fixture's output for one repeat. A redacted item (an external article) keeps its
    scores and costs but none of the article's text: ``source_sha256`` instead of the text."""

    id: str
    repeat: int = 0
    redacted: bool = False
    source_sha256: str | None = None
    source_title: str | None = None
    source_text: str | None = None
    brief: dict[str, Any] | None
    meta: dict[str, Any]
    error: str | None
    scores: list[ScoreEntry]
    ok: bool | None = None

    def values(self) -> dict[str, float | None]:
        """Score name -> value."""
        return {s.name: s.value for s in self.scores}


class ScoreSummary(_Strict):
    """A score over every fixture: the mean of its values and how many there were; a list
    score also pools its counts into micro precision, recall and F1."""

    mean: float | None
    n: int
    micro_precision: float | None = None
    micro_recall: float | None = None
    micro_f1: float | None = None
    tp: int | None = None
    fp: int | None = None
    fn: int | None = None


class Cost(_Strict):
    """What the outputs cost together (the ``cost`` entry of a summary)."""

    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    n: int


Summary = dict[str, ScoreSummary | Cost]


def score_summaries(summary: Summary) -> dict[str, ScoreSummary]:
    """A summary's score entries, in order (the cost left out)."""
    return {k: v for k, v in summary.items() if isinstance(v, ScoreSummary)}


class Floor(_Strict):
    """The no-model floor scored on the same cleaned articles as the run."""

    prompt: str
    prompt_sha256: str
    items: list[Item]
    summary: Summary


class Run(_Strict):
    """One eval run (see the module docstring)."""

    version: Literal[1] = RUN_VERSION
    newsbrief_version: str
    created: str
    prompt: str
    prompt_sha256: str
    model: str
    repeats: int
    judge: str | None = None
    fixtures: list[str]
    external: list[str] = []
    seconds: float
    strategy: str | None = None
    strategy_version: int | None = None
    items: list[Item]
    summary: Summary
    floor: Floor | None = None
    replayed: bool = False

    @property
    def cost(self) -> Cost:
        cost = self.summary["cost"]
        assert isinstance(cost, Cost)
        return cost

    def scores(self) -> dict[str, ScoreSummary]:
        """The summary's score entries, in order (the cost left out)."""
        return score_summaries(self.summary)

    def ids(self) -> set[str]:
        return {item.id for item in self.items}

    def first_items(self) -> dict[str, Item]:
        """Fixture id -> its first output (repeat 0)."""
        return {item.id: item for item in reversed(self.items)}

    def dumps(self) -> str:
        """The run file's text: the fields that were given, in the order above."""
        data = self.model_dump(mode="json", exclude_unset=True)
        data["version"] = self.version  # always written, given or not
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def parse_run(data: Any, where: str) -> Run:
    """A run from its parsed JSON; one line that says what is wrong when it is not a version
    1 run file (``where`` names it)."""
    if not isinstance(data, dict) or data.get("version") != RUN_VERSION or "items" not in data:
        version = data.get("version") if isinstance(data, dict) else None
        found = f" (it says version {version})" if version not in (None, RUN_VERSION) else ""
        raise InputError(f"{where} is not a version {RUN_VERSION} run file{found}",
                         "re-run `newsbrief eval` with this version")  # fmt: skip
    try:
        return Run.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        at = ".".join(str(part) for part in first["loc"]) or "the top"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InputError(
            f"{where} is not a valid version {RUN_VERSION} run file: {at}: {first['msg']}{more}",
            "pass a file `newsbrief eval` wrote, or re-run it",
        ) from None


def load_run(path: Path) -> Run:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read run {path}: {exc.strerror}", "check the path") from exc
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, nested too deep
        why = "nested too deep" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"{path} is not a run file ({why})", "pass a file `eval` wrote") from exc
    return parse_run(data, str(path))


def save_run(run: Run, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(run.dumps(), encoding="utf-8")
    tmp.replace(path)  # never a half-written run file
