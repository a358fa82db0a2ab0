"""Render a result (the ``summarize --format json`` object) as JSON, Markdown or a rich view.

Every renderer takes the plain dict of :meth:`~newsbrief.api.BriefResult.to_dict`, so a brief
served from the cache by the fast path and a fresh one print the same way. rich is imported only
for the terminal view.
"""

from __future__ import annotations

import errno
import functools
import json
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .brief import fields
from .outside import printable

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

FORMATS = ("pretty", "json", "markdown")


def to_json(result: dict[str, Any]) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False)


def title_of(result: dict[str, Any]) -> str:
    """The article's title (else its id), safe to print."""
    article = result["article"]
    return printable(str(article.get("title") or article["id"]))


def _age(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def footer(result: dict[str, Any]) -> str:
    meta = result["meta"]
    usage = meta["usage"]
    grounding = meta["grounding"]
    cached = ""
    if meta.get("cached"):
        age = (meta.get("cache") or {}).get("age_s")
        cached = " · cached" + (f", made {_age(age)} ago" if age is not None else "")
    strategy = f" ({meta['strategy']})" if meta.get("strategy") else ""
    return (
        f"{meta['model']} · {meta['prompt']}{strategy} · {meta['latency_ms'] / 1000:.1f} s · "
        f"{usage['prompt_tokens']}+{usage['completion_tokens']} tokens · "
        f"{meta['attempts']} calls · grounded {grounding['grounded']}/{grounding['checked']}"
        f"{cached}"
    )


# Characters that make Markdown syntax inline (emphasis, code, links, images, strikethrough).
_MD_INLINE = re.compile(r"([\\`*_\[\]~])")
# What makes a line a block (heading, list, table row, thematic break) when it starts one.
_MD_BLOCK_START = re.compile(r"^(\d*)([#+=|.)-])")


def md(value: object) -> str:
    """Text from the article or the model, inert in Markdown: one line, the HTML-significant
    ``& < >`` as entities (no tag, script or autolink survives) and the characters of inline
    syntax backslash-escaped (no link or image), so a Markdown renderer shows exactly the
    characters the article wrote."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_BLOCK_START.sub(r"\1\\\2", _MD_INLINE.sub(r"\\\1", text))


def expert_role(expert: dict[str, Any]) -> str:
    """An expert's role and affiliation, as one phrase."""
    return ", ".join(x for x in (expert.get("role"), expert.get("affiliation")) if x)


def quote_text(quote: dict[str, Any]) -> str:
    """A quote as shown: a direct one in quotation marks, a paraphrase as it is."""
    return f"“{quote['text']}”" if quote["kind"] == "direct" else str(quote["text"])


def to_markdown(result: dict[str, Any]) -> str:
    """``result`` as Markdown. Every text that comes from the article or the model goes through
    :func:`md`: rendered, the Markdown runs no HTML and links nowhere."""
    brief = result["brief"]
    summary = md(brief["summary"]) if brief["summary"] else "_(none)_"
    out = [f"# {md(title_of(result))}", "", "## Summary", "", summary]
    for field, items in _list_parts(brief):  # a section per list field (brief.fields names it)
        layout = _MARKDOWN.get(field, _md_plain)
        lines = [line for item in items for line in layout(item)]
        out += ["", f"## {fields.title(field)}", "", *(lines or ["_(none)_"])]
    dropped = dropped_items(result)
    if dropped:
        out += ["", f"## Dropped by grounding ({len(dropped)})", ""]
        out += [f"- {md(dropped_line(d))}" for d in dropped]
    out += ["", "---", f"*{md(footer(result))}*", ""]
    return "\n".join(out)


def _list_parts(brief: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The brief's list fields with their items, in order (see :mod:`newsbrief.brief.fields`)."""
    return [(f, [x for x in brief[f] if isinstance(x, dict)]) for f in fields.list_fields(brief)]


def _md_pledge(p: dict[str, Any]) -> list[str]:
    return [
        f"- **{md(p['actor'])}**: {md(p['commitment'])}"
        + (f" (if {md(p['condition'])})" if p.get("condition") else "")
        + f"\n  > {md(p['evidence'])}"
    ]


def _md_position(p: dict[str, Any]) -> list[str]:
    return [
        f"- **{md(p['actor'])}** {md(p['stance'])} *{md(p['topic'])}*: {md(p['statement'])}"
        f"\n  > {md(p['evidence'])}"
    ]


def _md_expert(expert: dict[str, Any]) -> list[str]:
    who = md(expert_role(expert))
    return [
        f"- **{md(expert['name'])}**" + (f" ({who})" if who else ""),
        *(f"  - {md(quote_text(q))} ({md(q['kind'])})" for q in expert["quotes"]),
    ]


def _md_plain(item: dict[str, Any]) -> list[str]:
    """An item of a list field without a layout of its own: one plain line."""
    return [f"- {md(fields.plain_line(item))}"]


# The Markdown layout of each list field's items (a field not here gets _md_plain).
_MARKDOWN: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "pledges": _md_pledge,
    "positions": _md_position,
    "quoted_experts": _md_expert,
}


def removed_line(cleaned: Any) -> str:
    """What cleaning removed, in one line: how much, and how many of each kind."""
    kinds: dict[str, int] = {}
    for removal in cleaned.removed:
        kinds[removal.kind] = kinds.get(removal.kind, 0) + 1
    chars = sum(len(r.text) for r in cleaned.removed)
    listed = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    return (
        f"removed {len(cleaned.removed)} pieces, {chars:,} characters"
        + (f": {listed}" if listed else "")
        + f"; kept {len(cleaned.text):,} characters"
    )


def dropped_items(result: dict[str, Any]) -> list[dict[str, str]]:
    """What grounding removed from the brief (older results have no ``dropped``)."""
    return list(result["meta"]["grounding"].get("dropped") or [])


def dropped_line(item: dict[str, str]) -> str:
    """One item grounding removed, with its part and why."""
    part = item.get("part") or item.get("path") or "item"
    return f"{part}: “{item['text']}” ({item.get('reason') or 'not in the article'})"


def _evidence(text: str) -> Text:
    from rich.text import Text

    return Text.assemble(("evidence: ", "dim"), (f"“{text}”", "italic"))


def _rich_pledge(p: dict[str, Any]) -> tuple[Text, list[Text]]:
    from rich.text import Text

    return (Text.assemble((p["actor"], "bold"), ": ", p["commitment"],
                          (f" (if {p['condition']})" if p.get("condition") else "")),
            [_evidence(p["evidence"])])  # fmt: skip


def _rich_position(p: dict[str, Any]) -> tuple[Text, list[Text]]:
    from rich.text import Text

    return (Text.assemble((p["actor"], "bold"), ": ", p["statement"]),
            [Text.assemble((p["stance"], "magenta"), " · ", p["topic"]),
             _evidence(p["evidence"])])  # fmt: skip


def _rich_expert(e: dict[str, Any]) -> tuple[Text, list[Text]]:
    from rich.text import Text

    return (Text.assemble((e["name"], "bold"), (f", {expert_role(e)}" if expert_role(e) else "")),
            [Text.assemble((f"{q['kind']}: ", "dim"), quote_text(q)) for q in e["quotes"]]
            or [Text("no quote kept", style="dim")])  # fmt: skip


def _rich_plain(item: dict[str, Any]) -> tuple[Text, list[Text]]:
    """An item of a list field without a layout of its own: one plain line."""
    from rich.text import Text

    return Text(fields.plain_line(item)), []


# The terminal layout of each list field's items (a field not here gets _rich_plain).
_RICH: dict[str, Callable[[dict[str, Any]], tuple[Text, list[Text]]]] = {
    "pledges": _rich_pledge,
    "positions": _rich_position,
    "quoted_experts": _rich_expert,
}


def _numbered(rows: list[tuple[Text, list[Text]]]) -> RenderableType:
    """A numbered list whose items and their evidence lines wrap under their own text (a
    hanging indent), so nothing is cut at any width."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1), expand=False)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for index, (head, details) in enumerate(rows, 1):
        body = head.copy()
        for line in details:
            body.append("\n")
            body.append_text(line)
        grid.add_row(f"{index}.", body)
    return grid


def to_rich(result: dict[str, Any]) -> RenderableType:
    """The terminal view: every item with the evidence it rests on, each quote's kind, what
    grounding dropped, and the meta footer; it wraps (never cuts) at any width, 80 included."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.text import Text

    brief = result["brief"]
    source = printable(result["article"].get("source") or "")
    parts: list[RenderableType] = [Text(title_of(result), style="bold")]
    if source and source != title_of(result):
        parts.append(Text(source, style="dim", overflow="fold"))
    parts += [Text(""), Text(brief["summary"] or "(no summary)")]

    def section(name: str, rows: list[tuple[Text, list[Text]]]) -> None:
        parts.append(Text(""))
        parts.append(Text(f"{name} ({len(rows)})", style="bold cyan"))
        parts.append(_numbered(rows) if rows else Text("none found", style="dim"))

    for field, items in _list_parts(brief):  # a section per list field (brief.fields names it)
        layout = _RICH.get(field, _rich_plain)
        section(fields.title(field), [layout(item) for item in items])
    dropped = dropped_items(result)
    if dropped:
        parts += [Text(""), Text(f"Grounding dropped {len(dropped)} item(s), with why:",
                                 style="yellow")]  # fmt: skip
        parts += [Text(f"  - {dropped_line(d)}", style="yellow") for d in dropped]
    ungrounded = result["meta"]["grounding"]["ungrounded"]
    if ungrounded:
        parts.append(
            Text(
                f"{len(ungrounded)} excerpt(s) kept but not found verbatim in the article: "
                + ", ".join(u["path"] for u in ungrounded),
                style="yellow",
            )
        )
    parts += [Rule(style="dim"), Text(footer(result), style="dim")]
    return Group(*parts)


@functools.cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            # rich's own handling exits with 1, which a batch uses for "stopped by the circuit
            # breaker": the entry point decides what a closed pipe ends with instead.
            self.quiet = True
            raise BrokenPipeError(errno.EPIPE, "the reader of the output went away")

    return PipeConsole


def console(**options: Any) -> Console:
    """A rich console (``Console(**options)``) whose closed pipe raises BrokenPipeError, for the
    entry point to handle like any other write (:func:`newsbrief.errors.closed_pipe`)."""
    return _console_class()(**options)


def to_text(result: dict[str, Any], output: str, width: int = 80) -> str:
    """``result`` in ``output`` format as a string (the pretty view uncoloured, ``width`` wide),
    for ``--output FILE``."""
    if output == "json":
        return to_json(result) + "\n"
    if output == "markdown":
        return to_markdown(result) + "\n"
    import io

    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, soft_wrap=False).print(to_rich(result))
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


