"""Benchmark: time on adversarial input, to show every stage of an article grows linearly.

Each case is built from a seed, at the size asked for, and goes through three stages, each
timed on its own:

- ``clean``: ``clean_article`` once;
- ``extract``: the sentence, person and quote finders the strategies share
  (``split_sentences``, ``specialists`` and each person's quotes) over the
  case's raw text, whatever cleaning would have left of it: they must be linear on any input;
- ``floor``: the whole batch path of one article on the default strategy (``Batch.process``:
  cleaning, the input-size budget, parsing, claims, grounding), with the batch's budgets: an
  article over them becomes one failed record, and its reason is printed.

The script prints the seconds taken and the seconds per MB of each stage. Run it at two sizes:
a linear stage takes about twice as long at twice the size, a quadratic one four times.

    python bench/clean_adversarial.py [--mb 3] [--case long-word] [--case ...] [--stage clean]
    python bench/clean_adversarial.py --tiny    # 0.05 MB per case: checks the bench

Cases: ``long-word`` (one line of letters, no space), ``camel-word`` (one word of aBaB...,
every letter a case change), ``capital-word`` (one capitalized word), ``short-lines`` (lines
of two or three words), ``accented-lines`` (short lines with non-ASCII letters, each one a
mojibake check), ``deep-html`` (a page of nested <div>s around one paragraph), ``hex-dump``
(an article around one long line of hex digits), ``capital-run`` (one sentence of capitalised
words, as names are written; ``html-capital-run`` the same in a page), ``long-sentence`` (one
sentence of report words, quotes and names with no full stop), ``quote-run`` (the same quoted
sentence with its speaker, repeated).

Every case's outcome is printed; then, if an input came out smaller than the size asked for,
a clean or the finders raised (the time is then not the time of a whole stage), or the floor
raised instead of writing a record, the script exits with status 3 (see bench/_valid.py).
"""

from __future__ import annotations

import argparse
import random
import string
import time
from collections.abc import Callable

from _valid import Checks

from newsbrief import api, batch
from newsbrief.brief.rules.experts import as_expert, specialists
from newsbrief.brief.rules.sentences import split_sentences
from newsbrief.clean import clean_article
from newsbrief.config import resolve_settings
from newsbrief.ingest import Article

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


LEAD = "The council said on Monday that it will rebuild the bridge over the river by 2027.\n\n"


def hex_dump(size: int, rng: random.Random) -> tuple[str, str]:
    body = "".join(rng.choices("0123456789abcdef", k=size - 2 * len(LEAD)))
    return LEAD + body + "\n\n" + LEAD, "text/plain"


def _words_up_to(size: int, pick: Callable[[], str]) -> str:
    words, total = [], 0
    while total < size:
        word = pick()
        words.append(word)
        total += len(word) + 1
    return " ".join(words)


def capital_run(size: int, rng: random.Random) -> tuple[str, str]:
    def name() -> str:
        return rng.choice(string.ascii_uppercase) + "".join(
            rng.choices(string.ascii_lowercase, k=rng.randint(3, 8))
        )

    return LEAD + _words_up_to(size - len(LEAD), name) + " said the plan will work.", "text/plain"


def html_capital_run(size: int, rng: random.Random) -> tuple[str, str]:
    text, _ = capital_run(size - 60, rng)
    return f"<!doctype html><html><body><article><p>{text}</p></article></body></html>", "text/html"


def long_sentence(size: int, rng: random.Random) -> tuple[str, str]:
    words = ["the", "council", "said", "bridge", "will", "river", "on", "mayor", '"we', 'will"',
             "Smith", "told", "Dr.", "according", "to", "economist"]  # fmt: skip
    return LEAD + _words_up_to(size - len(LEAD), lambda: rng.choice(words)) + ".", "text/plain"


def quote_run(size: int, rng: random.Random) -> tuple[str, str]:
    said = '"We will build it by spring," said Jane Smith, an economist at the bank. '
    return said * (size // len(said) + 1), "text/plain"


CASES: dict[str, Callable[[int, random.Random], tuple[str, str]]] = {
    "long-word": long_word,
    "camel-word": camel_word,
    "capital-word": capital_word,
    "short-lines": short_lines,
    "accented-lines": accented_lines,
    "deep-html": deep_html,
    "hex-dump": hex_dump,
    "capital-run": capital_run,
    "html-capital-run": html_capital_run,
    "long-sentence": long_sentence,
    "quote-run": quote_run,
}


def clean_stage(raw: str, kind: str) -> str:
    return f"{len(clean_article(raw, kind).text):,} chars left"


def extract_stage(raw: str, kind: str) -> str:
    sentences = split_sentences(raw)
    people = specialists(raw)
    experts = [as_expert(person, raw) for person in people]
    return f"{len(sentences):,} sentences, {len(people)} people, {sum(map(bool, experts))} experts"


def floor_stage(raw: str, kind: str) -> str:
    settings = resolve_settings()
    chosen = api.plan(None, "floor", settings)
    worker = batch.Batch(chosen.prompt, settings, chosen.strategy, cache=False, log=False)
    record = worker.process(Article("case", "case", raw, kind))
    if record["status"] == "ok":
        brief = record["brief"]
        return f"ok: {len(brief['pledges'])} pledges, {len(brief['positions'])} positions"
    error = record["error"]
    if error["kind"] == "internal":  # a crash, not a budget: the measurement is not valid
        raise RuntimeError(error["message"])
    return f"failed record: {error['message'][:90]}"


STAGES: dict[str, Callable[[str, str], str]] = {
    "clean": clean_stage,
    "extract": extract_stage,
    "floor": floor_stage,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=3.0, help="input size in MB")
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="repeatable")
    parser.add_argument("--stage", action="append", choices=list(STAGES), help="repeatable")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tiny", action="store_true", help="0.05 MB per case")
    args = parser.parse_args()
    if args.tiny:
        args.mb = 0.05
    stages = args.stage or list(STAGES)
    for stage in stages:  # warm-up: word lists and the parser load before anything is timed
        STAGES[stage]("The mayor said the city will plant trees next year.", "text/plain")
    size = int(args.mb * MB)
    checks = Checks()
    for name in args.case or list(CASES):
        raw, kind = CASES[name](size, random.Random(args.seed))
        checks.that(len(raw) >= 0.99 * size, f"{name}: {len(raw):,} chars built, {size:,} asked")
        for stage in stages:
            started = time.perf_counter()
            try:
                outcome = STAGES[stage](raw, kind)
            except Exception as exc:  # a bench reports what happened, whatever it was
                outcome = f"{type(exc).__name__}: {str(exc)[:80]}"
                checks.that(False, f"{name}: the {stage} stage raised {outcome}")
            seconds = time.perf_counter() - started
            print(f"{name:15} {stage:8} {len(raw) / MB:5.2f} MB  {seconds:7.2f} s  "
                  f"{seconds / (len(raw) / MB):6.2f} s/MB  {outcome}", flush=True)  # fmt: skip
    checks.verify()


if __name__ == "__main__":
    main()
