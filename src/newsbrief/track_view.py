"""The tracker's views: a rich tree for the terminal and one self-contained HTML page.

The page has a timeline per actor (a dot per mention, placed by date; a changed mention is
orange, a reversal red), each thread expandable to its mentions with the evidence, links to the
article's brief page when ``<id>.html`` sits beside the results file, and filters by actor, text
and date. Everything taken from articles is HTML-escaped; the page loads nothing from the
network.
"""

from __future__ import annotations

import datetime
from html import escape
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.text import Text
from rich.tree import Tree


def _when(thread: dict[str, Any]) -> str:
    first, last = thread["first"], thread["last"]
    if first is None:
        return "undated"
    return first if first == last else f"{first} – {last}"


def _flags(thread: dict[str, Any]) -> str:
    flags = []
    if thread["changed"]:
        flags.append("changed")
    if thread["reversed"]:
        flags.append("reversed")
    return f" [{', '.join(flags)}]" if flags else ""


def track_rich(document: dict[str, Any], *, per_actor: int = 8) -> Group:
    """Per actor: its threads with first/last date, count and latest wording."""
    counts = document["counts"]
    head = Text(
        f"{counts['records']} records ({counts['failed']} failed, {counts['skipped']} skipped "
        f"as malformed), {counts['mentions']} pledges, {counts['actors']} actors, "
        f"{counts['threads']} threads",
        style="bold",
    )
    parts: list[Any] = [head]
    for actor in document["actors"]:
        also = [n for n in actor["names"] if n != actor["name"]]
        label = Text(actor["name"], style="bold cyan")
        if also:
            label.append(f"  (also: {'; '.join(also[:4])})", style="dim")
        tree = Tree(label)
        for thread in actor["threads"][:per_actor]:
            line = Text(f"{_when(thread)} · {thread['count']}×{_flags(thread)}  ", style="green")
            line.append(" ".join(thread["latest"].split()))
            tree.add(line)
        hidden = len(actor["threads"]) - per_actor
        if hidden > 0:
            tree.add(Text(f"… {hidden} more threads (--format json or html)", style="dim"))
        parts.append(tree)
    return Group(*parts)


