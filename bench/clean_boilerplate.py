"""Benchmark: boilerplate learned from an archive, on a synthetic archive of five sites.

Each site has its own recurring chrome, lines no general rule knows ("The Harbour Ledger is
funded by readers like you"), placed at the top, between paragraphs and at the end of its
pages, each line on most pages. Page bodies are distinct: paragraphs of three to five sentences
drawn at random from bench/corpus, so no body line recurs by construction. Every page is
cleaned three ways on the same input:

- without learning (``clean_text`` alone);
- streaming, as ``batch`` does: each page is learned, then stripped of what its site has
  repeated so far (the first pages of a site cannot benefit);
- two passes: learn the whole archive, then strip every page;
- as `newsbrief batch --learn-boilerplate` does: the pages are written to one folder per site,
  ``batch.learn_boilerplate`` reads and cleans them all (the batch's own first pass), then
  each page is stripped as the batch's workers strip it.

    python bench/clean_boilerplate.py [--pages 500] [--sites 5] [--seed 1]
    python bench/clean_boilerplate.py --tiny     # 60 pages, 3 sites: checks the bench

Prints, for each way: site chrome lines left (of those injected), body lines lost, and word
F1 against the clean bodies. Before printing it checks that every page holds its site's chrome,
that every body line is unique in the archive, and that all three ways scored every page;
otherwise it exits 3.
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
from collections import Counter
from pathlib import Path

from _valid import Checks
from clean_quality import word_scores

from newsbrief.batch import learn_boilerplate
from newsbrief.clean import CleanArticle, clean_text, normalize
from newsbrief.clean.boilerplate import Boilerplate, site_of

ROOT = Path(__file__).resolve().parents[1]
SITE_NAMES = ["Harbour Ledger", "Valley Courant", "Northern Dispatch", "Coastline Echo",
              "Prairie Signal", "Summit Observer", "Delta Tribune"]  # fmt: skip
CHROME = [
    "The {site} is funded by readers like you",
    "{site} Weekend: puzzles, recipes and more",
    "Send your tips to the {site} newsroom",
    "{site} journalists are independent of its owners",
    "Download the {site} app for breaking alerts",
    "Our {site} podcast is out every Thursday morning",
    "Questions about this story? Write to the {site} readers' editor",
]


def sentences() -> list[str]:
    found: list[str] = []
    for path in sorted((ROOT / "bench" / "corpus").glob("*.txt")):
        for paragraph in normalize(path.read_text(encoding="utf-8"))[0].split("\n\n")[1:]:
            found += [s for s in re.split(r"(?<=[.!?])\s+", paragraph) if len(s.split()) >= 5]
    return found


def make_archive(
    pages: int, sites: int, rng: random.Random
) -> list[tuple[str, str, str, list[str]]]:
    """(site, noisy page, clean body, chrome lines injected) for each page."""
    pool = sentences()
    archive = []
    site_chrome: dict[str, list[str]] = {}
    for k in range(pages):
        site = SITE_NAMES[k % sites]
        own = [line.format(site=site) for line in rng.sample(CHROME, 5)] if k < sites else None
        if own is not None:
            site_chrome[site] = own
        paragraphs = [
            " ".join(rng.sample(pool, rng.randint(3, 5))) for _ in range(rng.randint(3, 6))
        ]
        body = "\n\n".join(paragraphs)
        chrome = [line for line in site_chrome[site] if rng.random() < 0.8]
        layout = list(paragraphs)
        for line in chrome:
            layout.insert(rng.choice([0, rng.randint(1, len(layout)), len(layout)]), line)
        archive.append((site, "\n\n".join(layout), body, chrome))
    return archive


def first_pass(
    archive: list[tuple[str, str, str, list[str]]], cleaned: list[CleanArticle], checks: Checks
) -> list[str]:
    """The pages stripped after the batch's first pass over a folder per site."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for k, (site, page, _, _) in enumerate(archive):
            path = Path(folder) / site.replace(" ", "-") / f"{k:04d}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text(page, encoding="utf-8")
            paths.append(path)
        learned = Boilerplate()
        read = learn_boilerplate([folder], learned)
        checks.equal(read, len(archive), "pages read by the first pass")
        return [learned.learn_and_strip(site_of(str(path)), c).text
                for path, c in zip(paths, cleaned, strict=True)]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--sites", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tiny", action="store_true", help="60 pages, 3 sites")
    args = parser.parse_args()
    if args.tiny:
        args.pages, args.sites = 60, 3
    rng = random.Random(args.seed)
    archive = make_archive(args.pages, args.sites, rng)
    checks = Checks()
    body_lines = Counter(line for _, _, body, _ in archive for line in body.split("\n\n"))
    checks.that(max(body_lines.values()) == 1, "a body line recurs in the archive")
    for k, (_, page, _, chrome) in enumerate(archive):
        checks.that(bool(chrome) and all(c in page for c in chrome), f"page {k}: chrome missing")
    cleaned = [clean_text(page) for _, page, _, _ in archive]
    streaming = Boilerplate()
    ways = {
        "without learning": [c.text for c in cleaned],
        "streaming (batch)": [
            streaming.learn_and_strip(site, c).text
            for (site, _, _, _), c in zip(archive, cleaned, strict=True)
        ],
    }
    whole = Boilerplate()
    for (site, _, _, _), c in zip(archive, cleaned, strict=True):
        whole.observe(site, c.text)
    ways["two passes"] = [
        whole.strip(site, c).text for (site, _, _, _), c in zip(archive, cleaned, strict=True)
    ]
    ways["batch --learn-boilerplate"] = first_pass(archive, cleaned, checks)
    for name, texts in ways.items():
        checks.equal(len(texts), len(archive), f"pages cleaned {name}")
    checks.verify()
    injected = sum(len(chrome) for _, _, _, chrome in archive)
    print(f"archive: {len(archive)} pages from {args.sites} sites, {injected} site chrome lines "
          f"injected (seed {args.seed})")  # fmt: skip
    for name, texts in ways.items():
        left = lost = matched = got = want = 0
        for (_, _, body, chrome), text in zip(archive, texts, strict=True):
            lines = set(text.split("\n"))
            left += sum(1 for c in chrome if c in lines)
            lost += sum(1 for line in body.split("\n\n") if line not in lines)
            m, g, w = word_scores(text, body)
            matched, got, want = matched + m, got + g, want + w
        f1 = 2 * matched / (got + want)
        print(f"{name:26}  chrome lines left {left:5d} of {injected}  body lines lost {lost:3d}"
              f"  word F1 {f1:.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
