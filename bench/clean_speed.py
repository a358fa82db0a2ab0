"""Benchmark: cleaning speed on real article text at three sizes, with the output unchanged.

The text is every article in this repository (bench/corpus, evals/fixtures, seeds), joined in
a fixed order and repeated to 0.2, 1 and 2 MB; each size is cleaned as one article with
``clean_text``, best of three runs, and the script prints seconds and MB/s for each (target:
>= 2 MB/s at 1 MB) and the ratio of the time per MB at the largest size to the smallest (1.00
for a linear clean; a quadratic pass would give 10). Times are the process's CPU time, so
that other work on a shared machine does not count; the wall clock is printed beside them.

    python bench/clean_speed.py [--corpus DIR] [--runs 3]
    python bench/clean_speed.py --tiny            # 20, 100 and 200 KB, one run: checks the bench
    python bench/clean_speed.py --write-reference # after a change meant to alter the output
    python bench/clean_speed.py --against OTHER/src [--rounds 5]   # before/after, one run

``--against`` times the same 1 MB text cleaned by this tree's ``src`` and by another version's
(a folder holding ``newsbrief``, e.g. ``git archive <rev> src | tar -x -C /tmp/old``), each in
its own process, alternating for ``--rounds`` rounds (best of three runs inside each), and
prints both sides' CPU times and their medians; it checks that each process imported the
version asked for.

``--corpus`` times another folder of ``*.txt`` articles instead (Wikinews, extracted outside
the repository as bench/clean_generators.py says); the output check still uses the in-repo
articles.

Speed work must not change what the cleaner does. ``bench/clean_reference.json`` holds a
digest of the whole result (title, text, every removal with its reason, stats) of each in-repo
article, of noisy copies of them from both generators of bench/clean_generators.py, and of the
in-repo text at each size; tests/test_clean_reference.py compares the articles and copies in
every test run. Before printing, the script checks that each of those results and each timed
size's result matches its digest, that every size was built to the length asked for, and, unless
``--tiny``, that the time per MB at the largest size is at most ``LINEAR_MAX_RATIO`` times the
smallest's; otherwise it exits 3 (see bench/_valid.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from _valid import Checks
from clean_generators import make_noisy_b
from clean_quality import make_noisy

from newsbrief.clean import CleanArticle, clean_article, clean_text, normalize

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "bench" / "clean_reference.json"
MB = 1_000_000
SIZES = (0.2, 1.0, 2.0)
TINY_SIZES = (0.02, 0.1, 0.2)
LINEAR_MAX_RATIO = 1.5  # time per MB at the largest size over the smallest's
NOISY_SEEDS = (1, 2)


def in_repo_articles() -> list[tuple[str, str, str]]:
    """(name, raw text, content type) of every article written for this repository."""
    paths = [
        *sorted((ROOT / "bench" / "corpus").glob("*.txt")),
        *sorted((ROOT / "evals" / "fixtures").glob("*/article.*")),
        *sorted(p for p in (ROOT / "seeds").glob("*.txt") if not p.name.endswith(".clean.txt")),
    ]
    return [
        (
            str(p.relative_to(ROOT)),
            p.read_text(encoding="utf-8"),
            "text/html" if p.suffix == ".html" else "text/plain",
        )
        for p in paths
    ]


def noisy_copies() -> Iterator[tuple[str, str]]:
    """(name, noisy text): each corpus article buried by both generators, for each seed."""
    originals = [normalize(raw)[0] for name, raw, _ in in_repo_articles() if "corpus" in name]
    titles = [o.split("\n", 1)[0] for o in originals]
    for seed in NOISY_SEEDS:
        rng_a, rng_b = random.Random(seed), random.Random(seed * 7919)
        for k, original in enumerate(originals):
            yield f"generator A article {k} seed {seed}", make_noisy(original, rng_a, titles).text
            yield f"generator B article {k} seed {seed}", make_noisy_b(original, rng_b).text


def joined(size: float, articles: list[str]) -> str:
    """``articles`` joined as paragraphs and repeated, cut at the first line end after
    ``size`` MB."""
    unit = "\n\n".join(a.strip() for a in articles) + "\n\n"
    text = (unit * (int(size * MB) // len(unit.encode()) + 2)).encode()
    return text[: text.index(b"\n", int(size * MB))].decode()


def digest(cleaned: CleanArticle) -> str:
    data = json.dumps(cleaned.to_dict(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:24]


def results(sizes: tuple[float, ...] = ()) -> dict[str, str]:
    """The digest of every result the reference holds (and of the joined text at ``sizes``)."""
    found = {name: digest(clean_article(raw, kind)) for name, raw, kind in in_repo_articles()}
    found.update((name, digest(clean_text(text))) for name, text in noisy_copies())
    texts = [raw for _, raw, kind in in_repo_articles() if kind == "text/plain"]
    found.update((f"joined {size} MB", digest(clean_text(joined(size, texts)))) for size in sizes)
    return found


_TIME_ONE = """
import sys, time
sys.path.insert(0, {bench!r})
import newsbrief
from clean_speed import in_repo_articles, joined
from newsbrief.clean import clean_text
texts = [raw for _, raw, kind in in_repo_articles() if kind == "text/plain"]
text = joined(1.0, texts)
clean_text("Warm-up: the word lists load before anything is timed.")
best = float("inf")
for _ in range(3):
    started = time.process_time()
    clean_text(text)
    best = min(best, time.process_time() - started)
