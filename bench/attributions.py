"""Benchmark: attribution on PolNeAR (cue, source, content; exact and overlap P/R/F1), beside a
regex baseline that only knows "said"-like cues, and the speed of the layer against spaCy's own
parse of the same text.

    python -m newsbrief.evals.polnear fetch /path/to/PolNeAR     # once: a local clone
    python bench/attributions.py --split dev                     # develop on train and dev
    python bench/attributions.py --split test                    # once, at the end
    python bench/attributions.py --speed                         # 1,000-word articles, one core,
                                                                 # and 0.25 vs 1 MB of reports

Validity checks (exit status 3 when one fails): every article read has gold attributions in
the expected number for the split, both systems scored the same articles, and the speed run
parsed the same texts on both sides with no cache between the runs.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

from _valid import Checks

from newsbrief.brief.rules import attribution
from newsbrief.evals import polnear

# Articles per split in PolNeAR 1.0.0 (one annotation each counted).
EXPECTED = {"train": 840, "dev": 84, "test": 84}
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[”\"]?|$)")
_REGEX_CUE = re.compile(r"\b(?:said|says|say|told|tells|added|stated|according to)\b")
_NAME_BEFORE = re.compile(r"((?:[A-Z][\w.’'-]+\s){0,2}[A-Z][\w.’'-]+|he|she|they|He|She|They)\s+$")
_NAME_AFTER = re.compile(r"^\s+((?:[A-Z][\w.’'-]+\s?){1,3})")
_QUOTE = re.compile(r"“[^”]+”|\"[^\"]+\"")


def regex_baseline(text: str) -> list[polnear.Predicted]:
    """Sentence by sentence: a said-like cue, the name or pronoun next to it, the quotation of the
    sentence or else the words after the cue."""
    out: list[polnear.Predicted] = []
    for sentence in _SENTENCE.finditer(text):
        s, base = sentence.group(), sentence.start()
        cue = _REGEX_CUE.search(s)
        if not cue:
            continue
        source: list[tuple[int, int]] = []
        if cue.group() == "according to":
            after = re.match(r"\s*([^,.]+)", s[cue.end() :])
            if after:
                source = [(base + cue.end() + after.start(1), base + cue.end() + after.end(1))]
        elif before := _NAME_BEFORE.search(s[: cue.start()]):
            source = [(base + before.start(1), base + before.end(1))]
        elif after_name := _NAME_AFTER.match(s[cue.end() :]):
            source = [
                (base + cue.end() + after_name.start(1), base + cue.end() + after_name.end(1))
            ]
        quote = _QUOTE.search(s)
        if quote:
            content = [(base + quote.start(), base + quote.end())]
        else:
            content = [(base + cue.end(), base + len(s))]
        out.append(([(base + cue.start(), base + cue.end())], source, content))
    return out


def ours(text: str) -> list[polnear.Predicted]:
    found = attribution.top_level(attribution.attributions(text))
    return [
        (
            [(a.cue.start, a.cue.end)],
            [(a.source.start, a.source.end)] if a.source else [],
            [(c.start, c.end) for c in a.content],
        )
        for a in found
    ]


def _print(name: str, result: polnear.Score) -> None:
    table = result.table()
    cells = []
    for role in polnear.ROLES:
        row = table[role]
        cells.append(f"{role} {row['exact_f1']:.3f}/{row['overlap_f1']:.3f}")
    print(f"{name:<10} " + "   ".join(cells))


def accuracy(
    split: str,
    root: Path | None,
    limit: int | None,
    checks: Checks,
    expected: int | None = None,
    min_per_article: int = 5,
) -> None:
    docs = polnear.load(split, root, limit)
    expected = expected or (limit if limit is not None else EXPECTED[split])
    checks.that(len(docs) == expected, f"{split}: expected {expected} articles, read {len(docs)}")
    gold = sum(len(d.gold) for d in docs)
    checks.that(gold > min_per_article * len(docs), f"{split}: only {gold} gold attributions")
    checks.verify()
    started = time.perf_counter()
    mine = polnear.score(docs, ours)
    seconds = time.perf_counter() - started
    baseline = polnear.score(docs, regex_baseline)
    checks.that(mine.articles == baseline.articles == len(docs), "both sides scored all docs")
    checks.verify()
    print(f"PolNeAR {split}: {len(docs)} articles, {gold} gold attributions "
          f"(ours {seconds:.1f} s, spaCy load included)")  # fmt: skip
    print("F1 exact/overlap")
    _print("regex", baseline)
    _print("newsbrief", mine)
    detail = mine.table()
    for role in polnear.ROLES:
        row = detail[role]
        print(f"  {role:<8} exact P {row['exact_p']:.3f} R {row['exact_r']:.3f}   "
              f"overlap P {row['overlap_p']:.3f} R {row['overlap_r']:.3f}")  # fmt: skip


def speed(root: Path | None, checks: Checks, rounds: int) -> None:
    """Seconds per 1,000 words for attributions against spaCy's parse alone, same texts."""
    docs = polnear.load("train", root, 200)
    words = 0
    texts: list[str] = []
    for doc in docs:  # pieces of about 1,000 words
        tokens = doc.text.split()
        if len(tokens) >= 1000:
            texts.append(" ".join(tokens[:1000]))
            words += 1000
    checks.that(len(texts) >= 10, f"only {len(texts)} articles of 1,000 words")
    checks.verify()
    timed(checks, texts, rounds)


