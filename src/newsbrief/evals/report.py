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
    """Horizontal bars, A grey and B blue, one pair per field, values 0-1."""
    rows = [f for f in comparison.fields if f.a is not None or f.b is not None]
    width, label_w, bar_w, row_h = 640, 130, 420, 34
    height = row_h * len(rows) + 30
    parts = [f'<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{height}" role="img" aria-label="A vs B per field">']  # fmt: skip
    for index, f in enumerate(rows):
        y = 10 + index * row_h
        parts.append(f'<text x="0" y="{y + 16}" font-size="12">{escape(f.name)}</text>')
        for offset, value, cls in ((0, f.a, "bar-a"), (13, f.b, "bar-b")):
            length = 0 if value is None else max(0.0, min(1.0, value)) * bar_w
            parts.append(f'<rect class="{cls}" x="{label_w}" y="{y + offset}" '
                         f'width="{length:.1f}" height="11"/>')  # fmt: skip
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 16}" font-size="11">'
                     f"{number(f.delta, True)} {interval(f.low, f.high)}</text>")  # fmt: skip
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
        f"<details><summary>{escape(key)}</summary><table class='diff'><tr><th>Expected</th>"
        f"<th>Got (B)</th><th>Got (A)</th></tr><tr><td>"
        f"{_gold(labels[key]) if key in labels else '<i>no labels</i>'}</td>"
        f"<td>{_got(first_b.get(key))}{_scores(first_b.get(key))}</td>"
        f"<td>{_got(first_a.get(key))}{_scores(first_a.get(key))}</td></tr></table></details>"
        for key in c.fixtures
    )
    style = (
        "body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1200px}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;"
        "vertical-align:top}.fail,.bad{color:#b00}.ok{color:#070}.bar-a{fill:#999}"
        ".bar-b{fill:#2563eb}.diff td{width:33%}.scores td{font-size:12px;border:0}"
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>newsbrief eval: {escape(_who(c.b))} vs {escape(_who(c.a))}</title>"
        f"<style>{style}</style></head><body>"
        f"<h1>{escape(_who(c.b))} (B) vs {escape(_who(c.a))} (A)</h1>"
        f"<p id='verdict'><b>Verdict:</b> {escape(c.verdict)}</p>"
        f"<p>{len(c.fixtures)} paired fixtures; paired bootstrap, {c.resamples:,} resamples, "
        f"seed {c.seed}; gate tolerance {c.tolerance}. Grey: A, blue: B.</p>"
        f"{_chart(c)}"
        "<table><tr><th>field</th><th>A</th><th>B</th><th>delta</th><th>95% CI</th><th>n</th>"
        f"<th>verdict</th><th>gated</th></tr>{rows}</table>"
        f"<h2>Hard gates (on B)</h2><ul>{hard}</ul><h2>Flipped fixtures</h2><ul>{flips}</ul>"
        f"<h2>Fixtures</h2>{fixtures}</body></html>\n"
    )
