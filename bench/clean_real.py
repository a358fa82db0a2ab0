"""Benchmark: `newsbrief clean` against trafilatura alone on real HTML pages with hand-made
ground truth (the ScrapingHub article-extraction benchmark), both scored in one run.

The data is not in this repository. Make a local copy outside it once:

    G=<bare mirror or clone of github.com/scrapinghub/article-extraction-benchmark>
    mkdir -p /work/external/scrapinghub
    git --git-dir=$G archive HEAD html ground-truth.json | tar -x -C /work/external/scrapinghub

then

    python bench/clean_real.py --data /work/external/scrapinghub [--per-page]
    NEWSBRIEF_SCRAPINGHUB=/work/external/scrapinghub python bench/clean_real.py
    python bench/clean_real.py --tiny   # three built-in pages: checks the bench, not the cleaner

Each page (``html/<id>.html.gz``) is cleaned by :func:`newsbrief.clean.clean_article` (the
library call behind `newsbrief clean`) and extracted by ``trafilatura.extract(html,
include_comments=False)`` (how the benchmark runs trafilatura). Both outputs are compared with
the page's ``articleBody``. Two scores are printed for each side:

- word P/R/F1: whitespace tokens, matched as multisets (a word counts as often as it appears in
  both); averaged per page (each page weighs the same) and pooled over all words. Chinese and
  Japanese are not written with spaces between words, so there each character (Han, kana, CJK
  punctuation and full-width forms) is a token of its own (see :func:`words`);
- shingle F1: the benchmark's own definition (runs of four ``\\w+`` tokens, matched as
  multisets, per-page precision and recall averaged), so the number is comparable with its
  published table (trafilatura 2.0.0: F1 0.958).

It also counts the pages whose word recall is under 0.95 and prints those whose recall is
lowest (the share of the body that was kept).
Before printing it checks that both sides saw the same pages, that every page id has ground
truth, that the number of pages is the one expected, and that our side ran uncached; otherwise it
exits with status 3 (see bench/_valid.py). Without the data (and without --tiny) it exits 2
saying how to get it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _valid import Checks

from newsbrief.clean import clean_article

EXPECTED_PAGES = 181  # pages in the benchmark's html/ folder
LOW_RECALL = 0.95  # pages whose word recall is under this are counted ("R<0.95")
_WORD = re.compile(r"\w+")
# Characters of scripts written without spaces between words (Han, hiragana, katakana, CJK
# symbols and punctuation, full-width forms): each is a token. Hangul is not among them: Korean
# puts spaces between its words.
_UNSPACED = "\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_TOKENS = re.compile(f"[{_UNSPACED}]|[^\\s{_UNSPACED}]+")


@dataclass
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float(self.fn == 0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float(self.fp == 0)


def _match(got: list, want: list) -> Score:  # type: ignore[type-arg]
    common = sum((Counter(got) & Counter(want)).values())
    return Score(common, len(got) - common, len(want) - common)


def words(text: str) -> list[str]:
    """The words of ``text`` as the word scores count them: whitespace tokens, except that in
    Chinese and Japanese, written without spaces, each character is one. A space the ground
    truth puts where the page has none ("アプリ Kindle for PC に関する話" for the page's
    "アプリ<a>Kindle for PC</a>に関する話") then changes no token, where as whitespace tokens the
    whole clause around it was lost. On text without those scripts this is ``text.split()``."""
    return _TOKENS.findall(text)


def word_score(predicted: str, truth: str) -> Score:
    return _match(words(predicted), words(truth))


def shingle_score(predicted: str, truth: str, n: int = 4) -> Score:
    def shingles(text: str) -> list[tuple[str, ...]]:
        tokens = _WORD.findall(text)
        return [tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens]

    return _match(shingles(predicted), shingles(truth))


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def macro(scores: list[Score]) -> tuple[float, float, float]:
    p = statistics.mean(s.precision for s in scores)
    r = statistics.mean(s.recall for s in scores)
    return p, r, f1(p, r)


def micro(scores: list[Score]) -> tuple[float, float, float]:
    total = Score(sum(s.tp for s in scores), sum(s.fp for s in scores), sum(s.fn for s in scores))
    return total.precision, total.recall, f1(total.precision, total.recall)


def ours(html: str) -> str:
    return clean_article(html, "text/html").text


def trafilatura_alone(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


SIDES: dict[str, Callable[[str], str]] = {"newsbrief clean": ours, "trafilatura": trafilatura_alone}

_TINY_BODY = [
    "The city council approved the new bridge on Tuesday after a debate that lasted six hours.",
    "Supporters said the crossing would cut commuting times; opponents worried about the cost.",
    "Construction is expected to start next spring and to last about three years, officials said.",
]


def tiny_pages() -> dict[str, tuple[str, str]]:
    """Three small built-in pages (id -> (html, article body)): they check the bench runs."""
    pages = {}
    for i in range(3):
        body = _TINY_BODY[i:] + _TINY_BODY[:i]
        html = (
            "<html><head><title>Council backs bridge</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>"
            "<h1>Council backs bridge</h1>" + "".join(f"<p>{p}</p>" for p in body)
            + "</article><footer>© 2024 Example Media. All rights reserved.</footer></body></html>"
        )  # fmt: skip
        pages[f"tiny{i}"] = (html, "\n\n".join(body))
    return pages


def load_pages(data: Path) -> dict[str, tuple[str, str]]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {}
    for path in sorted((data / "html").glob("*.html.gz")):
        page_id = path.name.split(".")[0]
        with gzip.open(path, "rt", encoding="utf8") as handle:
            html = handle.read()
        if page_id in truth:
            pages[page_id] = (html, truth[page_id].get("articleBody") or "")
        else:
            pages[page_id] = (html, "\0missing")
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=os.environ.get("NEWSBRIEF_SCRAPINGHUB"),
        help="folder with ground-truth.json and html/ (or NEWSBRIEF_SCRAPINGHUB)",
    )
    parser.add_argument("--per-page", action="store_true", help="print every page's scores")
    parser.add_argument("--tiny", action="store_true", help="three built-in pages")
    args = parser.parse_args()
    if args.tiny:
        pages, expected, label = tiny_pages(), 3, "3 built-in pages (--tiny)"
    else:
        data = Path(args.data) if args.data else None
        if data is None or not (data / "ground-truth.json").is_file():
            print(f"error: no ScrapingHub benchmark data at {data or '(none given)'}; extract "
                  "it as this script's docstring shows and pass --data DIR or set "
                  "NEWSBRIEF_SCRAPINGHUB", file=sys.stderr)  # fmt: skip
            raise SystemExit(2)
        pages, expected, label = load_pages(data), EXPECTED_PAGES, f"ScrapingHub pages in {data}"

    checks = Checks()
    checks.equal(len(pages), expected, "pages found")
    missing = [pid for pid, (_, body) in pages.items() if body == "\0missing"]
    checks.that(not missing, f"pages without ground truth: {missing[:5]}")
    checks.that(all(body.strip() for _, body in pages.values()), "a page has an empty body")
    clean_article("Warm-up: load the word lists before timing anything.")
    words: dict[str, list[Score]] = {side: [] for side in SIDES}
    shingles: dict[str, list[Score]] = {side: [] for side in SIDES}
    seconds = dict.fromkeys(SIDES, 0.0)
    per_page: list[tuple[str, list[float]]] = []
    for page_id, (html, body) in pages.items():
        row = []
        for side, extract in SIDES.items():
            started = time.perf_counter()
            predicted = extract(html)
            seconds[side] += time.perf_counter() - started
            w, s = word_score(predicted, body), shingle_score(predicted, body)
            words[side].append(w)
            shingles[side].append(s)
            row += [w.precision, w.recall]
        per_page.append((page_id, row))
    for side in SIDES:
        checks.equal(len(words[side]), len(pages), f"pages scored by {side}")
    checks.verify()

    print(f"{label}: {len(pages)} pages, both sides on the same pages in one run")
    print(f"{'side':16} {'word P':>7} {'word R':>7} {'word F1':>7}   {'pooled P':>8} "
          f"{'R':>6} {'F1':>6}   {'shingle P':>9} {'R':>6} {'F1':>6}   {'s/page':>6}   "
          f"{'R<' + str(LOW_RECALL):>6}")  # fmt: skip
    for side in SIDES:
        p, r, f = macro(words[side])
        pp, pr, pf = micro(words[side])
        sp, sr, sf = macro(shingles[side])
        low = sum(1 for s in words[side] if s.recall < LOW_RECALL)
        print(f"{side:16} {p:7.4f} {r:7.4f} {f:7.4f}   {pp:8.4f} {pr:6.4f} {pf:6.4f}   "
              f"{sp:9.4f} {sr:6.4f} {sf:6.4f}   {seconds[side] / len(pages):6.3f}   "
              f"{low:6d}")  # fmt: skip
    names = list(SIDES)
    recalls = sorted((row[1], pid, row[3]) for pid, row in per_page)
    print("lowest word recall (newsbrief clean / trafilatura): "
          + ", ".join(f"{pid[:10]} {r:.2f}/{t:.2f}" for r, pid, t in recalls[:5]))  # fmt: skip
    better = sum(1 for _, row in per_page if f1(*row[:2]) > f1(*row[2:]) + 1e-9)
    worse = sum(1 for _, row in per_page if f1(*row[:2]) < f1(*row[2:]) - 1e-9)
    print(f"pages where {names[0]} scores a higher word F1: {better}, lower: {worse}")
    if args.per_page:
        print(f"{'page':66} ours P  ours R  traf P  traf R")
        for pid, row in per_page:
            print(f"{pid:66} " + "  ".join(f"{v:.3f}" for v in row))


if __name__ == "__main__":
    main()
