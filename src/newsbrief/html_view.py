"""Self-contained HTML pages: one brief beside its cleaned article, and a browsable batch.

The brief page (``summarize --format html``) puts the brief on the left and the cleaned article
on the right. Every pledge's and position's evidence and every direct quote is highlighted in
the article and linked both ways (item to text, text back to item); what the cleaner removed can
be opened below the article; the meta (model, prompt, strategy, tokens, time, grounding) heads
the page. The batch page (``newsbrief view results.jsonl``) lists every record with filters by
status, field, actor and free text. Both are one file: inline CSS and a few lines of script, no
network.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from html import escape
from typing import Any

from .brief import fields
from .brief.grounding import locate
from .brief.schemas import LIST_FIELDS, excerpt_anchor, verbatim_excerpts
from .render import dropped_items, dropped_line, expert_role, footer, quote_text, title_of

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:12px 20px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
header h1{font-size:20px;margin:0 0 4px}
.meta{color:#57606a;font-size:13px}
main{display:flex;gap:24px;padding:16px 20px}
#brief,#article{flex:1;min-width:0}
#article{border-left:1px solid #d0d7de;padding-left:24px}
h2{font-size:16px;margin:18px 0 6px;color:#0550ae}
ol{padding-left:22px;margin:0}
li{margin:0 0 10px}
.ev{display:block;color:#57606a;font-size:13px;font-style:italic;text-decoration:none}
.ev:hover{text-decoration:underline}
mark{background:#fff3b0;padding:0 1px;border-radius:2px}
mark.active,li.active{outline:2px solid #d4a72c;background:#ffe58a}
.kind{font-size:11px;text-transform:uppercase;color:#57606a;margin-right:4px}
.dropped{color:#9a6700}
mark.cue{background:#cfe3ff}mark.src{background:#d8f5d0}
li.attr{font-size:13px}
.back{font-size:11px;text-decoration:none;margin-left:2px}
details{margin-top:16px}
.removed li{color:#57606a;font-size:13px}
.card{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;margin:0 0 12px}
.card.failed{border-color:#cf222e}
.card h3{font-size:15px;margin:0 0 4px}
.error{color:#cf222e}
#filters{display:flex;gap:8px;flex-wrap:wrap;padding:12px 20px;border-bottom:1px solid #d0d7de}
#filters input,#filters select{font:inherit;padding:3px 6px}
#list{padding:16px 20px}
"""

_BRIEF_SCRIPT = """
document.querySelectorAll('a[href^="#"]').forEach(function (link) {
  link.addEventListener('click', function () {
    document.querySelectorAll('.active').forEach(function (e) { e.classList.remove('active'); });
    var target = document.getElementById(link.getAttribute('href').slice(1));
    if (target) { target.classList.add('active'); }
  });
});
"""


def _owner(item: str) -> str:
    """The element a highlighted excerpt links back to: a quote's expert, else the item."""
    return f"expert-{item.split('-')[1]}" if item.startswith("quote-") else item


def _marked_article(
    text: str, excerpts: list[tuple[str, str]], known: dict[str, tuple[int, int]] | None = None
) -> tuple[str, dict[str, str]]:
    """The article as HTML paragraphs with each excerpt in a <mark> that links back to its item,
    placed by the offsets grounding found (``known``: item id -> span), else located again;
    returns the HTML and item id -> mark id (items whose excerpt is not found have none)."""
    spans: list[tuple[int, int, str]] = []
    marks: dict[str, str] = {}
    for item, excerpt in excerpts:
        located = (known or {}).get(item)
        if located is None:
            found = locate(excerpt, text)
            located = (found[0], found[1]) if found else None
        where = located
        if where is None:
            continue
        same = next((m for s, e, m in spans if (s, e) == where), None)
        if same is not None:
            marks[item] = same
            continue
        if any(s < where[1] and where[0] < e for s, e, _ in spans):
            overlapping = next(m for s, e, m in spans if s < where[1] and where[0] < e)
            marks[item] = overlapping  # overlapping sentences share the first one's mark
            continue
        mark = f"ev-{item}"
        spans.append((where[0], where[1], mark))
        marks[item] = mark
    back = {m: _owner(item) for item, m in reversed(list(marks.items()))}
    out: list[str] = []
    cursor = 0
    for start, end, mark in sorted(spans):
        out.append(escape(text[cursor:start]))
        out.append(f'<mark id="{mark}">{escape(text[start:end])}</mark>'
                   f'<a class="back" href="#{back[mark]}" title="to the brief">↩</a>')  # fmt: skip
        cursor = end
    out.append(escape(text[cursor:]))
    html = "".join(out)
    paragraphs = [p for p in html.split("\n\n") if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs), marks


