"""Comparison reports: Markdown, and a self-contained HTML page (inline SVG chart, no scripts,
no network) with per-fixture expected-vs-got diffs."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .compare import Comparison, FieldDelta
from .dataset import Labels


def number(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def interval(low: float | None, high: float | None) -> str:
    return "–" if low is None or high is None else f"[{low:+.3f}, {high:+.3f}]"


SHORT = {"no significant difference": "no sig. diff"}


def verdict_cell(f: FieldDelta) -> str:
    """A field's verdict in a few characters, with FAIL when it fails the gate."""
    if f.verdict is None:
        return ""
    return SHORT.get(f.verdict, f.verdict) + (" FAIL" if f.failed else "")


REPORT_SUFFIXES = (".json", ".md", ".html", ".htm")


def check_report_paths(paths: list[Path]) -> None:
    """A usage error for a report path newsbrief cannot write: an unknown suffix or a folder
    that does not exist. Called before any work."""
    for path in paths:
        if path.suffix.lower() not in REPORT_SUFFIXES:
            raise UsageError(f"--report {path}: unknown format", "name it *.json, *.md or *.html")
        if not path.parent.is_dir():
            raise UsageError(f"--report {path}: the folder {path.parent} does not exist",
                             "create it first or choose another path")  # fmt: skip


def to_dict(comparison: Comparison) -> dict[str, Any]:
    """The comparison as plain data (``--format json``, ``--report out.json``)."""
    return comparison.to_dict()


def _who(run: dict[str, Any]) -> str:
    return f"{run['prompt']} on {run['model']}"


def to_markdown(comparison: Comparison) -> str:
    c = comparison
    out = [
        f"# Eval comparison: {_who(c.b)} vs {_who(c.a)}",
        "",
        f"**Verdict:** {c.verdict}",
        "",
        f"{len(c.fixtures)} paired fixtures; paired bootstrap, {c.resamples:,} resamples, seed "
        f"{c.seed}; gate tolerance {c.tolerance}.",
        "",
        "| field | A | B | delta | 95% CI | n | verdict | gated |",
        "| --- | ---: | ---: | ---: | --- | ---: | --- | --- |",
    ]
    for f in c.fields:
        gate = ("FAIL" if f.failed else "ok") if f.gated else ""
        out.append(f"| {f.name} | {number(f.a)} | {number(f.b)} | {number(f.delta, True)} | "
                   f"{interval(f.low, f.high)} | {f.n} | {f.verdict or ''} | {gate} |")  # fmt: skip
    out += ["", "## Hard gates (on B)", ""]
    out += [f"- {'ok' if g['ok'] else 'FAIL'}: {g['gate']}" + (f" ({g['why']})" if g["why"] else "")
            for g in c.hard]  # fmt: skip
    out += ["", "## Flipped fixtures", ""]
    out += [f"- {x['fixture']} {x['field']}: {x['a']:.2f} → {x['b']:.2f} ({x['direction']})"
            for x in c.flipped] or ["_(none)_"]  # fmt: skip
    return "\n".join(out) + "\n"