print(newsbrief.__file__, best)
"""


def compare(other: Path, rounds: int) -> None:
    """Time 1 MB with this tree's ``src`` and with ``other``, alternating, in fresh processes."""
    import os
    import statistics
    import subprocess

    cleaner = other / "newsbrief"
    if not ((cleaner / "clean.py").is_file() or (cleaner / "clean" / "__init__.py").is_file()):
        print(f"error: {other} holds no newsbrief/clean.py or newsbrief/clean/; pass another "
              "version's src folder", file=sys.stderr)  # fmt: skip
        raise SystemExit(2)
    sides = {"this tree": ROOT / "src", str(other): other.resolve()}
    times: dict[str, list[float]] = {name: [] for name in sides}
    checks = Checks()
    code = _TIME_ONE.format(bench=str(ROOT / "bench"))
    for _ in range(rounds):
        for name, src in sides.items():
            env = {**os.environ, "PYTHONPATH": str(src)}
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                 text=True, check=False)  # fmt: skip
            fields = out.stdout.split()
            ok = out.returncode == 0 and len(fields) == 2 and fields[0].startswith(str(src))
            checks.that(ok, f"{name}: did not run from {src}: {out.stderr[-200:]}")
            if ok:
                times[name].append(float(fields[1]))
    checks.verify()
    print(f"1.00 MB of the in-repo articles, {rounds} alternating rounds, CPU s (best of 3):")
    for name, found in times.items():
        listed = " ".join(f"{t:.3f}" for t in found)
        print(f"  {name:30} median {statistics.median(found):.3f}   ({listed})")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="time this folder of *.txt articles instead")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (the best is kept)")
    parser.add_argument("--tiny", action="store_true", help="small sizes, one run")
    parser.add_argument("--write-reference", action="store_true")
    parser.add_argument("--against", type=Path, help="another version's src folder")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (--against)")
    args = parser.parse_args()
    if args.against is not None:
        compare(args.against, args.rounds)
        return
    if args.write_reference:
        reference = results(SIZES + TINY_SIZES)
        REFERENCE.write_text(json.dumps(reference, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(reference)} digests to {REFERENCE.relative_to(ROOT)}")
        return
    sizes, runs = (TINY_SIZES, 1) if args.tiny else (SIZES, args.runs)
    if args.corpus is not None:
        texts = [p.read_text(encoding="utf-8") for p in sorted(args.corpus.glob("*.txt"))]
        if not texts:
            print(f"error: no *.txt articles in {args.corpus}; see --help", file=sys.stderr)
            raise SystemExit(2)
    else:
        texts = [raw for _, raw, kind in in_repo_articles() if kind == "text/plain"]
    checks = Checks()
    reference = json.loads(REFERENCE.read_text())
    got = results()
    for name, value in got.items():
        checks.equal(value, reference.get(name), f"{name}: result digest")
    clean_text("Warm-up: the word lists load before anything is timed.")
    timed: list[tuple[float, float]] = []
    for size in sizes:
        text = joined(size, texts)
        megabytes = len(text.encode()) / MB
        checks.that(megabytes >= size, f"{size} MB asked, {megabytes:.3f} MB built")
        cpu = wall = float("inf")
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            cleaned = clean_text(text)
            cpu = min(cpu, time.process_time() - started_cpu)
            wall = min(wall, time.perf_counter() - started)
        if args.corpus is None:
            name = f"joined {size} MB"
            checks.equal(digest(cleaned), reference.get(name), f"{name}: result digest")
        timed.append((megabytes, cpu, wall))
    ratio = (timed[-1][1] / timed[-1][0]) / (timed[0][1] / timed[0][0])
    if not args.tiny:
        checks.that(ratio <= LINEAR_MAX_RATIO, f"time per MB grew {ratio:.2f}x: not linear")
    checks.verify()
    source = args.corpus or "the in-repo articles"
    print(f"text: {source}, joined and repeated; best of {runs} run(s) per size")
    print(f"output: {len(got)} in-repo results identical to {REFERENCE.name}")
    for megabytes, cpu, wall in timed:
        print(f"  {megabytes:5.2f} MB  {cpu:6.3f} s  {megabytes / cpu:5.2f} MB/s"
              f"   (wall clock {wall:6.3f} s, {megabytes / wall:5.2f} MB/s)")  # fmt: skip
    print(f"CPU time per MB, {timed[-1][0]:.2f} MB over {timed[0][0]:.2f} MB: {ratio:.2f}"
          f"  (1.00 = linear)")  # fmt: skip


if __name__ == "__main__":
    main()