def _evidence_link(item: str, text: str, marks: dict[str, str], label: str = "evidence") -> str:
    body = f"{escape(label)}: “{escape(text)}”"
    if item in marks:
        return f'<a class="ev" href="#{marks[item]}">{body}</a>'
    return f'<span class="ev">{body} (not found in the article)</span>'


def _known_spans(result: dict[str, Any], text: str) -> dict[str, tuple[int, int]]:
    """Item id -> (start, end) from the offsets grounding recorded in the result's meta."""
    known: dict[str, tuple[int, int]] = {}
    for span in (result.get("meta", {}).get("grounding") or {}).get("spans") or []:
        start, end = int(span["start"]), int(span["end"])
        if not 0 <= start < end <= len(text):
            continue
        item = excerpt_anchor(str(span["path"]))
        if item is not None:
            known[item] = (start, end)
    return known


def _marked(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` escaped, with each (start, end, class) span in a <mark> of that class."""
    out, cursor = [], 0
    for start, end, css in sorted(spans):
        if start < cursor:
            continue
        out.append(escape(text[cursor:start]))
        out.append(f'<mark class="{css}">{escape(text[start:end])}</mark>')
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def who_said_what(text: str, document: dict[str, Any]) -> str:
    """The "who said what" list: each attribution that no other one contains, in the article's
    words from its first to its last span, with its source and cue marked, and the speaker it
    was resolved to."""
    items = []
    for item in document.get("attributions", []):
        if item.get("within") is not None or item.get("quoted"):
            continue
        content = item["content"] if isinstance(item["content"], list) else [item["content"]]
        parts = [item["cue"], *content, *([item["source"]] if item["source"] else [])]
        start = min(int(p["start"]) for p in parts)
        end = max(int(p["end"]) for p in parts)
        marks = [(int(item["cue"]["start"]) - start, int(item["cue"]["end"]) - start, "cue")]
        if item["source"]:
            source = item["source"]
            marks.append((int(source["start"]) - start, int(source["end"]) - start, "src"))
        speaker = escape(item["speaker"] or "(no source)")
        items.append(
            f'<li class="attr" data-start="{start}" data-end="{end}"><b>{speaker}</b> '
            f'<span class="kind">{escape(item["kind"])} · {escape(item.get("cue_class", ""))}'
            f"</span><br>{_marked(text[start:end], marks)}</li>"
        )
    body = "".join(items) or "<li><i>no attributions found</i></li>"
    return (
        f'<details id="attributions"><summary>Who said what ({len(items)})</summary>'
        f"<ol>{body}</ol></details>"
    )


def _section(name: str, items: list[str]) -> str:
    """A titled, numbered list of a brief's items (or "none found")."""
    body = "".join(items) or "<p><i>none found</i></p>"
    return f"<h2>{escape(name)} ({len(items)})</h2><ol>{body}</ol>" if items else (
        f"<h2>{escape(name)} (0)</h2>{body}")  # fmt: skip


def _list_sections(brief: dict[str, Any], marks: dict[str, str]) -> str:
    """A section per list field of the brief (named by :mod:`newsbrief.brief.fields`), each
    item linked to its marked evidence; a field without a layout of its own in ``_ITEMS`` is
    shown in one plain line."""
    sections = []
    for field in fields.list_fields(brief):
        item = _ITEMS.get(field, partial(_plain_item, field))
        rows = [item(i, x, marks) for i, x in enumerate(brief[field]) if isinstance(x, dict)]
        sections.append(_section(fields.title(field), rows))
    return "".join(sections)


def _plain_item(field: str, i: int, item: dict[str, Any], marks: dict[str, str]) -> str:
    anchor = f"{fields.anchor(field)}-{i}"
    return f'<li id="{anchor}">{escape(fields.plain_line(item))}</li>'


def _pledge_item(i: int, p: dict[str, Any], marks: dict[str, str]) -> str:
    return (
        f'<li id="pledge-{i}"><b>{escape(p["actor"])}</b>: {escape(p["commitment"])}'
        + (f" (if {escape(p['condition'])})" if p.get("condition") else "")
        + _evidence_link(f"pledge-{i}", p["evidence"], marks)
        + "</li>"
    )


def _position_item(i: int, p: dict[str, Any], marks: dict[str, str]) -> str:
    return (
        f'<li id="position-{i}"><b>{escape(p["actor"])}</b>: {escape(p["statement"])} '
        f'<span class="kind">{escape(p["stance"])} · {escape(p["topic"])}</span>'
        + _evidence_link(f"position-{i}", p["evidence"], marks)
        + "</li>"
    )


def _expert_item(i: int, expert: dict[str, Any], marks: dict[str, str]) -> str:
    quotes = "".join(
        _evidence_link(f"quote-{i}-{j}", q["text"], marks, "direct")
        if q["kind"] == "direct"
        else f'<span class="ev"><span class="kind">indirect</span>{escape(quote_text(q))}</span>'
        for j, q in enumerate(expert["quotes"])
    )
    who = expert_role(expert)
    return (f'<li id="expert-{i}"><b>{escape(expert["name"])}</b>'
            f"{escape(', ' + who) if who else ''}{quotes}</li>")  # fmt: skip


# The brief page's layout of each list field's items (a field not here gets _plain_item).
_ITEMS: dict[str, Callable[[int, dict[str, Any], dict[str, str]], str]] = {
    "pledges": _pledge_item,
    "positions": _position_item,
    "quoted_experts": _expert_item,
}
# The batch page's one line of each list field's items (a field not here: fields.plain_line).
_CARD_LINES: dict[str, Callable[[dict[str, Any]], str]] = {
    "pledges": lambda p: f"{p['actor']}: {p['commitment']}",
    "positions": lambda p: f"{p['actor']} ({p['stance']}): {p['statement']}",
    "quoted_experts": lambda e: e["name"] + (f", {expert_role(e)}" if expert_role(e) else ""),
}


def _dropped_html(result: dict[str, Any]) -> str:
    """What grounding dropped, when it dropped anything."""
    dropped = dropped_items(result)
    return (
        f'<h2 class="dropped">Dropped by grounding ({len(dropped)})</h2><ul class="dropped">'
        + "".join(f"<li>{escape(dropped_line(d))}</li>" for d in dropped) + "</ul>"
        if dropped else ""
    )  # fmt: skip


def _removed_html(cleaned: dict[str, Any]) -> str:
    """What the cleaner removed, folded."""
    removed = cleaned.get("removed") or []
    return (
        f'<details id="removed"><summary>What the cleaner removed ({len(removed)})</summary>'
        '<ul class="removed">'
        + "".join(f"<li><span class='kind'>{escape(_removal_kind(r))}</span>"
                  f"{escape(r['text'])}</li>" for r in removed)
        + "</ul></details>"
    )  # fmt: skip


def _header(result: dict[str, Any]) -> str:
    """The article's title, source, site, author and date, and the brief's footer line."""
    article = result["article"]
    about = " · ".join(
        escape(str(article[k])) for k in ("site", "author", "date") if article.get(k)
    )
    return (
        f"<header><h1>{escape(title_of(result))}</h1><div class='meta' id='meta'>"
        f"{escape(article.get('source', ''))}"
        f"{' · ' + about if about else ''}<br>{escape(footer(result))}</div></header>"
    )


def brief_page(
    result: dict[str, Any], cleaned: dict[str, Any], attributions: dict[str, Any] | None = None
) -> str:
    """One self-contained page: the brief beside the cleaned article (``cleaned``: the
    :meth:`~newsbrief.clean.CleanArticle.to_dict` of the text the brief was made from), with the
    article's attributions (``newsbrief attributions --format json``) as "who said what" when
    given."""
    brief = result["brief"]
    excerpts = [(item, text) for path, text in verbatim_excerpts(brief)
                if (item := excerpt_anchor(path)) is not None]  # fmt: skip
    article_html, marks = _marked_article(
        cleaned["text"], excerpts, _known_spans(result, cleaned["text"])
    )
    who_html = who_said_what(cleaned["text"], attributions) if attributions is not None else ""
    title = escape(title_of(result))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width'><title>{title}</title>"
        f"<style>{_STYLE}</style></head><body>{_header(result)}"
        "<main><section id='brief'>"
        f"<h2>Summary</h2><p id='summary'>{escape(brief['summary'] or '(no summary)')}</p>"
        f"{_list_sections(brief, marks)}{_dropped_html(result)}{who_html}</section>"
        f"<section id='article'><h2>The article as the model saw it</h2>{article_html}"
        f"{_removed_html(cleaned)}</section></main>"
        f"<script>{_BRIEF_SCRIPT}</script></body></html>\n"
    )


_BATCH_SCRIPT = """
var cards = Array.from(document.querySelectorAll('.card'));
var inputs = ['q', 'actor', 'field', 'status'].map(function (id) {
  return document.getElementById(id);
});
function apply() {
  var q = inputs[0].value.toLowerCase(), actor = inputs[1].value.toLowerCase();
  var field = inputs[2].value, status = inputs[3].value, shown = 0;
  cards.forEach(function (card) {
    var ok = (!status || card.dataset.status === status)
      && (!q || card.textContent.toLowerCase().indexOf(q) >= 0)
      && (!actor || card.dataset.actors.indexOf(actor) >= 0)
      && (!field || Number(card.dataset[field] || 0) > 0);
    card.hidden = !ok;
    shown += ok ? 1 : 0;
  });
  document.getElementById('shown').textContent = shown + ' of ' + cards.length + ' shown';
}
inputs.forEach(function (input) {
  input.addEventListener('input', apply);
  input.addEventListener('change', apply);
});
apply();
"""


def _card(record: dict[str, Any]) -> str:
    article = record.get("article") or {}
    title = escape(str(article.get("title") or record.get("id")))
    rid = escape(str(record.get("id")))
    if record.get("status") != "ok":
        error = record.get("error") or {}
        return (f"<article class='card failed' data-status='failed' data-actors=''>"
                f"<h3>{title} <small>({rid})</small></h3><p class='error'>failed "
                f"({escape(str(error.get('kind')))}): {escape(str(error.get('message')))}</p>"
                "</article>")  # fmt: skip
    brief = record["brief"]
    parts = [(f, [x for x in brief[f] if isinstance(x, dict)]) for f in fields.list_fields(brief)]
    # who each item names, once each, in the order they come (a set's order changed per run)
    actors = dict.fromkeys(fields.who(x).lower() for _, items in parts for x in items)
    actors.pop("", None)
    data = " ".join(f"data-{fields.short(f)}='{len(items)}'" for f, items in parts)
    lists = "".join(
        f"<b>{fields.title(f)}</b><ul>"
        + "".join(f"<li>{escape(_CARD_LINES.get(f, fields.plain_line)(x))}</li>" for x in items)
        + "</ul>"
        for f, items in parts
        if items
    )  # fmt: skip
    return (f"<article class='card' data-status='ok' data-actors='{escape('|'.join(actors))}' "
            f"{data}><h3>{title} <small>({rid})</small></h3>"
            f"<p>{escape(brief['summary'] or '')}</p>{lists}</article>")  # fmt: skip


def batch_page(records: list[dict[str, Any]], name: str) -> str:
    """One self-contained page over a batch's records, with filters."""
    failed = sum(1 for r in records if r.get("status") != "ok")
    cards = "".join(_card(r) for r in records)
    summary = f"{len(records)} articles, {len(records) - failed} ok, {failed} failed"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>newsbrief: {escape(name)}</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>{escape(name)}</h1><div class='meta'>{summary} · "
        "<span id='shown'></span></div></header>"
        "<div id='filters'><input id='q' type='search' placeholder='search the text'>"
        "<input id='actor' placeholder='actor or expert'>"
        "<select id='field'><option value=''>any field</option>"
        + "".join(
            f"<option value='{fields.short(f)}'>has {fields.short(f)}</option>" for f in LIST_FIELDS
        )
        + "</select>"
        "<select id='status'><option value=''>ok and failed</option><option value='ok'>ok"
        "</option><option value='failed'>failed</option></select></div>"
        f"<div id='list'>{cards}</div><script>{_BATCH_SCRIPT}</script></body></html>\n"
    )


def read_results(path: str) -> list[dict[str, Any]]:
    """The records of a batch's results file (.jsonl, or .sqlite's results table)."""
    from pathlib import Path

    from .errors import InputError

    file = Path(path)
    if not file.is_file():
        raise InputError(f"{path}: no such results file", "pass the --out of a batch run")
    if file.suffix.lower() in (".sqlite", ".sqlite3", ".db"):
        import sqlite3

        with sqlite3.connect(file) as db:
            try:
                rows = db.execute("SELECT record FROM results ORDER BY rowid").fetchall()
            except sqlite3.Error as exc:
                raise InputError(
                    f"{path} has no batch results ({exc})", "pass a batch --out"
                ) from exc
        return [json.loads(row[0]) for row in rows]
    records = []
    with file.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except ValueError as exc:
                    raise InputError(f"line {number} of {path} is not JSON ({exc})",
                                     "pass the --out of a batch run") from exc  # fmt: skip
    return records


def _removal_kind(removal: dict[str, str]) -> str:
    """The pass that removed it, and the kind of text it was when the pass says."""
    reason = removal.get("reason")
    return f"{removal['kind']} · {reason}" if reason else removal["kind"]