def timed(checks: Checks, texts: list[str], rounds: int) -> None:
    """Best of ``rounds``, interleaved (the machine is shared and noisy): spaCy's own parse of
    the texts' pieces, then the whole layer on the same texts with its cache cleared."""
    nlp = attribution.pipeline()
    attribution.attributions(texts[0])  # warm up: load the pipeline once
    parse = layer = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            list(nlp.pipe(piece for _, piece in attribution.blocks(text)))
        parse = min(parse, time.perf_counter() - started)
        attribution.analyse.cache_clear()  # no cache hit on the measured side
        started = time.perf_counter()
        for text in texts:
            attribution.analyse.cache_clear()
            attribution.attributions(text)
        layer = min(layer, time.perf_counter() - started)
    checks.that(attribution.analyse.cache_info().hits == 0, "the layer was served from its cache")
    checks.verify()
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{len(texts)} texts of {words:.0f} words, best of {rounds}: spaCy parse "
          f"{parse / len(texts):.3f} s, attributions {layer / len(texts):.3f} s per article, "
          f"ratio {layer / parse:.2f}")  # fmt: skip


def scaling(checks: Checks, sizes: tuple[int, int]) -> None:
    """Seconds per MB on a page of many short reports (every sentence one attribution) at two
    sizes: linear work keeps the two close; the counts must grow with the text."""
    sentence = "Mayor Ana Ruiz said the bridge would reopen in May. “We will not wait,” she added. "
    paragraph = sentence * 10
    rates, counts = [], []
    attribution.pipeline()
    for size in sizes:
        text = "\n\n".join([paragraph] * max(1, size // len(paragraph)))
        attribution.analyse.cache_clear()
        started = time.perf_counter()
        counts.append(len(attribution.attributions(text)))
        rates.append((time.perf_counter() - started) / (len(text) / 1e6))
    checks.that(counts[1] > 3 * counts[0], f"attributions did not grow with the text: {counts}")
    checks.verify()
    print(f"many reports: {sizes[0] / 1e6:.2f} MB {rates[0]:.1f} s/MB, {sizes[1] / 1e6:.2f} MB "
          f"{rates[1]:.1f} s/MB ({counts[0]} and {counts[1]} attributions), ratio "
          f"{rates[1] / rates[0]:.2f}")  # fmt: skip


# --tiny: a corpus of three short articles written here, in PolNeAR's layout, with their
# attributions annotated by hand below (cue, source, content as exact substrings). It checks the
# bench's plumbing (reading, scoring, both sides, the speed ratio), not attribution quality.
TINY_ARTICLES = {
    "tiny_harbour": (
        "The Kessel Harbour Board approved two ferry routes on Monday. “We will run the first "
        "boats in April,” said Mira Vance, the board's chair. Vance said the fares would not "
        "rise.\n\nAccording to the port union, the plan needs forty more crew.",
        [("said", "Mira Vance, the board's chair", "“We will run the first boats in April,”"),
         ("said", "Vance", "the fares would not rise"),
         ("According to", "the port union", "the plan needs forty more crew")],
    ),
    "tiny_budget": (
        "Finance minister Ola Brandt told lawmakers that the deficit would shrink next year. "
        "Critics argued that the forecast was too rosy.",
        [("told", "Finance minister Ola Brandt", "that the deficit would shrink next year"),
         ("argued", "Critics", "that the forecast was too rosy")],
    ),
    "tiny_school": (
        "“Classes will resume on Tuesday,” the principal said. Parents believe the repairs "
        "came too late.",
        [("said", "the principal", "“Classes will resume on Tuesday,”"),
         ("believe", "Parents", "the repairs came too late")],
    ),
}  # fmt: skip


def write_tiny(root: Path) -> Path:
    """The tiny corpus as a PolNeAR folder (``dev`` split) under ``root``."""
    for part in ("text", "attributions"):
        (root / "data" / "dev" / part).mkdir(parents=True, exist_ok=True)
    for name, (text, gold) in TINY_ARTICLES.items():
        (root / "data" / "dev" / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        lines: list[str] = []
        floor = 0  # each attribution's spans are found after the previous one's
        for n, (cue, source, content) in enumerate(gold):
            ids: dict[str, str] = {}
            ends = []
            for k, (label, words) in enumerate((("Cue", cue), ("Source", source),
                                                ("Content", content))):  # fmt: skip
                start = text.index(words, floor)
                ids[label] = f"T{n * 3 + k + 1}"
                ends.append(start + len(words))
                lines.append(f"{ids[label]}\t{label} {start} {start + len(words)}\t{words}")
            floor = max(ends)
            lines.append(f"E{n + 1}\tAttribution:{ids['Cue']} Content:{ids['Content']} "
                         f"Cue:{ids['Cue']} Source:{ids['Source']}")  # fmt: skip
        path = root / "data" / "dev" / "attributions" / f"{name}_tiny.ann"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=polnear.SPLITS)
    parser.add_argument("--root", type=Path, default=None, help="where PolNeAR was fetched")
    parser.add_argument("--limit", type=int, default=None, help="first N articles (a quick look)")
    parser.add_argument("--speed", action="store_true", help="time the layer instead")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tiny", action="store_true", help="three articles written here")
    args = parser.parse_args()
    checks = Checks()
    try:
        if args.tiny:
            with tempfile.TemporaryDirectory() as folder:
                root = write_tiny(Path(folder))
                accuracy("dev", root, None, checks, len(TINY_ARTICLES), min_per_article=1)
                text = " ".join([TINY_ARTICLES["tiny_harbour"][0]] * 20)
                timed(checks, [" ".join(text.split()[:1000])] * 3, rounds=1)
                scaling(checks, (10_000, 40_000))
        elif args.speed:
            speed(args.root, checks, args.rounds)
            scaling(checks, (250_000, 1_000_000))
        else:
            accuracy(args.split, args.root, args.limit, checks)
    except polnear.InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
