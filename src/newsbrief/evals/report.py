"""Comparison reports: Markdown, and a self-contained HTML page (inline SVG chart, no scripts,
no network) with per-fixture expected-vs-got diffs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .compare import Comparison, FieldDelta
from .dataset import Labels
from .runfile import Item, Run
from .scorers import SCORES


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


def write_reports(
    paths: list[Path],
    comparison: Comparison,
    a: Run,
    b: Run,
    fixtures: list[Path],
) -> Iterator[Path]:
    """Write the comparison to each of ``paths`` by its suffix (JSON, Markdown or HTML; the
    last two with each fixture's labels from ``fixtures``), yielding each path once written."""
    labels: dict[str, Labels] = {}
    if any(p.suffix.lower() in (".html", ".htm", ".md") for p in paths):
        from .dataset import load_fixtures

        labels = {f.id: f.labels for f in load_fixtures(fixtures, articles=False)}
    for path in paths:
        if path.suffix.lower() in (".html", ".htm"):
            text = to_html(comparison, a, b, labels)
        elif path.suffix.lower() == ".md":
            text = to_markdown(comparison, a, b, labels)
        else:
            text = json.dumps(to_dict(comparison), indent=2, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
        yield path


def to_dict(comparison: Comparison) -> dict[str, Any]:
    """The comparison as plain data (``--format json``, ``--report out.json``)."""
    return comparison.to_dict()


def _who(run: dict[str, Any]) -> str:
    return f"{run['prompt']} on {run['model']}"


def to_markdown(
    comparison: Comparison,
    run_a: Run | None = None,
    run_b: Run | None = None,
    labels: dict[str, Labels] | None = None,
) -> str:
    """The comparison in Markdown; with both runs (and the labels), each fixture's list items
    matched, missed and extra per run."""
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
    if run_a is not None and run_b is not None:
        out += _markdown_fixtures(c, run_a, run_b, labels or {})
    return "\n".join(out) + "\n"


def _markdown_fixtures(
    c: Comparison, run_a: Run, run_b: Run, labels: dict[str, Labels]
) -> list[str]:
    """Per fixture and run: each list field's items matched, missed and extra."""
    first = [run.first_items() for run in (run_a, run_b)]
    out = ["", "## Fixtures: matched, missed and extra items", ""]
    for key in c.fixtures:
        out += [f"### {key}", ""]
        for run, items in zip("AB", first, strict=True):
            found = fixture_matches(items.get(key), labels.get(key))
            if found is None:
                out.append(f"- {run}: no items to mark (no brief, no labels, or no pairs kept)")
                continue
            for name, kinds in found.items():
                counts = [f"{kind} {len(lines)}" + (f" ({'; '.join(lines)})" if lines and
                                                    kind != "matched" else "")
                          for kind, lines in kinds.items()]  # fmt: skip
                out.append(f"- {run} {name}: {', '.join(counts)}")
        out.append("")
    return out


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


# The list parts of a brief: (title, score name, field of the brief and of the labels), from
# the score declarations (scorers.SCORES).
LIST_PARTS = tuple((spec.part[0], spec.name, spec.part[1]) for spec in SCORES if spec.part)


@dataclass(frozen=True)
class Matches:
    """How one run's list items met the gold ones for one fixture, as its scorer paired them:
    the gold items matched, and the run's items that matched one (the rest are extra)."""

    gold: frozenset[int]
    got: frozenset[int]


def matches(item: Item | None) -> dict[str, Matches] | None:
    """Per list field, the pairs the run's scorers recorded; None when the run kept none (an
    external article's redacted item, or a run file older than the pairs)."""
    if item is None:
        return None
    names = {name for _, name, _ in LIST_PARTS}
    found: dict[str, Matches] = {}
    for score in item.scores:
        pairs = (score.details or {}).get("pairs")
        if score.name in names and pairs is not None:
            found[score.name] = Matches(frozenset(g for g, _, _ in pairs),
                                           frozenset(p for _, p, _ in pairs))  # fmt: skip
    return found or None


def gold_lines(labels: Labels) -> dict[str, list[str]]:
    """Each gold list item as one line, per score name."""
    return {
        "pledges": [f"{p.actor}: {p.commitment}" + (f" (if {p.condition})" if p.condition else "")
                    for p in labels.pledges],
        "positions": [f"{p.actor} {p.stance} {p.topic}" for p in labels.positions],
        "experts": [e.name for e in labels.quoted_experts],
    }  # fmt: skip


def got_lines(brief: dict[str, Any]) -> dict[str, list[str]]:
    """Each list item of a run's brief as one line, per score name."""
    return {
        "pledges": [f"{p['actor']}: {p['commitment']}" for p in brief.get("pledges") or []],
        "positions": [f"{p['actor']} {p['stance']} {p['topic']}"
                      for p in brief.get("positions") or []],
        "experts": [e["name"] for e in brief.get("quoted_experts") or []],
    }  # fmt: skip


def _items(title: str, rows: list[str]) -> str:
    """A titled list of rows that are already HTML."""
    body = "".join(f"<li>{row}</li>" for row in rows) or "<li><i>none</i></li>"
    return f"<b>{escape(title)}</b><ul>{body}</ul>"


def _mark(run: str, found: dict[str, Matches] | None, name: str, index: int) -> str:
    if found is None or name not in found:
        return ""
    hit = index in found[name].gold
    word = "matched" if hit else "missed"
    return (f"<span class='mark {'hit' if hit else 'miss'}' title='{word} by {run}'>"
            f"{run} {'✓' if hit else '✗'}</span> ")  # fmt: skip


def _gold(
    labels: Labels, found_a: dict[str, Matches] | None, found_b: dict[str, Matches] | None
) -> str:
    """The gold brief, each list item marked with which run matched it (A ✓ B ✗)."""
    lines = gold_lines(labels)
    parts = [f"<p>{escape(labels.summary)}</p>"]
    for title, name, _ in LIST_PARTS:
        parts.append(_items(title, [
            f"{_mark('A', found_a, name, i)}{_mark('B', found_b, name, i)}{escape(line)}"
            for i, line in enumerate(lines[name])
        ]))  # fmt: skip
    return "".join(parts)


def _got(item: Item | None, labels: Labels | None) -> str:
    """One run's brief: its list items marked matched, then extra, then the gold items it
    missed (struck through)."""
    if item is None:
        return "<p><i>not in this run</i></p>"
    brief = item.brief
    if item.redacted:
        return "<p><i>external article: its text and the brief are not kept in the run</i></p>"
    if not brief:
        return f"<p class='bad'>no brief: {escape(str(item.error))}</p>"
    marked = fixture_matches(item, labels) or {}
    lines = got_lines(brief)
    parts = [f"<p>{escape(brief.get('summary') or '')}</p>"]
    for title, name, _ in LIST_PARTS:
        kinds = marked.get(name)
        if kinds is None:
            rows = [escape(line) for line in lines[name]]
        else:
            rows = [f"<span class='mark {MARK_CLASS[kind]}'>{kind}</span> "
                    + (f"<s>{escape(line)}</s>" if kind == "missed" else escape(line))
                    for kind in ("matched", "extra", "missed") for line in kinds[kind]]  # fmt: skip
        parts.append(_items(title, rows))
    return "".join(parts)


MARK_CLASS = {"matched": "hit", "extra": "extra", "missed": "miss"}


def fixture_matches(
    item: Item | None, labels: Labels | None
) -> dict[str, dict[str, list[str]]] | None:
    """Per list field of one fixture's output: the items ``matched``, ``missed`` (gold) and
    ``extra`` (the run's), as lines; None when the run kept no pairs or there are no labels."""
    found = matches(item)
    if found is None or labels is None or item is None or not item.brief:
        return None
    gold, got = gold_lines(labels), got_lines(item.brief)
    return {
        name: {
            "matched": [line for i, line in enumerate(got[name]) if i in found[name].got],
            "missed": [line for i, line in enumerate(gold[name]) if i not in found[name].gold],
            "extra": [line for i, line in enumerate(got[name]) if i not in found[name].got],
        }
        for _, name, _ in LIST_PARTS
        if name in found
    }


def _changed(a: Item | None, b: Item | None) -> bool:
    """Whether any score of a fixture differs between A and B (or one run lacks it)."""
    if a is None or b is None:
        return True
    return a.values() != b.values()


def _scores(item: Item | None) -> str:
    if item is None:
        return ""
    rows = "".join(
        f"<tr><td>{escape(s.name)}</td><td>{number(s.value)}</td>"
        f"<td>{escape(s.explanation)}</td></tr>"
        for s in item.scores
    )
    return f"<table class='scores'>{rows}</table>"


def _expected(labels: Labels | None, a: Item | None, b: Item | None) -> str:
    return _gold(labels, matches(a), matches(b)) if labels is not None else "<i>no labels</i>"


STYLE = (
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1200px}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;"
    "vertical-align:top}.fail,.bad{color:#b00}.ok{color:#070}.bar-a{fill:#999}"
    ".bar-b{fill:#2563eb}.diff td{width:33%}.scores td{font-size:12px;border:0}"
    ".grid{stroke:#e5e7eb}.zero{stroke:#6b7280}.ci{stroke:#6b7280;fill:#6b7280}"
    ".ci-better{stroke:#15803d;fill:#15803d}.ci-worse{stroke:#b91c1c;fill:#b91c1c}"
    "#only-changed:checked~#fixtures details.same{display:none}"
    ".mark{font-size:11px;padding:0 3px;border-radius:3px}.hit{background:#dcfce7}"
    ".miss{background:#fee2e2}.extra{background:#fef3c7}"
)


def _field_rows(c: Comparison) -> str:
    """The table rows of the fields: A, B, delta, interval, n, verdict and the gate."""
    return "".join(
        f"<tr class='{'fail' if f.failed else ''}'><td>{escape(f.name)}</td><td>{number(f.a)}</td>"
        f"<td>{number(f.b)}</td><td>{number(f.delta, True)}</td><td>{interval(f.low, f.high)}</td>"
        f"<td>{f.n}</td><td>{escape(f.verdict or '')}</td>"
        f"<td>{('FAIL' if f.failed else 'ok') if f.gated else ''}</td></tr>"
        for f in c.fields
    )


def _gates_and_flips(c: Comparison) -> str:
    """The hard gates on B, then the fixtures that flipped, as two titled lists."""
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
    return f"<h2>Hard gates (on B)</h2><ul>{hard}</ul><h2>Flipped fixtures</h2><ul>{flips}</ul>"


def _fixture_diffs(c: Comparison, run_a: Run, run_b: Run, labels: dict[str, Labels]) -> str:
    """Per fixture, expected beside each run's first output (repeat 0), changed ones marked;
    a checkbox hides the fixtures whose scores did not change."""
    first_a, first_b = run_a.first_items(), run_b.first_items()
    fixtures = "".join(
        f"<details class='{'changed' if _changed(first_a.get(key), first_b.get(key)) else 'same'}'>"
        f"<summary>{escape(key)}</summary><table class='diff'><tr><th>Expected</th>"
        f"<th>Got (A)</th><th>Got (B)</th></tr><tr><td class='expected'>"
        f"{_expected(labels.get(key), first_a.get(key), first_b.get(key))}</td>"
        f"<td class='got-a'>{_got(first_a.get(key), labels.get(key))}"
        f"{_scores(first_a.get(key))}</td><td class='got-b'>"
        f"{_got(first_b.get(key), labels.get(key))}{_scores(first_b.get(key))}</td></tr>"
        "</table></details>"
        for key in c.fixtures
    )
    changed = sum(_changed(first_a.get(k), first_b.get(k)) for k in c.fixtures)
    return (
        f"<h2>Fixtures</h2><input type='checkbox' id='only-changed'> <label for='only-changed'>"
        f"only the {changed} fixtures whose scores changed</label>"
        f"<div id='fixtures'>{fixtures}</div>"
    )


def to_html(
    comparison: Comparison,
    run_a: Run,
    run_b: Run,
    labels: dict[str, Labels],
) -> str:
    """One self-contained page: verdict, chart, the fields' table, gates and flips, and every
    fixture's expected-vs-got diff."""
    c = comparison
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>newsbrief eval: {escape(_who(c.b))} vs {escape(_who(c.a))}</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<h1>{escape(_who(c.b))} (B) vs {escape(_who(c.a))} (A)</h1>"
        f"<p id='verdict'><b>Verdict:</b> {escape(c.verdict)}</p>"
        f"<p>{len(c.fixtures)} paired fixtures; paired bootstrap, {c.resamples:,} resamples, "
        f"seed {c.seed}; gate tolerance {c.tolerance}.</p>"
        f"{_chart(c)}"
        "<table><tr><th>field</th><th>A</th><th>B</th><th>delta</th><th>95% CI</th><th>n</th>"
        f"<th>verdict</th><th>gated</th></tr>{_field_rows(c)}</table>"
        f"{_gates_and_flips(c)}{_fixture_diffs(c, run_a, run_b, labels)}</body></html>\n"
    )
