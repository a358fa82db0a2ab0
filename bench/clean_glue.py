"""Benchmark: glued words on real text, the cleaner's rule against word-segmentation libraries.

Two numbers for each splitter, on the same tokens in one run:

- false splits: tokens of clean real articles (Wikinews, extracted outside the repository as
  bench/clean_generators.py says) that the splitter would cut although nobody glued them
  (the articles are clean text: any split is false, except where the source itself ran two
  words together, which the cleaner's own list shows for a reader to judge);
- the same in context: each clean article through ``split_glued`` as a whole (a word the
  article repeats is never split), capitalized tokens included;
- glued pairs split: two neighbouring words of the same articles run together (generator C's
  ``glue_pairs``: "percentof", "rescuework") that come back as known words.

    python bench/clean_glue.py --corpus /work/external/wikinews-plain [--list]
    python bench/clean_glue.py --tiny      # the in-repo corpus, no library: checks the bench

``wordsegment`` and ``wordninja`` (PyPI) are measured when importable; they are not
dependencies of newsbrief (measured: about ten times the false splits of the rule, and fewer
pairs recovered; see README). Like the rule, they are only asked about lower-case tokens that
the word list does not know (Zipf < 1). Before printing, the script checks that every glued
pair is in its text and that each splitter saw the same tokens; otherwise it exits 3.
"""

from __future__ import annotations

import argparse
import importlib
import random
import re
from collections.abc import Callable
from pathlib import Path

from _valid import Checks
from clean_generators import load_corpus
from clean_leftovers import glue_pairs

from newsbrief.clean import split_glued, zipf

ROOT = Path(__file__).resolve().parents[1]
_TOKEN = re.compile(r"(?<![\w'’@./-])([a-z]{5,})(?![\w'’@/-]|\.\w)")
Splitter = Callable[[str], "str | None"]


def rule(token: str) -> str | None:
    removed = split_glued(f"x {token} x")[1]
    return removed[0].replacement if removed else None


def library(name: str) -> Splitter | None:
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    if name == "wordsegment":
        module.load()
    cut = module.segment if name == "wordsegment" else module.split

    def split(token: str) -> str | None:
        if zipf(token) >= 1.0:
            return None
        parts = cut(token)
        return " ".join(parts) if len(parts) > 1 else None

    return split


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus")
    parser.add_argument("--list", action="store_true", help="print the rule's false splits")
    parser.add_argument("--tiny", action="store_true", help="in-repo corpus, the rule only")
    args = parser.parse_args()
    articles = load_corpus(ROOT / "bench" / "corpus" if args.tiny else args.corpus)
    splitters: dict[str, Splitter] = {"newsbrief rule": rule}
    for name in () if args.tiny else ("wordsegment", "wordninja"):
        found = library(name)
        if found is not None:
            splitters[name] = found
    clean_tokens = sorted({t for a in articles for t in _TOKEN.findall(a)})
    rng = random.Random(11)
    pairs: list[str] = []
    checks = Checks()
    for article in articles:
        paragraphs = [p.split(" ") for p in article.split("\n\n")]
        glued = glue_pairs(paragraphs, rng, 3)
        text = "\n\n".join(" ".join(p) for p in paragraphs)
        for token in glued:
            checks.that(token in text, f"glued pair {token!r} not in its text")
        pairs += [t for t in glued if t.islower()]
    checks.that(bool(pairs), "no glued pair was made")
    checks.verify()
    print(f"corpus: {len(articles)} articles from {args.corpus}; {len(clean_tokens)} distinct "
          f"lower-case tokens of clean text; {len(pairs)} glued pairs")  # fmt: skip
    for name, split in splitters.items():
        false = [(t, s) for t in clean_tokens if (s := split(t))]
        right = sum(1 for t in pairs if (s := split(t)) and all(zipf(w) > 0 for w in s.split()))
        print(f"{name:15} false splits on clean text {len(false):4}   glued pairs split "
              f"{right}/{len(pairs)}")  # fmt: skip
        if args.list and name == "newsbrief rule":
            print("   " + ", ".join(f"{t} -> {s}" for t, s in false))
    in_context = [r for article in articles for r in split_glued(article)[1]]
    print(f"newsbrief rule in the articles themselves (a repeated word is never split): "
          f"{len(in_context)} splits in {sum(len(a.split()) for a in articles)} words")  # fmt: skip
    if args.list:
        print("   " + ", ".join(f"{r.text} -> {r.replacement}" for r in in_context))
    missing = {"wordsegment", "wordninja"} - set(splitters)
    if missing and not args.tiny:
        print(f"(not installed, not measured: {', '.join(sorted(missing))})")


if __name__ == "__main__":
    main()
