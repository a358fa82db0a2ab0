"""Benchmark: where the blocks trafilatura leaves out of a real page sit, and how many of their
words the page's hand-made ground truth keeps, per position: the evidence behind the rules of
:func:`newsbrief.clean.extend_extraction` that read such blocks back.

    python bench/clean_real_blocks.py --data /work/external/scrapinghub [--show]
    python bench/clean_real_blocks.py --tiny   # three built-in pages: checks the bench

(the ScrapingHub article-extraction benchmark, extracted as bench/clean_real.py says). For each
page, trafilatura's paragraphs are matched to the page's blocks as the cleaner matches them;
the blocks left out are then counted in these positions (prose: a sentence that is not chrome):

- lede: prose between a kept headline and the next kept paragraph, inside the element holding
  the headline (what the cleaner reads back);
- after standfirst: the same position when the paragraph kept before is prose, not a headline;
- headline apart: prose before the first kept paragraph in another element, where the element
  holding the kept headline does not reach the body (or no headline was kept): deks, abstracts;
- gap: any block between two kept paragraphs of one element that is no chrome line and not
  quoted (short lines such as a deals page's "Get it on ... for $..." sit there), and, of
  those, the lines whose first word starts at least three such lines of the page (a repeated
  line under each item).

It then counts, the same way, what the cleaner itself removes from the text (its chrome and
footer removals, by reason): the rules the ground truth disagrees with by design show there.

A block counts as kept by the ground truth when its text is in the page's articleBody. It
checks that it saw the expected number of pages, each with ground truth, and trafilatura's
paragraphs found among the blocks of nearly every page, and exits 3 if not; without data it
exits 2.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import sys
from collections import Counter
from pathlib import Path

from _valid import Checks

from newsbrief.clean import (
    clean_article,
    is_chrome_line,
    is_headline,
    is_sentence,
    match_blocks,
    page_blocks,
    unmark,
)

EXPECTED_PAGES = 181
MIN_MATCHED_SHARE = 0.95  # of the pages, with trafilatura's paragraphs found in their blocks
REPEATED_LINES = 3  # lines starting with one word, for a "repeated line"
SHORT_WORDS = 20


def positions(html: str) -> tuple[list[tuple[str, str]], bool]:
    """(position, text) of the page's blocks trafilatura left out, in the positions above, and
    whether any paragraph trafilatura kept was found among the page's blocks."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, with_metadata=True
    )
    if document is None or isinstance(document, dict) or not document.text:
        return [], False
    kept = [b for b in (unmark(line) for line in str(document.text).split("\n")) if b]
    page = page_blocks(html)
    matched = match_blocks(kept, page)
    known = set(kept)
    found: list[tuple[str, str]] = []
    prose = [i for i in matched if i >= 0]
    first_body = next((i for i in prose if not is_headline(page[i].text)), -1)
    for a, b in itertools.pairwise(matched):  # paragraphs kept one after the other
        if a < 0 or b < 0:
            continue  # one of them not found on the page: nothing is read next to it
        head = page[a]
        between = [i for i in range(a + 1, b) if page[i].text not in known]
        if head.box and head.box != page[b].box and head.last >= b:
            where = "lede" if is_headline(head.text) else "after standfirst"
            found += [
                (where, page[i].text)
                for i in between
                if is_sentence(page[i].text) and not is_chrome_line(page[i].text)
            ]
        elif head.box and head.box == page[b].box:
            found += [
                ("gap", page[i].text)
                for i in between
                if page[i].box == head.box
                and not page[i].quoted
                and not is_chrome_line(page[i].text)
            ]
    if first_body >= 0:
        start = max([i for i in prose if i < first_body], default=-1)
        if start < 0 or page[start].last < first_body or not page[start].box:
            found += [
                ("headline apart", page[i].text)
                for i in range(start + 1, first_body)
                if page[i].box != page[first_body].box
                and not page[i].quoted
                and is_sentence(page[i].text)
                and not is_chrome_line(page[i].text)
            ]
    gaps = Counter(t.split()[0] for w, t in found if w == "gap" and len(t.split()) <= SHORT_WORDS)
    found += [
        ("gap, repeated line", t)
        for w, t in found
        if w == "gap" and len(t.split()) <= SHORT_WORDS and gaps[t.split()[0]] >= REPEATED_LINES
    ]
    return found, any(i >= 0 for i in matched)


_TINY_HEADLINE = "Council backs the new bridge over the river"
_TINY_LEDE = "The city will build its first new bridge in forty years, the council decided."
_TINY_BODY = [
    "The vote came on Tuesday after a debate that lasted six hours in the town hall.",
    "Construction is expected to start next spring and to last about three years.",
]


