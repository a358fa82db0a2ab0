"""Render a result (the ``summarize --format json`` object) as JSON, Markdown or a rich view.

Every renderer takes the plain dict of :meth:`~newsbrief.api.BriefResult.to_dict`, so a brief
served from the cache by the fast path and a fresh one print the same way. rich is imported only
for the terminal view.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

FORMATS = ("pretty", "json", "markdown")


def to_json(result: dict[str, Any]) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False)


def _title(result: dict[str, Any]) -> str:
    article = result["article"]
    return str(article.get("title") or article["id"])


def _footer(result: dict[str, Any]) -> str:
    meta = result["meta"]
    usage = meta["usage"]
    grounding = meta["grounding"]
    cached = " · cached" if meta.get("cached") else ""
    strategy = f" ({meta['strategy']})" if meta.get("strategy") else ""
    return (
        f"{meta['model']} · {meta['prompt']}{strategy} · {meta['latency_ms'] / 1000:.1f} s · "
        f"{usage['prompt_tokens']}+{usage['completion_tokens']} tokens · "
        f"{meta['attempts']} calls · grounded {grounding['grounded']}/{grounding['checked']}"
        f"{cached}"
    )


def _who(expert: dict[str, Any]) -> str:
    return ", ".join(x for x in (expert.get("role"), expert.get("affiliation")) if x)


def _quote(quote: dict[str, Any]) -> str:
    return f"“{quote['text']}”" if quote["kind"] == "direct" else str(quote["text"])


def to_markdown(result: dict[str, Any]) -> str:
    brief = result["brief"]
    out = [f"# {_title(result)}", "", "## Summary", "", brief["summary"] or "_(none)_", ""]
    out += ["## Pledges", ""]
    out += [
        f"- **{p['actor']}**: {p['commitment']}"
        + (f" (if {p['condition']})" if p.get("condition") else "")
        + f"\n  > {p['evidence']}"
        for p in brief["pledges"]
    ] or ["_(none)_"]
    out += ["", "## Positions", ""]
    out += [
        f"- **{p['actor']}** {p['stance']} *{p['topic']}*: {p['statement']}\n  > {p['evidence']}"
        for p in brief["positions"]
    ] or ["_(none)_"]
    out += ["", "## Quoted experts", ""]
    for expert in brief["quoted_experts"]:
        who = _who(expert)
        out.append(f"- **{expert['name']}**" + (f" ({who})" if who else ""))
        out += [f"  - {_quote(q)}" for q in expert["quotes"]]
    if not brief["quoted_experts"]:
        out.append("_(none)_")
    out += ["", "---", f"*{_footer(result)}*", ""]
    return "\n".join(out)


def _table(*columns: str) -> Table:
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", expand=True, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def to_rich(result: dict[str, Any]) -> RenderableType:
    from rich.console import Group
    from rich.markup import escape
    from rich.panel import Panel
    from rich.text import Text

    brief = result["brief"]
    parts: list[RenderableType] = [Text(brief["summary"] or "(no summary)"), Text("")]
    if brief["pledges"]:
        table = _table("Actor", "Pledge", "Condition")
        for p in brief["pledges"]:
            table.add_row(escape(p["actor"]), escape(p["commitment"]), escape(p["condition"] or ""))
        parts += [Text("Pledges", style="bold cyan"), table]
    if brief["positions"]:
        table = _table("Actor", "Stance", "Position")
        for pos in brief["positions"]:
            table.add_row(escape(pos["actor"]), pos["stance"], escape(pos["statement"]))
        parts += [Text("Positions", style="bold cyan"), table]
    if brief["quoted_experts"]:
        table = _table("Expert", "Role / affiliation", "Quotes")
        for e in brief["quoted_experts"]:
            quotes = "\n".join(_quote(q) for q in e["quotes"])
            table.add_row(escape(e["name"]), escape(_who(e)), escape(quotes))
        parts += [Text("Quoted experts", style="bold cyan"), table]
    ungrounded = result["meta"]["grounding"]["ungrounded"]
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
        title=escape(_title(result)),
        subtitle=escape(_footer(result)),
        expand=True,
    )


def emit(result: dict[str, Any], output: str) -> None:
    """Print ``result`` to stdout in ``output`` format (one of :data:`FORMATS`)."""
    if output == "json":
        sys.stdout.write(to_json(result) + "\n")
    elif output == "markdown":
        sys.stdout.write(to_markdown(result) + "\n")
    else:
        from rich.console import Console

        Console(soft_wrap=False).print(to_rich(result))
    sys.stdout.flush()