def _chart(comparison: Comparison) -> str:
    """Per field: A (grey) and B (blue) bars on a 0-1 axis, then B - A with its 95% interval as
    a whisker on a symmetric delta axis, then the numbers; nothing is cut."""
    rows = [f for f in comparison.fields if f.a is not None or f.b is not None]
    bar_x, bar_w, gap, delta_w, row_h = 120, 360, 30, 220, 34  # bar_x: after the labels
    delta_x = bar_x + bar_w + gap
    text_x = delta_x + delta_w + 14
    width, top = text_x + 200, 8
    height = top + row_h * len(rows) + 34
    spread = max([comparison.tolerance] + [abs(v) for f in rows for v in (f.low, f.high)
                                           if v is not None])  # fmt: skip
    spread = min(1.0, max(0.05, round(spread + 0.005, 2)))

    def dx(value: float) -> float:
        return delta_x + (value + spread) / (2 * spread) * delta_w

    axis_y = top + row_h * len(rows) + 4
    parts = [f'<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{height}" role="img" aria-label="A vs B per field, and B - A with its '
             f'95% interval" font-family="system-ui,sans-serif">']  # fmt: skip
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = bar_x + tick * bar_w
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y}"/>'
                     f'<text x="{x:.1f}" y="{axis_y + 14}" font-size="10" '
                     f'text-anchor="middle">{tick:g}</text>')  # fmt: skip
    for tick in (-spread, 0.0, spread):
        x = dx(tick)
        parts.append(f'<line class="{"zero" if tick == 0 else "grid"}" x1="{x:.1f}" y1="{top}" '
                     f'x2="{x:.1f}" y2="{axis_y}"/><text x="{x:.1f}" y="{axis_y + 14}" '
                     f'font-size="10" text-anchor="middle">{tick:+g}</text>')  # fmt: skip
    parts.append(f'<text x="{bar_x}" y="{axis_y + 28}" font-size="10">score (grey A, blue B)'
                 f'</text><text x="{delta_x}" y="{axis_y + 28}" font-size="10">B - A, 95% CI'
                 "</text>")  # fmt: skip
    for index, f in enumerate(rows):
        y = top + index * row_h
        parts.append(f'<text x="0" y="{y + 16}" font-size="12">{escape(f.name)}</text>')
        for offset, value, cls in ((0, f.a, "bar-a"), (13, f.b, "bar-b")):
            length = 0 if value is None else max(0.0, min(1.0, value)) * bar_w
            parts.append(f'<rect class="{cls}" x="{bar_x}" y="{y + offset}" '
                         f'width="{length:.1f}" height="11"/>')  # fmt: skip
        if f.delta is not None and f.low is not None and f.high is not None:
            cls = {"better": "ci-better", "worse": "ci-worse"}.get(f.verdict or "", "ci")
            low, high = max(-spread, f.low), min(spread, f.high)
            parts.append(f'<line class="{cls}" x1="{dx(low):.1f}" y1="{y + 12}" '
                         f'x2="{dx(high):.1f}" y2="{y + 12}" stroke-width="2"/>'
                         f'<line class="{cls}" x1="{dx(low):.1f}" y1="{y + 7}" '
                         f'x2="{dx(low):.1f}" y2="{y + 17}"/><line class="{cls}" '
                         f'x1="{dx(high):.1f}" y1="{y + 7}" x2="{dx(high):.1f}" y2="{y + 17}"/>'
                         f'<circle class="{cls}" cx="{dx(max(-spread, min(spread, f.delta))):.1f}" '
                         f'cy="{y + 12}" r="3.5"/>')  # fmt: skip
        parts.append(f'<text x="{text_x}" y="{y + 10}" font-size="11">'
                     f"{number(f.delta, True)} {escape(verdict_cell(f))}</text>"
                     f'<text x="{text_x}" y="{y + 23}" font-size="10">'
                     f"{interval(f.low, f.high)}</text>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def _items(title: str, lines: list[str]) -> str:
    body = "".join(f"<li>{escape(line)}</li>" for line in lines) or "<li><i>none</i></li>"
    return f"<b>{escape(title)}</b><ul>{body}</ul>"


def _gold(labels: Labels) -> str:
    return "".join([
        f"<p>{escape(labels.summary)}</p>",
        _items("Pledges", [f"{p.actor}: {p.commitment}" + (f" (if {p.condition})"
                           if p.condition else "") for p in labels.pledges]),
        _items("Positions", [f"{p.actor} {p.stance} {p.topic}" for p in labels.positions]),
        _items("Experts", [e.name for e in labels.quoted_experts]),
    ])  # fmt: skip


def _got(item: dict[str, Any] | None) -> str:
    if item is None:
        return "<p><i>not in this run</i></p>"
    brief = item.get("brief")
    if item.get("redacted"):
        return "<p><i>external article: its text and the brief are not kept in the run</i></p>"
    if not brief:
        return f"<p class='bad'>no brief: {escape(str(item.get('error')))}</p>"
    return "".join([
        f"<p>{escape(brief.get('summary') or '')}</p>",
        _items("Pledges", [f"{p['actor']}: {p['commitment']}" for p in brief["pledges"]]),
        _items("Positions", [f"{p['actor']} {p['stance']} {p['topic']}"
                             for p in brief["positions"]]),
        _items("Experts", [e["name"] for e in brief["quoted_experts"]]),
    ])  # fmt: skip


def _changed(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Whether any score of a fixture differs between A and B (or one run lacks it)."""
    if a is None or b is None:
        return True
    values = ({s["name"]: s["value"] for s in item["scores"]} for item in (a, b))
    return next(values) != next(values)


def _scores(item: dict[str, Any] | None) -> str:
    if item is None:
        return ""
    rows = "".join(
        f"<tr><td>{escape(s['name'])}</td><td>{number(s['value'])}</td>"
        f"<td>{escape(s['explanation'])}</td></tr>"
        for s in item["scores"]
    )
    return f"<table class='scores'>{rows}</table>"


def to_html(
    comparison: Comparison,
    run_a: dict[str, Any],
    run_b: dict[str, Any],
    labels: dict[str, Labels],
) -> str:
    c = comparison
    first_a = {i["id"]: i for i in reversed(run_a["items"])}  # repeat 0 of each fixture
    first_b = {i["id"]: i for i in reversed(run_b["items"])}
    rows = "".join(
        f"<tr class='{'fail' if f.failed else ''}'><td>{escape(f.name)}</td><td>{number(f.a)}</td>"
        f"<td>{number(f.b)}</td><td>{number(f.delta, True)}</td><td>{interval(f.low, f.high)}</td>"
        f"<td>{f.n}</td><td>{escape(f.verdict or '')}</td>"
        f"<td>{('FAIL' if f.failed else 'ok') if f.gated else ''}</td></tr>"
        for f in c.fields
    )
    hard = "".join(
        f"<li class='{'ok' if g['ok'] else 'bad'}'>{'ok' if g['ok'] else 'FAIL'}: "
        f"{escape(g['gate'])} {escape(g['why'])}</li>"
        for g in c.hard
    )
    flips = (
        "".join(
            f"<li>{escape(x['fixture'])} {escape(x['field'])}: {x['a']:.2f} → {x['b']:.2f} "
            f"({x['direction']})</li>"
            for x in c.flipped
        )
        or "<li><i>none</i></li>"
    )
    fixtures = "".join(
        f"<details class='{'changed' if _changed(first_a.get(key), first_b.get(key)) else 'same'}'>"
        f"<summary>{escape(key)}</summary><table class='diff'><tr><th>Expected</th>"
        f"<th>Got (A)</th><th>Got (B)</th></tr><tr><td>"
        f"{_gold(labels[key]) if key in labels else '<i>no labels</i>'}</td>"
        f"<td>{_got(first_a.get(key))}{_scores(first_a.get(key))}</td>"
        f"<td>{_got(first_b.get(key))}{_scores(first_b.get(key))}</td></tr></table></details>"
        for key in c.fixtures
    )
    changed = sum(_changed(first_a.get(k), first_b.get(k)) for k in c.fixtures)
    style = (
        "body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1200px}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;"
        "vertical-align:top}.fail,.bad{color:#b00}.ok{color:#070}.bar-a{fill:#999}"
        ".bar-b{fill:#2563eb}.diff td{width:33%}.scores td{font-size:12px;border:0}"
        ".grid{stroke:#e5e7eb}.zero{stroke:#6b7280}.ci{stroke:#6b7280;fill:#6b7280}"
        ".ci-better{stroke:#15803d;fill:#15803d}.ci-worse{stroke:#b91c1c;fill:#b91c1c}"
        "#only-changed:checked~#fixtures details.same{display:none}"
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>newsbrief eval: {escape(_who(c.b))} vs {escape(_who(c.a))}</title>"
        f"<style>{style}</style></head><body>"
        f"<h1>{escape(_who(c.b))} (B) vs {escape(_who(c.a))} (A)</h1>"
        f"<p id='verdict'><b>Verdict:</b> {escape(c.verdict)}</p>"
        f"<p>{len(c.fixtures)} paired fixtures; paired bootstrap, {c.resamples:,} resamples, "
        f"seed {c.seed}; gate tolerance {c.tolerance}.</p>"
        f"{_chart(c)}"
        "<table><tr><th>field</th><th>A</th><th>B</th><th>delta</th><th>95% CI</th><th>n</th>"
        f"<th>verdict</th><th>gated</th></tr>{rows}</table>"
        f"<h2>Hard gates (on B)</h2><ul>{hard}</ul><h2>Flipped fixtures</h2><ul>{flips}</ul>"
        f"<h2>Fixtures</h2><input type='checkbox' id='only-changed'> <label for='only-changed'>"
        f"only the {changed} fixtures whose scores changed</label>"
        f"<div id='fixtures'>{fixtures}</div></body></html>\n"
    )