def tiny_pages() -> dict[str, tuple[str, str]]:
    """Three small built-in pages (id -> (html, article body)), each with a lede between its
    headline and its body: they check the bench runs, not the cleaner."""
    pages = {}
    for i in range(3):
        body = "".join(f"<p>{p}</p>" for p in _TINY_BODY)
        html = (f"<html><body><article class='story'><h1>{_TINY_HEADLINE}</h1>"
                f"<div class='summary'><p>{_TINY_LEDE}</p></div><div class='body'>{body}</div>"
                "</article><footer>© 2024 Example Media. All rights reserved.</footer>"
                "</body></html>")  # fmt: skip
        pages[f"tiny{i}"] = (html, " ".join([_TINY_LEDE, *_TINY_BODY]))
    return pages


def load_pages(data: Path) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """The pages (id -> (html, article body)) and the ids without ground truth."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages, missing = {}, []
    for path in sorted((data / "html").glob("*.html.gz")):
        page_id = path.name.split(".")[0]
        with gzip.open(path, "rt", encoding="utf8") as handle:
            html = handle.read()
        if page_id not in truth:
            missing.append(page_id)
        pages[page_id] = (html, str((truth.get(page_id) or {}).get("articleBody") or ""))
    return pages, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=os.environ.get("NEWSBRIEF_SCRAPINGHUB"))
    parser.add_argument("--show", action="store_true", help="print every block counted")
    parser.add_argument("--tiny", action="store_true", help="three built-in pages")
    args = parser.parse_args()
    checks = Checks()
    if args.tiny:
        pages, missing, expected = tiny_pages(), [], 3
        label = "3 built-in pages (--tiny)"
    else:
        data = Path(args.data) if args.data else None
        if data is None or not (data / "ground-truth.json").is_file():
            print(f"error: no ScrapingHub benchmark data at {data or '(none given)'}; "
                  "extract it as bench/clean_real.py says and pass --data DIR",
                  file=sys.stderr)  # fmt: skip
            raise SystemExit(2)
        (pages, missing), expected = load_pages(data), EXPECTED_PAGES
        label = f"ScrapingHub pages in {data}"
    checks.equal(len(pages), expected, "pages found")
    checks.that(not missing, f"pages without ground truth: {missing[:5]}")
    checks.verify()
    words: Counter[tuple[str, bool]] = Counter()
    where_pages: dict[tuple[str, bool], set[str]] = {}
    removed: Counter[tuple[str, bool]] = Counter()  # (reason, kept by the truth) -> removals
    removed_words: Counter[tuple[str, bool]] = Counter()
    found_on = 0  # pages with a paragraph trafilatura kept found among their blocks
    for pid, (html, truth) in pages.items():
        body = " ".join(truth.split())
        counted, matched = positions(html)
        found_on += matched
        for where, text in counted:
            inside = " ".join(text.split()) in body
            words[where, inside] += len(text.split())
            where_pages.setdefault((where, inside), set()).add(pid)
            if args.show:
                print(f"{pid[:10]} {where:18} {'kept' if inside else 'left':4} | {text[:90]}")
        for removal in clean_article(html, "text/html").removed:
            if removal.kind in ("chrome", "footer"):
                text = " ".join(removal.text.split())
                key = (removal.reason or removal.kind, bool(text) and text in body)
                removed[key] += 1
                removed_words[key] += len(text.split())
    # Blocks are placed relative to the paragraphs trafilatura kept: a page where none was
    # found among the page's blocks counts nothing, so the counts stand only when few did.
    checks.that(
        found_on >= MIN_MATCHED_SHARE * len(pages),
        f"trafilatura's paragraphs found on only {found_on} of {len(pages)} pages",
    )
    checks.verify()
    print(f"{label}: {len(pages)}; blocks trafilatura left out, by position")
    print(f"{'position':20} {'truth keeps: words':>18} {'pages':>6}   {'leaves out: words':>17} "
          f"{'pages':>6}")  # fmt: skip
    for where in ("lede", "after standfirst", "headline apart", "gap", "gap, repeated line"):
        kept, left = (where, True), (where, False)
        print(f"{where:20} {words[kept]:18d} {len(where_pages.get(kept, ())):6d}   "
              f"{words[left]:17d} {len(where_pages.get(left, ())):6d}")  # fmt: skip
    print("what the cleaner removes (chrome and footer), by reason: removals (words)")
    print(f"{'reason':42} {'truth keeps':>16}   {'leaves out':>16}")
    for reason in sorted({reason for reason, _ in removed}):
        kept, left = (reason, True), (reason, False)
        print(f"{reason:42} {removed[kept]:6d} ({removed_words[kept]:6d})   "
              f"{removed[left]:6d} ({removed_words[left]:6d})")  # fmt: skip


if __name__ == "__main__":
    main()