# --- the page -----------------------------------------------------------------------------------

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:12px 20px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
header h1{font-size:20px;margin:0 0 4px}
.meta{color:#57606a;font-size:13px}
#filters{display:flex;gap:8px;flex-wrap:wrap;padding:10px 20px;border-bottom:1px solid #d0d7de}
#filters input,#filters select{font:inherit;padding:3px 6px}
section.actor{padding:8px 20px;border-bottom:1px solid #eaeef2}
section.actor h2{font-size:17px;margin:6px 0 2px;color:#0550ae}
.aka{color:#57606a;font-size:12px}
.timeline{position:relative;height:22px;margin:6px 0 8px;border-bottom:2px solid #d0d7de}
.dot{position:absolute;top:6px;width:9px;height:9px;border-radius:50%;background:#0969da;
 margin-left:-4px}
.dot.changed{background:#d4a72c}.dot.reversal{background:#cf222e}
.axis{display:flex;justify-content:space-between;color:#57606a;font-size:11px}
details.thread{margin:4px 0;border:1px solid #d0d7de;border-radius:6px;padding:4px 10px}
details.thread summary{cursor:pointer}
.when{color:#1a7f37;font-size:13px;margin-right:6px}
.flag{font-size:11px;text-transform:uppercase;border-radius:3px;padding:0 4px;margin-left:4px}
.flag.changed{background:#fff3b0}.flag.reversed{background:#ffd7d5}
ol.mentions{padding-left:20px;font-size:14px}
ol.mentions li{margin:6px 0}
.ev{display:block;color:#57606a;font-size:13px;font-style:italic}
.diff{display:flex;gap:12px;font-size:13px}
.diff div{flex:1;background:#f6f8fa;padding:4px 8px;border-radius:4px}
"""

_SCRIPT = """
(function () {
  var actor = document.getElementById('actor'), text = document.getElementById('text');
  var since = document.getElementById('since'), until = document.getElementById('until');
  function apply() {
    var a = actor.value, t = text.value.toLowerCase(), s = since.value, u = until.value;
    document.querySelectorAll('section.actor').forEach(function (sec) {
      var shown = 0;
      sec.querySelectorAll('details.thread').forEach(function (th) {
        var ok = (!a || sec.dataset.actor === a) &&
          (!t || th.textContent.toLowerCase().indexOf(t) >= 0) &&
          (!s || (th.dataset.last && th.dataset.last >= s)) &&
          (!u || (th.dataset.first && th.dataset.first <= u));
        th.style.display = ok ? '' : 'none';
        if (ok) { shown += 1; }
      });
      sec.style.display = shown ? '' : 'none';
    });
  }
  [actor, text, since, until].forEach(function (el) { el.addEventListener('input', apply); });
  actor.addEventListener('change', apply);
})();
"""


def _day(value: str | None) -> int | None:
    try:
        return datetime.date.fromisoformat(value).toordinal() if value else None
    except ValueError:
        return None


def _timeline(actor: dict[str, Any]) -> str:
    points = [
        (day, m)
        for t in actor["threads"]
        for m in t["mentions"]
        if (day := _day(m["date"])) is not None
    ]
    if not points:
        return "<p class='meta'>no dated mention: placed by order in the results</p>"
    low, high = min(d for d, _ in points), max(d for d, _ in points)
    dots = []
    for day, mention in points:
        left = 50.0 if high == low else 100.0 * (day - low) / (high - low)
        kind = "reversal" if mention["reversal"] else "changed" if mention["changed"] else ""
        title = escape(f"{mention['date']}: {mention['commitment']}", quote=True)
        dots.append(f"<span class='dot {kind}' style='left:{left:.2f}%' title='{title}'></span>")
    first = datetime.date.fromordinal(low).isoformat()
    last = datetime.date.fromordinal(high).isoformat()
    return (f"<div class='timeline'>{''.join(dots)}</div>"
            f"<div class='axis'><span>{first}</span><span>{last}</span></div>")  # fmt: skip


def _brief_link(mention: dict[str, Any], pages: set[str]) -> str:
    page = f"{mention['article']}.html"
    if page not in pages:
        return ""
    return f" <a href='{escape(page, quote=True)}'>brief</a>"


def _mention_item(mention: dict[str, Any], pages: set[str]) -> str:
    when = mention["date"] or f"#{mention['order']} in the results"
    flags = "".join(f"<span class='flag changed'>{escape(w)} changed</span>"
                    for w in mention["changed"])  # fmt: skip
    if mention["reversal"]:
        flags += "<span class='flag reversed'>reversal</span>"
    condition = f" <i>if</i> {escape(mention['condition'])}" if mention["condition"] else ""
    return (
        f"<li><span class='when'>{escape(when)}</span>{escape(mention['article'])}"
        f"{_brief_link(mention, pages)}{flags}<br>{escape(mention['commitment'])}{condition}"
        f"<span class='ev'>{escape(mention['evidence'])}</span></li>"
    )


def _thread_block(thread: dict[str, Any], pages: set[str]) -> str:
    flags = "".join(
        f"<span class='flag {k}'>{k}</span>" for k in ("changed", "reversed") if thread[k]
    )
    diffs = "".join(
        f"<div class='diff'><div>{escape(c['before'])}</div><div>{escape(c['after'])}"
        f" <span class='meta'>({escape(', '.join(c['what']))})</span></div></div>"
        for c in thread["changes"][-3:]
    )
    items = "".join(_mention_item(m, pages) for m in thread["mentions"])
    first, last = (
        escape(thread["first"] or "", quote=True),
        escape(thread["last"] or "", quote=True),
    )
    return (
        f"<details class='thread' data-first='{first}' data-last='{last}'><summary>"
        f"<span class='when'>{escape(_when(thread))} · {thread['count']}×</span>"
        f"{escape(thread['latest'])}{flags}</summary>{diffs}<ol class='mentions'>{items}</ol>"
        "</details>"
    )


def _actor_section(actor: dict[str, Any], pages: set[str]) -> str:
    names = escape("; ".join(f"{n} ({c})" for n, c in actor["names"].items()))
    threads = "".join(_thread_block(t, pages) for t in actor["threads"])
    return (
        f"<section class='actor' data-actor='{escape(actor['name'], quote=True)}'>"
        f"<h2>{escape(actor['name'])}</h2><div class='aka'>named as: {names}</div>"
        f"{_timeline(actor)}{threads}</section>"
    )


def brief_pages(results: list[str]) -> set[str]:
    """The ``<id>.html`` brief pages that sit beside the results files."""
    found: set[str] = set()
    for given in results:
        folder = Path(given).parent
        if folder.is_dir():
            found.update(p.name for p in folder.glob("*.html"))
    return found


def track_page(document: dict[str, Any], pages: set[str] | None = None) -> str:
    """One self-contained page over the tracker's document (``track --format json``)."""
    pages = pages or set()
    counts = document["counts"]
    options = "".join(
        f"<option value='{escape(a['name'], quote=True)}'>{escape(a['name'])}</option>"
        for a in document["actors"]
    )
    sections = "".join(_actor_section(a, pages) for a in document["actors"])
    meta = (
        f"{counts['records']} records · {counts['failed']} failed · {counts['skipped']} skipped "
        f"· {counts['mentions']} pledges · {counts['actors']} actors · {counts['threads']} "
        f"threads · similarity {escape(document['similarity']['method'])}"
    )
    files = escape(", ".join(Path(r).name for r in document["results"]))
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Pledge tracker</title>"
        f"<style>{_STYLE}</style></head><body><header><h1>Who promised what: {files}</h1>"
        f"<div class='meta'>{meta}</div></header><div id='filters'>"
        f"<select id='actor'><option value=''>every actor</option>{options}</select>"
        "<input id='text' type='search' placeholder='text in a thread'>"
        "<label class='meta'>from <input id='since' type='date'></label>"
        "<label class='meta'>to <input id='until' type='date'></label></div>"
        f"<main>{sections}</main><script>{_SCRIPT}</script></body></html>\n"
    )
