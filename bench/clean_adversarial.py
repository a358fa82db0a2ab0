"""Benchmark: cleaning time on adversarial input, to show every pass grows linearly.

Each case is built from a seed, at the size asked for, and cleaned once with ``clean_article``;
the script prints the seconds taken and the seconds per MB. Run it at two sizes: a linear pass
takes about twice as long at twice the size, a quadratic one four times.

    python bench/clean_adversarial.py [--mb 3] [--case long-word] [--case ...]
    python bench/clean_adversarial.py --tiny    # 0.05 MB per case: checks the bench

Cases: ``long-word`` (one line of letters, no space), ``camel-word`` (one word of aBaB...,
every letter a case change), ``capital-word`` (one capitalized word), ``short-lines`` (lines
of two or three words), ``accented-lines`` (short lines with non-ASCII letters, each one a
mojibake check), ``deep-html`` (a page of nested <div>s around one paragraph).

Every case's outcome is printed; then, if an input came out smaller than the size asked for or
a clean raised (its time is then not the time of a whole clean), the script exits with status 3
(see bench/_valid.py).
"""

from __future__ import annotations

import argparse
import random
import string
import time
from collections.abc import Callable

from _valid import Checks

from newsbrief.clean import clean_article

MB = 1024 * 1024


def long_word(size: int, rng: random.Random) -> tuple[str, str]:
    return "".join(rng.choices(string.ascii_lowercase, k=size)), "text/plain"


def camel_word(size: int, rng: random.Random) -> tuple[str, str]:
    return "".join(rng.choice("abcdefgh") + rng.choice("ABCDEFGH") for _ in range(size // 2)), (
        "text/plain"
    )


def capital_word(size: int, rng: random.Random) -> tuple[str, str]:
    text, kind = long_word(size - 1, rng)
    return "Q" + text, kind


def short_lines(size: int, rng: random.Random) -> tuple[str, str]:
    words = ["the", "council", "voted", "bridge", "river", "on", "tuesday", "mayor"]
    lines, total = [], 0
    while total < size:
        line = " ".join(rng.choices(words, k=rng.randint(2, 3)))
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines), "text/plain"


def accented_lines(size: int, rng: random.Random) -> tuple[str, str]:
    words = ["été", "année", "Genève", "déjà", "à", "Größe", "niño", "ação"]
    lines, total = [], 0
    while total < size:
        line = " ".join(rng.choices(words, k=rng.randint(2, 3)))
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines), "text/plain"


def deep_html(size: int, rng: random.Random) -> tuple[str, str]:
    depth = size // 11
    paragraph = "<p>The council approved the bridge on Tuesday after a long debate.</p>"
    return (
        "<!doctype html><html><body>" + "<div>" * depth + paragraph + "</div>" * depth
        + "</body></html>",
        "text/html",
    )  # fmt: skip


CASES: dict[str, Callable[[int, random.Random], tuple[str, str]]] = {
    "long-word": long_word,
    "camel-word": camel_word,
    "capital-word": capital_word,
    "short-lines": short_lines,
    "accented-lines": accented_lines,
    "deep-html": deep_html,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=3.0, help="input size in MB")
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="repeatable")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tiny", action="store_true", help="0.05 MB per case")
    args = parser.parse_args()
    if args.tiny:
        args.mb = 0.05
    clean_article("Warm-up: load the word lists before timing anything.")
    size = int(args.mb * MB)
    checks = Checks()
    for name in args.case or list(CASES):
        raw, kind = CASES[name](size, random.Random(args.seed))
        started = time.perf_counter()
        try:
            cleaned = clean_article(raw, kind)
            outcome = f"{len(cleaned.text):,} chars left"
        except Exception as exc:  # a bench reports what happened, whatever it was
            outcome = f"{type(exc).__name__}: {str(exc)[:80]}"
            checks.that(False, f"{name}: the clean raised {outcome}")
        seconds = time.perf_counter() - started
        checks.that(len(raw) >= 0.99 * size, f"{name}: {len(raw):,} chars built, {size:,} asked")
        print(f"{name:15} {len(raw) / MB:5.2f} MB  {seconds:7.2f} s  "
              f"{seconds / (len(raw) / MB):6.2f} s/MB  {outcome}")  # fmt: skip
    checks.verify()


if __name__ == "__main__":
    main()
