"""Benchmark: how well `clean` restores articles buried in seeded noise, and how fast.

The corpus is bench/corpus/*.txt: twenty articles written for this project, some of which
legitimately mention outlets ("told the Daily Planet"). Each is buried under a seeded mix of
noise: chrome lines from many templates (header, between paragraphs, footer with another
article's teaser), a watermark from several different strings injected inside and at the start
of words, and words glued together. The cleaner's output is compared with the clean original.

    python bench/clean_quality.py [--copies 10] [--seed 1]
    python bench/clean_quality.py --tiny    # one copy, small sizes: checks the bench

Prints word-level precision / recall / F1 (targets: F1 >= 0.995), watermark occurrences left
(target 0), chrome lines left, legitimate outlet mentions lost (target 0), and the time per
article; then cleaning time against input size, to show it grows linearly. Before printing it
checks that every article of the corpus was scored in every copy, that each noisy copy really
holds its injected watermarks and chrome, that the corpus has outlet mentions to lose, and that
no cleaned output is empty; otherwise it exits with status 3 (see bench/_valid.py).
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from _valid import Checks, require

from newsbrief.clean import clean_text, normalize

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "bench" / "corpus").glob("*.txt"))
WATERMARKS = ["World Times", "Daily Planet", "Global Wire Now", "Metro Ledger", "Zenith Post"]
LEGIT = re.compile(
    r"\b(?:told|with|by|reported by|in) the (?:World Times|Daily Planet|Global Times|Financial "
    r"Times|Times|Morning Herald)\b"
)
HEADERS = [
    "Breaking", "Breaking News", "Live Updates", "Exclusive", "Advertisement",
    "{weekday}. {month} {day}th, {year}", "{month} {day}, {year} 10:{minute} am EST",
    "{year}-0{m}-{day} 09:{minute}", "Updated: {day} {month} {year} 11:{minute}",
    "By {name}", "By {name} and {name2}", "Share this article",
    "Share on Facebook | Twitter | Email", "Follow us on Twitter for the latest news",
    "Skip to main content",
]  # fmt: skip
INLINE = [
    "Advertisement", "Photo: {name}/Reuters", "Photo by {name}",
    "Protesters outside the ministry / Getty Images", "Read more: {other}",
    "Related: {other}", "Sign up for our morning newsletter and get it in your inbox",
    "Subscribe to our newsletter", "We use cookies to improve your experience. Accept all cookies",
    "Video: {other}",
]  # fmt: skip
FOOTERS = [
    "Related Posts\n{other}\n{teaser}",
    "Leave a Reply\nYour email address will not be published. Required fields are marked *",
    "Content comes from the Internet : {title}\nRelated suggestion: {other} {teaser}",
    "Read more: {other}\n{teaser}",
    "© {year} Example Media. All rights reserved.",
    "Tags: politics, economy, world",
    "You may also like\n{other}\n{teaser}",
]  # fmt: skip
NAMES = ["Maria Lopez", "Chen Wei", "Amal Haddad", "John Carter", "Ingrid Solberg"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"]
MONTHS = ["Jan", "March", "Oct", "November", "Aug"]
GLUE_WORDS = {"the", "they", "have", "will", "would", "said", "that", "with", "from", "their"}


@dataclass
class Noisy:
    text: str
    original: str
    mark: str
    chrome: list[str]
    legit: list[str]
    injected: int  # watermark insertions


def _fill(template: str, rng: random.Random, titles: list[str]) -> str:
    other = rng.choice(titles)
    return template.format(
        weekday=rng.choice(WEEKDAYS), month=rng.choice(MONTHS), day=rng.randint(10, 28),
        year=rng.randint(2019, 2025), minute=rng.randint(10, 59), m=rng.randint(1, 9),
        name=rng.choice(NAMES), name2=rng.choice(NAMES), other=other, title=other,
        teaser=f"{other} was discussed by officials on Friday, who said more talks would follow.",
    )  # fmt: skip


def make_noisy(original: str, rng: random.Random, titles: list[str]) -> Noisy:
    """Bury ``original`` under chrome, a watermark and glued words (seeded by ``rng``)."""
    mark = rng.choice(WATERMARKS)
    paragraphs = original.split("\n\n")
    words = [p.split(" ") for p in paragraphs]
    # glue 1-3 pairs of common words
    for _ in range(rng.randint(1, 3)):
        p = rng.randrange(len(words))
        spots = [i for i in range(len(words[p]) - 1) if words[p][i] in GLUE_WORDS
                 and words[p][i + 1].isalpha() and words[p][i + 1].islower()]  # fmt: skip
        if spots:
            i = rng.choice(spots)
            words[p][i : i + 2] = [words[p][i] + words[p][i + 1]]
    # inject the watermark 3-8 times, inside or at the start of distinct words
    slots = [(p, i) for p, ws in enumerate(words) for i, w in enumerate(ws)
             if len(w) >= 5 and w.isalpha() and p > 0]  # fmt: skip
    chosen: dict[str, tuple[int, int]] = {}
    for p, i in rng.sample(slots, min(len(slots), 20)):
        chosen.setdefault(words[p][i], (p, i))
    targets = list(chosen.values())[: rng.randint(3, 8)]
    for p, i in targets:
        cut = rng.randrange(len(words[p][i]) - 1)
        words[p][i] = words[p][i][:cut] + mark + words[p][i][cut:]
    body = [" ".join(ws) for ws in words]
    chrome: list[str] = []
    header = [_fill(t, rng, titles) for t in rng.sample(HEADERS, rng.randint(1, 4))]
    chrome += header
    for _ in range(rng.randint(0, 2)):
        line = _fill(rng.choice(INLINE), rng, titles)
        chrome.append(line)
        body.insert(rng.randint(2, len(body)), line)
    footer = _fill(rng.choice(FOOTERS), rng, titles)
    chrome += footer.split("\n")
    text = "\n".join(header) + "\n\n" + "\n\n".join(body) + "\n\n" + footer + "\n"
    return Noisy(text, original, mark, chrome, LEGIT.findall(original), len(targets))


def word_scores(cleaned: str, original: str) -> tuple[int, int, int]:
    """(matched, cleaned, original) word counts, matched by longest common subsequence."""
    got, want = cleaned.split(), original.split()
    matcher = difflib.SequenceMatcher(None, got, want, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched, len(got), len(want)


def check_copy(checks: Checks, name: str, noisy: Noisy, cleaned: str) -> None:
    """Record in ``checks`` whether this copy measures anything: the noise is really in the
    noisy text, and the cleaner returned some text."""
    added = noisy.text.count(noisy.mark) - noisy.original.count(noisy.mark)
    checks.that(noisy.injected > 0, f"{name}: no watermark was injected")
    checks.that(added >= noisy.injected,
                f"{name}: {noisy.injected} watermarks injected, {added} in the text")  # fmt: skip
    checks.that(bool(noisy.chrome) and all(line in noisy.text for line in noisy.chrome),
                f"{name}: its chrome lines are not all in the noisy text")  # fmt: skip
    checks.that(bool(cleaned.strip()), f"{name}: the cleaned output is empty")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--copies", type=int, default=10, help="noisy copies per article")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tiny", action="store_true", help="one copy, small sizes")
    args = parser.parse_args()
    if args.tiny:
        args.copies = 1
    repeats = (1, 4) if args.tiny else (10, 40, 160, 640)
    rng = random.Random(args.seed)
    originals = [normalize(p.read_text(encoding="utf-8"))[0] for p in CORPUS]
    titles = [o.split("\n", 1)[0] for o in originals]

    checks = Checks()
    checks.that(len(CORPUS) > 0, "bench/corpus holds no article")
    matched = got = want = marks_left = chrome_left = legit_total = legit_lost = 0
    times: list[float] = []
    worst: list[tuple[float, str]] = []
    for copy in range(args.copies):
        for path, original in zip(CORPUS, originals, strict=True):
            noisy = make_noisy(original, rng, titles)
            started = time.perf_counter()
            cleaned = clean_text(noisy.text).text
            times.append(time.perf_counter() - started)
            check_copy(checks, f"{path.name} copy {copy}", noisy, cleaned)
            m, g, w = word_scores(cleaned, original)
            matched, got, want = matched + m, got + g, want + w
            marks_left += max(0, cleaned.count(noisy.mark) - original.count(noisy.mark))
            lines = set(cleaned.split("\n"))
            chrome_left += sum(1 for c in noisy.chrome if c in lines and c not in original)
            legit_total += len(noisy.legit)
            legit_lost += sum(1 for mention in noisy.legit if mention not in cleaned)
            f1 = 2 * m / (g + w)
            worst.append((f1, f"{path.name} copy {copy}"))
    n = len(times)
    checks.equal(n, args.copies * len(CORPUS), "noisy articles scored")
    checks.that(legit_total > 0, "the corpus has no legitimate outlet mention that could be lost")
    checks.that(got > 0 and want > 0, "no words to score")
    checks.verify()

    precision, recall = matched / got, matched / want
    f1 = 2 * precision * recall / (precision + recall)
    print(f"corpus: {len(CORPUS)} articles x {args.copies} noisy copies = {n} (seed {args.seed})")
    print(f"word precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  (target F1 >= 0.995)")
    print(f"watermark occurrences left: {marks_left}  (target 0)")
    print(f"chrome lines left: {chrome_left}")
    print(f"legitimate outlet mentions lost: {legit_lost} of {legit_total}  (target 0)")
    print(f"clean time per article: median {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms")  # fmt: skip
    print("worst articles:", ", ".join(f"{name} F1 {s:.3f}" for s, name in sorted(worst)[:3]))

    print("time against input size (one noisy article repeated):")
    unit = make_noisy(originals[0], random.Random(7), titles).text
    for repeat in repeats:
        text = "\n\n".join([unit] * repeat)
        started = time.perf_counter()
        cleaned = clean_text(text).text
        seconds = time.perf_counter() - started
        kept, given = len(cleaned.split()), repeat * len(originals[0].split())
        require(kept >= given // 2, f"{repeat} repeats: {kept} of {given} words kept")
        size = len(text.encode()) / 1e6
        print(f"  {size:6.2f} MB: {seconds:6.2f} s  ({seconds / size:.2f} s per MB)")


if __name__ == "__main__":
    main()