def emit(result: dict[str, Any], output: str) -> None:
    """Print ``result`` to stdout in ``output`` format (one of :data:`FORMATS`)."""
    if output == "json":
        sys.stdout.write(to_json(result) + "\n")
    elif output == "markdown":
        sys.stdout.write(to_markdown(result) + "\n")
    else:
        console(soft_wrap=False).print(to_rich(result))
    sys.stdout.flush()


# --- attributions ---------------------------------------------------------------------------------

_KIND_MARK = {"direct": "“”", "indirect": "~", "mixed": "“~"}


def _content_text(attribution: dict[str, Any]) -> str:
    content = attribution["content"]
    pieces = content if isinstance(content, list) else [content]
    return " … ".join(" ".join(str(p["text"]).split()) for p in pieces)


def attributions_rich(document: dict[str, Any]) -> RenderableType:
    """``newsbrief attributions`` in a terminal: who (the speaker, with the article's own words
    for the source when they differ), the cue, what, and its kind; a report inside another's
    quotation indented under it."""
    from rich.console import Group
    from rich.text import Text

    found = document["attributions"]
    if not found:
        return Text("no attributions found (no one is reported saying, promising or believing "
                    "anything)", style="dim")  # fmt: skip
    rows: list[tuple[Text, list[Text]]] = []
    for item in found:
        source = item["source"]["text"] if item["source"] else None
        speaker = item["speaker"] or "(no source)"
        head = Text()
        if item.get("within") is not None or item.get("quoted"):
            head.append("↳ ", style="dim")
        head.append(" ".join(speaker.split()), style="bold")
        if source and " ".join(source.split()) != speaker:
            head.append(f" ({' '.join(source.split())})", style="dim")
        head.append(" ")
        head.append(" ".join(item["cue"]["text"].split()), style="cyan")
        head.append(f"  [{item['kind']}, {item.get('cue_class', 'say')}]", style="dim")
        rows.append((head, [Text(_content_text(item))]))
    summary = Text(f"{len(found)} attributions", style="dim")
    return Group(_numbered(rows), summary)
