"""Render a :class:`~newsbrief.api.BriefResult` as JSON, Markdown or a rich terminal view."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from .api import BriefResult

FORMATS = ("pretty", "json", "markdown")


def to_json(result: BriefResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)


def _footer(result: BriefResult) -> str:
    meta = result.meta
    usage = meta["usage"]
    grounding = meta["grounding"]
    return (
        f"{meta['model']} · {meta['prompt']} · {meta['latency_ms'] / 1000:.1f} s · "
        f"{usage['prompt_tokens']}+{usage['completion_tokens']} tokens · "
        f"{meta['attempts']} calls · grounded {grounding['grounded']}/{grounding['checked']}"
    )


def to_markdown(result: BriefResult) -> str:
    brief = result.brief
    title = result.clean.title or result.article.id
    out = [f"# {title}", "", "## Summary", "", brief.summary or "_(none)_", ""]
    out += ["## Pledges", ""]
    out += [
        f"- **{p.actor}**: {p.commitment}"
        + (f" (if {p.condition})" if p.condition else "")
        + f"\n  > {p.evidence}"
        for p in brief.pledges
    ] or ["_(none)_"]
    out += ["", "## Positions", ""]
    out += [
        f"- **{p.actor}** {p.stance} *{p.topic}*: {p.statement}\n  > {p.evidence}"
        for p in brief.positions
    ] or ["_(none)_"]
    out += ["", "## Quoted experts", ""]
    for expert in brief.quoted_experts:
        who = ", ".join(x for x in (expert.role, expert.affiliation) if x)
        out.append(f"- **{expert.name}**" + (f" ({who})" if who else ""))
        out += [
            f"  - {'“' + q.text + '”' if q.kind == 'direct' else q.text}" for q in expert.quotes
        ]
    if not brief.quoted_experts:
        out.append("_(none)_")
    out += ["", "---", f"*{_footer(result)}*", ""]
    return "\n".join(out)


def _table(*columns: str) -> Table:
    table = Table(show_header=True, header_style="bold", expand=True, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def to_rich(result: BriefResult) -> RenderableType:
    brief = result.brief
    parts: list[RenderableType] = [Text(brief.summary or "(no summary)"), Text("")]
    if brief.pledges:
        table = _table("Actor", "Pledge", "Condition")
        for p in brief.pledges:
            table.add_row(escape(p.actor), escape(p.commitment), escape(p.condition or ""))
        parts += [Text("Pledges", style="bold cyan"), table]
    if brief.positions:
        table = _table("Actor", "Stance", "Position")
        for pos in brief.positions:
            table.add_row(escape(pos.actor), pos.stance, escape(pos.statement))
        parts += [Text("Positions", style="bold cyan"), table]
    if brief.quoted_experts:
        table = _table("Expert", "Role / affiliation", "Quotes")
        for e in brief.quoted_experts:
            who = ", ".join(x for x in (e.role, e.affiliation) if x)
            quotes = "\n".join((f"“{q.text}”" if q.kind == "direct" else q.text) for q in e.quotes)
            table.add_row(escape(e.name), escape(who), escape(quotes))
        parts += [Text("Quoted experts", style="bold cyan"), table]
    ungrounded = result.meta["grounding"]["ungrounded"]
    if ungrounded:
        parts.append(
            Text(
                f"{len(ungrounded)} excerpt(s) not found verbatim in the article: "
                + ", ".join(u["path"] for u in ungrounded),
                style="yellow",
            )
        )
    return Panel(
        Group(*parts),
        title=escape(result.clean.title or result.article.id),
        subtitle=escape(_footer(result)),
        expand=True,
    )
