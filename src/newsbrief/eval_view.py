"""The eval commands' terminal views: a run's scores beside the no-model floor's, and a comparison
of two runs with its gates, flips and verdict. Which scores exist and how they aggregate comes
from :data:`newsbrief.evals.scorers.SCORES`; the numbers are formatted as in the reports
(:func:`newsbrief.evals.report.number`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table

from .evals.compare import NOT_GATED
from .evals.report import interval, number, verdict_cell
from .evals.runfile import score_summaries
from .evals.scorers import SCORES

if TYPE_CHECKING:
    from rich.console import Console

    from .evals.compare import Comparison
    from .evals.runfile import Run, ScoreSummary

MICRO_CAPTION = (
    ", ".join(spec.name for spec in SCORES if spec.aggregate == "micro")
    + ": micro F1 (precision/recall)"
)
RUN_KEYS = ("prompt", "prompt_sha256", "model", "strategy", "created", "repeats", "fixtures")
VERDICT_COLOURS = {"better": "green", "worse": "red", "inconclusive": "yellow"}


def _cell(entry: ScoreSummary | None) -> tuple[str, float | None]:
    """A summary entry's cell and value: micro F1 with P/R for list scores, else the mean."""
    if not entry:
        return "", None
    if entry.micro_f1 is not None:
        value, p, r = entry.micro_f1, entry.micro_precision, entry.micro_recall
        return f"{number(value)} ({p:.2f}/{r:.2f})", value
    return number(entry.mean), entry.mean


def side_by_side(run: Run) -> Table:
    """Per score: the floor's value next to the run's (micro F1 with P/R for list scores)."""
    floor = score_summaries(run.floor.summary) if run.floor else {}
    title = f"{run.prompt} on {run.model}, {len(run.fixtures)} fixtures"
    if run.external:
        title += f" ({len(run.external)} external)"
    table = Table("score", "floor (no model)", f"{run.prompt}", "delta", "n", title=title,
                  caption=MICRO_CAPTION)  # fmt: skip
    for name, entry in run.scores().items():
        ours, value = _cell(entry)
        theirs, base = _cell(floor.get(name)) if floor else ("", None)
        delta = number(value - base, signed=True) if value is not None and base is not None else ""
        table.add_row(name, theirs, ours, delta, str(entry.n))
    return table


def cost_line(run: Run, path: Path) -> str:
    """What a run cost, and where its run file is."""
    cost = run.cost
    return (
        f"{cost.n} outputs, {cost.prompt_tokens:,}+{cost.completion_tokens:,} tokens, "
        f"{cost.latency_ms / 1000:.1f} s of model time; run file: {path}"
    )


def run_digest(run: Run, path: Path) -> dict[str, Any]:
    """``eval --format json``: the run's header, its file, its summary and the floor's."""
    data = run.model_dump(mode="json", include={*RUN_KEYS, "summary", "floor"},
                          exclude_unset=True)  # fmt: skip
    return {**{k: data.get(k) for k in RUN_KEYS}, "run_file": str(path),
            "summary": data["summary"],
            "floor": (data.get("floor") or {}).get("summary")}  # fmt: skip


def named(run: Run) -> str:
    return f"{run.prompt} on {run.model} ({run.strategy or 'focused'})"


def comparison_table(
    result: Comparison, a: Run, b: Run, *, delta: float, shared_only: bool
) -> Table:
    """B against A per field: values, delta, 95% CI, n and the coloured verdict."""
    title = f"B {named(b)} vs A {named(a)}"
    if shared_only and a.ids() != b.ids():
        title += f", on the {len(result.fixtures)} fixtures both runs have"
    table = Table("field", "A", "B", "delta", "95% CI", "n", "verdict", title=title,
                  caption=f"FAIL: worse beyond -{delta}; not gated: "
                  f"{', '.join(NOT_GATED)}")  # fmt: skip
    for f in result.fields:
        cell = verdict_cell(f)
        if f.verdict in VERDICT_COLOURS:
            cell = f"[{VERDICT_COLOURS[f.verdict]}]{cell}[/{VERDICT_COLOURS[f.verdict]}]"
        table.add_row(f.name, number(f.a), number(f.b), number(f.delta, signed=True),
                      interval(f.low, f.high), str(f.n), cell)  # fmt: skip
    return table


def print_comparison(console: Console, result: Comparison, table: Table) -> None:
    """The comparison's table, then each hard gate, each flipped fixture and the verdict."""
    console.print(table)
    for hard in result.hard:
        mark = "[green]ok[/green]" if hard["ok"] else "[red]FAIL[/red]"
        console.print(f"{mark} {hard['gate']}" + (f" ({hard['why']})" if hard["why"] else ""))
    for flip in result.flipped:
        console.print(f"flipped: {flip['fixture']} {flip['field']} {flip['a']:.2f} -> "
                      f"{flip['b']:.2f} ({flip['direction']})")  # fmt: skip
    console.print(f"[bold]verdict:[/bold] {result.verdict}")
