"""Benchmark: the cleaner under two independent noise generators, several seeds, one run.

Generator A is bench/clean_quality.py's (blank-line paragraphs, its header, inline and footer
templates, one watermark phrase from its list). Generator B, written here without looking at
the cleaner's rules, lays articles out differently and uses other noise:

- layouts: blank-line paragraphs, single-newline paragraphs, CRLF line ends, no blank lines;
- chrome: reading time and audio players, ad breaks, breadcrumbs, previous/next links, comment
  prompts, print/text-size toolbars, wire redistribution notices, asides ("Most Read",
  "Trending") with numbered or plain headline lists, a recirculation block at the end, and a
  dateline glued to the first sentence ("OSLO (Reuters) - ");
- watermarks of other shapes: a site name with digits, one CamelCase token, or three words
  starting with "The", injected inside, at the start and at the end of words;
- glued words: lower-case joins of two words and camel-case joins ("theEcuadorean"-like);
- a legitimate mention of the watermark's outlet added to the article ("told the ...").

    python bench/clean_generators.py [--seeds 1 2 3] [--corpus DIR]
    python bench/clean_generators.py --tiny      # two articles, one seed: checks the bench

``--corpus`` defaults to bench/corpus (the project's twenty articles). Real articles from
Wikinews (CC BY 2.5; not committed) can be extracted once, outside the repository:

    python bench/clean_generators.py --extract-wikinews \\
        /work/.mirror/vanatteveldt+wikinews/repo /work/external/wikinews-plain
    python bench/clean_generators.py --corpus /work/external/wikinews-plain

For each generator it prints word precision / recall / F1 over all noisy copies (target F1
>= 0.997), the worst copy's recall (the share of its body kept; target >= 0.99), watermarks
left, legitimate mentions lost, injected chrome lines left and glued words left. Before
printing it checks that every copy was scored, that every injected watermark, chrome line and
glued word is really in the noisy text, and that no output is empty; otherwise it exits 3.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from _valid import Checks
from clean_quality import make_noisy, word_scores

from newsbrief.clean import clean_text, normalize

ROOT = Path(__file__).resolve().parents[1]

SITES_DIGITS = ["NewsDaily24", "Post365", "Herald7", "InfoWire360"]
SITES_CAMEL = ["CourierDaily", "NorthGazette", "DailyBeacon", "MetroPulse"]
SITES_THE = ["The Evening Courier", "The Capital Record", "The Harbour Gazette"]
CITIES = ["OSLO", "NAIROBI", "LIMA", "SEOUL", "BRUSSELS", "PHOENIX, Ariz.", "MANILA"]
AGENCIES = ["Reuters", "AP", "AFP"]
SECTIONS = ["World", "Politics", "Business", "Science", "Europe"]
ASIDE_HEADINGS = ["Most Read", "Trending Now", "Most Popular", "Editor's Picks"]
FAKE_HEADLINES = [
    "Airport expansion faces fresh legal challenge", "Heatwave warnings issued for the south",
    "Central bank signals pause in rate rises", "Union rejects latest pay offer",
    "New metro line opens two years late", "Ministers clash over fishing quotas",
    "Hospital waiting lists reach record length", "Storm damage bill tops estimates",
]  # fmt: skip
SCATTERED = [
    "{n} min read", "Listen to this article", "Listen to this article {n}:{s:02d}",
    "Story continues below advertisement", "Advertisement - Scroll to continue",
    "Home / {section}", "Home > {section} > {section2}", "Next article: {headline}",
    "Previous story: {headline}", "Join the conversation", "Be the first to comment",
    "Text size | Print | Email", "Copyright {year} {agency}. All rights reserved.",
    "This material may not be published, broadcast, rewritten or redistributed.",
]  # fmt: skip
TAIL = ["More from {site}", "Recommended for you", "Related stories"]
LOWER_GLUE_LEFT = {"the", "has", "have", "been", "will", "would", "said", "with", "from", "that",
                   "their", "they", "was", "were", "also", "more"}  # fmt: skip
CAMEL_GLUE_LEFT = {"the", "said", "with", "from", "by", "of", "to", "in"}


@dataclass
class Noisy:
    text: str
    original: str
    marks: list[str]  # watermark strings that must not remain beyond the original's count
    chrome: list[str]  # lines injected that must go
    glued: list[str]  # glued tokens injected
    legit: list[str]  # legitimate mentions that must stay


def _site(rng: random.Random) -> str:
    return rng.choice(rng.choice([SITES_DIGITS, SITES_CAMEL, SITES_THE]))


def _fill(template: str, rng: random.Random, site: str) -> str:
    return template.format(
        n=rng.randint(2, 14), s=rng.randint(0, 59), section=rng.choice(SECTIONS),
        section2=rng.choice(SECTIONS), headline=rng.choice(FAKE_HEADLINES),
        year=rng.randint(2018, 2025), agency=rng.choice(AGENCIES), site=site,
    )  # fmt: skip


def make_noisy_b(original: str, rng: random.Random) -> Noisy:
    """Generator B: bury ``original`` under other chrome, watermarks and layouts."""
    site = _site(rng)
    mention_name = site.removeprefix("The ")
    legit = f"A spokesperson told the {mention_name} that talks would go on."
    paragraphs = original.split("\n\n")
    paragraphs.insert(rng.randint(1, len(paragraphs)), legit)
    clean_original = "\n\n".join(paragraphs)
    words = [p.split(" ") for p in paragraphs]
    glued: list[str] = []
    for _ in range(rng.randint(1, 3)):  # glue pairs of words
        p = rng.randrange(len(words))
        if paragraphs[p] == legit:
            continue  # the mention stays as written
        camel = rng.random() < 0.4
        spots = [
            i for i in range(len(words[p]) - 1)
            if words[p][i] in (CAMEL_GLUE_LEFT if camel else LOWER_GLUE_LEFT)
            and words[p][i + 1].isalpha() and len(words[p][i + 1]) >= 3
            and (words[p][i + 1][0].isupper() if camel else words[p][i + 1].islower())
            and words[p][i + 1] not in glued
        ]  # fmt: skip
        if spots:
            i = rng.choice(spots)
            words[p][i : i + 2] = [words[p][i] + words[p][i + 1]]
            glued.append(words[p][i])
    # the watermark: inside, at the start and at the end of distinct words (not the mention)
    slots = [(p, i) for p, ws in enumerate(words) for i, w in enumerate(ws)
             if len(w) >= 6 and w.isalpha() and w.islower() and p > 0
             and " ".join(ws) != legit and w not in glued]  # fmt: skip
    rng.shuffle(slots)
    seen: set[str] = set()
    injected = 0
    for p, i in slots:
        if words[p][i] in seen or injected >= rng.randint(3, 7):
            continue
        seen.add(words[p][i])
        word, where = words[p][i], rng.choice(["inside", "inside", "start", "end"])
        cut = {"start": 0, "end": len(word), "inside": rng.randint(2, len(word) - 2)}[where]
        words[p][i] = word[:cut] + site + word[cut:]
        injected += 1
    body = [" ".join(ws) for ws in words]
    chrome: list[str] = []
    dateline = ""
    if rng.random() < 0.5:
        dateline = f"{rng.choice(CITIES)} ({rng.choice(AGENCIES)}) - "
        body[0] = dateline + body[0] if not body[0].startswith(("“", '"')) else body[0]
        dateline = dateline if body[0].startswith(dateline) else ""
    blocks: list[str] = [_fill(t, rng, site) for t in rng.sample(SCATTERED[:5], 2)]
    blocks.append(_fill(rng.choice(SCATTERED[5:7]), rng, site))
    chrome += blocks
    for _ in range(rng.randint(1, 3)):  # scattered chrome between paragraphs
        line = _fill(rng.choice(SCATTERED), rng, site)
        body.insert(rng.randint(1, len(body)), line)
        chrome.append(line)
    if rng.random() < 0.7:  # an aside in the middle of the article
        heading = rng.choice(ASIDE_HEADINGS)
        numbered = rng.random() < 0.5
        items = [f"{k + 1}. {h}" if numbered else h
                 for k, h in enumerate(rng.sample(FAKE_HEADLINES, rng.randint(2, 4)))]  # fmt: skip
        body.insert(rng.randint(1, len(body)), "\n".join([heading, *items]))
        chrome += [heading, *items]
    tail_heading = _fill(rng.choice(TAIL), rng, site)
    tail_items = rng.sample(FAKE_HEADLINES, rng.randint(2, 4))
    body.append("\n".join([tail_heading, *tail_items]))
    chrome += [tail_heading, *tail_items]
    layout = rng.choice(["blank", "single", "crlf", "none"])
    lines = [*blocks, *body]
    if layout == "blank":
        text = "\n\n".join(lines)
    elif layout == "single":
        text = "\n".join(lines)
    elif layout == "crlf":
        text = "\r\n\r\n".join(lines).replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    else:  # no blank lines, and paragraphs may carry trailing spaces
        text = "\n".join(line + rng.choice(["", " ", "  "]) for line in lines)
    return Noisy(text, clean_original, [site], chrome, glued, [legit])


def load_corpus(folder: Path) -> list[str]:
    """The normalized ``*.txt`` articles of ``folder``; a folder with none ends the bench with
    one line and exit 2 (a mistyped --corpus, never an empty measurement)."""
    paths = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not paths:
        print(f"error: no *.txt articles in {folder}; pass --corpus DIR (see --help)",
              file=sys.stderr)  # fmt: skip
        raise SystemExit(2)
    return [normalize(p.read_text(encoding="utf-8"))[0] for p in paths]


def extract_wikinews(mirror: Path, out: Path) -> None:
    """Write each Wikinews article of the bare git ``mirror`` as ``out/<n>.txt`` (title line,
    blank line, paragraphs), without its leading date line. Run once; the folder stays outside
    the repository."""
    out.mkdir(parents=True, exist_ok=True)
    git = ["git", "--git-dir", str(mirror)]
    listing = subprocess.run([*git, "ls-tree", "-r", "--name-only", "HEAD", "data"],
                             capture_output=True, text=True, check=True)  # fmt: skip
    count = 0
    for name in listing.stdout.split():
        if not name.endswith(".csv"):
            continue
        data = subprocess.run([*git, "show", f"HEAD:{name}"],
                              capture_output=True, text=True, check=True).stdout  # fmt: skip
        for row in csv.DictReader(io.StringIO(data)):
            paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", row["text"])]
            paragraphs = [p for p in paragraphs if p]
            if paragraphs and re.fullmatch(r"\w+day, \w+ \d{1,2}, \d{4}", paragraphs[0]):
                paragraphs = paragraphs[1:]
            if len(paragraphs) < 3:
                continue
            count += 1
            text = "\n\n".join([row["title"].strip(), *paragraphs]) + "\n"
            (out / f"{count:04d}.txt").write_text(text, encoding="utf-8")
    print(f"wrote {count} articles to {out}")


@dataclass
class Tally:
    matched: int = 0
    got: int = 0
    want: int = 0
    copies: int = 0
    worst_recall: float = 1.0
    worst_name: str = ""
    marks_left: int = 0
    marks_injected: int = 0
    legit_total: int = 0
    legit_lost: int = 0
    chrome_total: int = 0
    chrome_left: int = 0
    glued_total: int = 0
    glued_left: int = 0

    def line(self, name: str) -> str:
        p, r = self.matched / self.got, self.matched / self.want
        f1 = 2 * p * r / (p + r)
        return (
            f"{name}: {self.copies} copies  word P {p:.4f}  R {r:.4f}  F1 {f1:.4f}  "
            f"worst recall {self.worst_recall:.3f} ({self.worst_name})\n"
            f"   watermarks left {self.marks_left} of {self.marks_injected}; legitimate mentions "
            f"lost {self.legit_lost} of {self.legit_total}; chrome lines left {self.chrome_left} "
            f"of {self.chrome_total}; glued words left {self.glued_left} of {self.glued_total}"
        )


def score(tally: Tally, checks: Checks, name: str, noisy: Noisy, cleaned: str) -> None:
    m, g, w = word_scores(cleaned, noisy.original)
    tally.matched, tally.got, tally.want = tally.matched + m, tally.got + g, tally.want + w
    tally.copies += 1
    if m / w < tally.worst_recall:
        tally.worst_recall, tally.worst_name = m / w, name
    checks.that(bool(cleaned.strip()), f"{name}: the cleaned output is empty")
    flat = noisy.text.replace("\r", "")
    for mark in noisy.marks:
        added = flat.count(mark) - noisy.original.count(mark)
        checks.that(added > 0, f"{name}: watermark {mark!r} not in the noisy text")
        tally.marks_injected += added
        tally.marks_left += max(0, cleaned.count(mark) - noisy.original.count(mark))
    lines = {line.strip() for line in cleaned.split("\n")}
    for line in noisy.chrome:
        checks.that(line in flat, f"{name}: chrome line {line!r} not in the noisy text")
        tally.chrome_total += 1
        tally.chrome_left += line in lines and line not in noisy.original
    for token in noisy.glued:
        checks.that(token in flat, f"{name}: glued word {token!r} not in the noisy text")
        tally.glued_total += 1
        tally.glued_left += bool(re.search(rf"\b{re.escape(token)}\b", cleaned))
    tally.legit_total += len(noisy.legit)
    tally.legit_lost += sum(1 for mention in noisy.legit if mention not in cleaned)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus")
    parser.add_argument("--copies", type=int, default=2, help="noisy copies per article and seed")
    parser.add_argument("--tiny", action="store_true", help="two articles, one seed, one copy")
    parser.add_argument("--extract-wikinews", nargs=2, type=Path, metavar=("MIRROR", "OUT"))
    args = parser.parse_args()
    if args.extract_wikinews:
        extract_wikinews(*args.extract_wikinews)
        return
    originals = load_corpus(args.corpus)
    if args.tiny:
        originals, args.seeds, args.copies = originals[:2], args.seeds[:1], 1
    titles = [o.split("\n", 1)[0] for o in originals]
    checks = Checks()
    tallies = {"generator A": Tally(), "generator B": Tally()}
    for seed in args.seeds:
        rng_a, rng_b = random.Random(seed), random.Random(seed * 7919)
        for copy in range(args.copies):
            for k, original in enumerate(originals):
                name = f"article {k} seed {seed} copy {copy}"
                a = make_noisy(original, rng_a, titles)
                noisy_a = Noisy(a.text, a.original, [a.mark], a.chrome, [], a.legit)
                score(tallies["generator A"], checks, name, noisy_a, clean_text(a.text).text)
                b = make_noisy_b(original, rng_b)
                score(tallies["generator B"], checks, name, b, clean_text(b.text).text)
    expected = len(originals) * len(args.seeds) * args.copies
    for tally in tallies.values():
        checks.equal(tally.copies, expected, "noisy copies scored")
    checks.verify()
    print(f"corpus: {len(originals)} articles from {args.corpus}, seeds {args.seeds}, "
          f"{args.copies} copies each")  # fmt: skip
    for name, tally in tallies.items():
        print(tally.line(name))


if __name__ == "__main__":
    main()
