"""Benchmark: the kinds of noise the cleaner used to leave behind, one generator per kind.

Issue 24 lists what stayed in the text after cleaning real pages: share and follow rows,
author bios, "Related:" and "Read more" lines between paragraphs, newsletter prompts, photo
credits glued to captions, image alt text, cookie and subscription banners, datelines fused
with a site name, breadcrumbs, and two words glued at a line break or by a removed link. Each
kind has its own generator of variants here (templates written for this bench, no site's own
text), and generator C buries an article under a seeded mix of all of them:

    python bench/clean_leftovers.py [--seeds 1 2 3] [--copies 2] [--corpus DIR] [--per-kind]
    python bench/clean_leftovers.py --corpus /work/external/wikinews-plain   # real articles
    python bench/clean_leftovers.py --tiny          # two articles, one copy: checks the bench

``--corpus`` defaults to bench/corpus; the Wikinews folder is made once by
``bench/clean_generators.py --extract-wikinews`` (outside the repository). Wikinews articles
buried by generator C stand in for the held-out set of real articles in scraped-page noise
that the project does not have.

Prints word precision / recall / F1 pooled over all copies, the lowest recall of any copy
(target: no copy under 0.95), the copies whose precision is under 0.95, legitimate lines lost
(a paragraph of the article of which less than half of the word trigrams are left, and
whose letters are not in the output either, glued words aside: must be 0), and for each
kind how many injected lines or glued words are left. Before printing it checks that every
copy was scored, that every injected line and glued word is really in the noisy text and not
in the article, and that no output is empty; otherwise it exits 3 (see bench/_valid.py).
"""

from __future__ import annotations

import argparse
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from _valid import Checks
from clean_generators import load_corpus
from clean_quality import word_scores

from newsbrief.clean import clean_text

ROOT = Path(__file__).resolve().parents[1]

SITES = ["Harbour Ledger", "Valley Courier", "Northfield Observer", "Coastline Today",
         "Metro Chronicle", "Prairie Dispatch"]  # fmt: skip
PEOPLE = ["Nadia Okafor", "Tomas Lindqvist", "Priya Raman", "Owen McAllister", "Sofia Marchetti",
          "Daniel Oyelaran", "Hana Kobayashi", "Liam O'Connell"]  # fmt: skip
BEATS = ["local politics", "climate and energy", "health care", "courts and crime",
         "technology", "the economy", "education", "transport"]  # fmt: skip
CITIES = ["NAIROBI", "LISBON", "QUITO", "HANOI", "CARDIFF", "TORONTO", "ADELAIDE"]
MONTHS = ["Jan", "Feb", "March", "April", "Aug", "Sept", "Oct", "Nov"]
SECTIONS = ["World", "Politics", "Business", "Science", "Sport", "Africa", "Opinion", "Health"]
HEADLINES = [
    "Ferry operator fined over safety lapses", "Drought pushes grain prices higher",
    "City council delays vote on housing plan", "Rail strike called off at the last minute",
    "Researchers map the spread of invasive crabs", "Court hears appeal in land dispute",
    "Power cuts expected as heatwave continues", "Museum returns looted bronzes",
]  # fmt: skip
SCENES = ["Volunteers sort donated clothes in a warehouse",
          "A patrol boat off the northern coast",
          "Workers repair a damaged section of the highway",
          "Students queue outside the exam hall", "The harbour at dawn on Thursday",
          "Delegates arrive for the second day of talks"]  # fmt: skip
AGENCIES = ["Reuters", "AFP via Getty Images", "AP", "EPA", "Shutterstock", "Bloomberg"]

# Each kind: templates of whole lines ({site}, {person}, {headline}, ... are filled in).
SHARE = [
    "Share this story: Facebook Twitter WhatsApp Email", "Share · Tweet · Email · Copy link",
    "Facebook | Twitter | LinkedIn | Reddit | Email", "Follow {site} on Facebook and Instagram",
    "Follow {person} on X @{handle}", "Share on WhatsApp", "{n} shares", "SHARE",
    "Tweet this quote", "Share this article on Facebook", "Share via email",
    "Follow us on Instagram, TikTok and YouTube", "Like {site} on Facebook",
    "This article has been sent to", "Email this story", "Send to a friend",
]  # fmt: skip
BIO = [
    "{person} is a {role} at {site}, covering {beat}.",
    "{person} is a {role} for {site} who covers {beat}. Reach {them} at {handle}@{domain}.",
    "About the author: {person} has covered {beat} for {site} since {year}.",
    "{person} writes about {beat} for {site}. Follow {them} on X @{handle}.",
    "{person} is {site}'s {role} based in {city_title}. {they} previously reported on {beat}.",
    "{person} covers {beat} for {site}. Contact {them} at {handle}@{domain}",
    "Write to {person} at {handle}@{domain}", "Contact the author: {handle}@{domain}",
]  # fmt: skip
RELATED = [
    "Related: {headline}", "READ MORE: {headline}", "» Read more: {headline}",
    "RELATED | {headline}", "ALSO READ | {headline}", "Read more — {headline}",
    "Related coverage: {headline}", "MORE: {headline}", "Read next >> {headline}",
    "See also: {headline}", "(Read more: {headline})", "Recommended: {headline}",
    "RELATED STORY: {headline}", "Read also – {headline}",
]  # fmt: skip
NEWSLETTER = [
    "Get the {site} morning briefing delivered to your inbox",
    "Sign up to our daily newsletter", "Enter your email address", "Thank you for subscribing!",
    "Want more stories like this? Sign up for {site} Daily.",
    "Don't miss a story: sign up for breaking news alerts",
    "By signing up you agree to our Terms of Use and Privacy Policy",
    "Sign up for free", "Get our free weekly newsletter", "Subscribe to {site} newsletters",
    "{section} Newsletter", "Keep an eye on your inbox for the latest {section} news.",
    "Sorry! There was an error processing your subscription.",
    "Check your inbox to confirm your subscription.",
]  # fmt: skip
CREDIT = ["Photo: {person}/{agency}", "Image: {agency}", "Photograph: {person}/{agency}",
          "PHOTO: {agency}", "Credit: {person}/{agency}", "Image credit: {agency}",
          "Picture: {person}"]  # fmt: skip
# (A caption before a credit in brackets, "The harbour at dawn (Photo: AP)", keeps its words by
# design: real pages hold captions in their text. Only its credit goes; not measured here.)
ALT = [
    "Image may contain: 2 people, people standing and outdoor", "Image 1 of {n}",
    "Open image in gallery", "Click to enlarge", "Expand image", "View gallery ({n} photos)",
    "[Image: {scene}]", "Photo gallery: {scene}", "Enlarge this image", "Hide caption",
    "Toggle caption", "Image", "Video", "Play video",
]  # fmt: skip
BANNER = [
    "This website uses cookies to ensure you get the best experience on our website.",
    "By continuing to browse the site you are agreeing to our use of cookies.",
    "We value your privacy", "Manage consent", "Accept and close",
    "You have reached your limit of free articles.", "Subscribe now for unlimited access",
    "Already a subscriber? Log in", "This article is for subscribers only.",
    "You've read {k} of {n} free articles this month.",
    "Support independent journalism — become a member today.",
    "Subscribe for just $1 a week", "Log in or create an account to continue reading",
    "Order reprints", "This copy is for your personal, non-commercial use only.",
    "Reprints and permissions", "An error has occurred, please try again later.",
]  # fmt: skip
DATELINE = [
    "{site} | {month} {day}, {year} | Updated {hour}:{minute}",
    "By {person} | {site} | {month} {day}, {year}",
    "Published by {site} on {day} {month} {year}",
    "{site} Staff | {year}-0{m}-{day}",
    "{site} — {month} {day}, {year}",
    "{person}, {site} · {day} {month} {year}",
    "Last updated {day} {month} {year} at {hour}:{minute} | {site}",
]  # fmt: skip
DATELINE_PREFIX = ["{city} ({site}) — ", "{city}, {month} {day} ({site}) - ",
                   "{city} — {site} — ", "({site}) — "]  # fmt: skip
BREADCRUMB = [
    "Home » News » {section}", "News / {section} / {section2}", "You are here: Home > {section}",
    "Home | {section} | {section2}", "Home › {section} › {section2}",
    "{section} · {section2} · {n} min read", "Home / {section}", "News > {section}",
]  # fmt: skip

KINDS: dict[str, list[str]] = {
    "share": SHARE, "bio": BIO, "related": RELATED, "newsletter": NEWSLETTER,
    "alt": ALT, "banner": BANNER, "dateline": DATELINE, "breadcrumb": BREADCRUMB,
}  # fmt: skip
WHERE = {"share": "any", "bio": "tail", "related": "inside", "newsletter": "any",
         "alt": "inside", "banner": "head", "dateline": "head", "breadcrumb": "head"}  # fmt: skip


@dataclass
class NoisyC:
    text: str
    original: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (kind, injected line)
    fragments: list[tuple[str, str]] = field(default_factory=list)  # (kind, text glued on)
    glued: list[str] = field(default_factory=list)  # two words run together


def fill(template: str, rng: random.Random, site: str) -> str:
    person = rng.choice(PEOPLE)
    handle = re.sub(r"[^a-z]", "", person.lower())[: rng.randint(6, 12)]
    them, they = rng.choice([("her", "She"), ("him", "He"), ("them", "They")])
    return template.format(
        site=site, person=person, handle=handle, them=them, they=they,
        domain=re.sub(r"[^a-z]", "", site.lower()) + ".example", role=rng.choice(
            ["reporter", "senior correspondent", "staff writer", "political editor",
             "contributing writer", "data journalist"]),
        beat=rng.choice(BEATS), year=rng.randint(2012, 2025), city=rng.choice(CITIES),
        city_title=rng.choice(CITIES).title(), month=rng.choice(MONTHS), day=rng.randint(10, 28),
        m=rng.randint(1, 9), hour=rng.randint(10, 23), minute=rng.randint(10, 59),
        n=rng.randint(2, 40), k=rng.randint(1, 3), headline=rng.choice(HEADLINES),
        section=rng.choice(SECTIONS), section2=rng.choice(SECTIONS), scene=rng.choice(SCENES),
        agency=rng.choice(AGENCIES),
    )  # fmt: skip


def glue_pairs(paragraphs: list[list[str]], rng: random.Random, count: int) -> list[str]:
    """Run ``count`` pairs of neighbouring words together, as a line break or a removed link
    leaves them: any two words of letters ("percentof", "theCommission", "marketsand")."""
    glued: list[str] = []
    for _ in range(count):
        p = rng.randrange(1, len(paragraphs)) if len(paragraphs) > 1 else 0
        words = paragraphs[p]
        spots = [i for i in range(len(words) - 1)
                 if words[i] not in glued and words[i + 1] not in glued  # pairs, not runs
                 and words[i].isalpha() and words[i].islower() and len(words[i]) >= 2
                 and words[i + 1].isalpha() and len(words[i + 1]) >= 2
                 and len(words[i]) + len(words[i + 1]) >= 6]  # fmt: skip
        if spots:
            i = rng.choice(spots)
            words[i : i + 2] = [words[i] + words[i + 1]]
            glued.append(words[i])
    return glued


def make_noisy_c(original: str, rng: random.Random, kinds: list[str] | None = None) -> NoisyC:
    """Generator C: bury ``original`` (title line, blank line, paragraphs) under a seeded mix of
    the leftover kinds (all of them unless ``kinds`` is given)."""
    site = rng.choice(SITES)
    kinds = kinds or [*KINDS, "credit", "prefix", "glued"]
    paragraphs = original.split("\n\n")
    title, body = paragraphs[0], [p.split(" ") for p in paragraphs[1:]]
    noisy = NoisyC("", original)
    if "glued" in kinds:
        noisy.glued = glue_pairs(body, rng, rng.randint(1, 4))
    texts = [" ".join(words) for words in body]
    if "prefix" in kinds and texts and not texts[0].startswith(("“", '"', "'")):
        prefix = fill(rng.choice(DATELINE_PREFIX), rng, site)
        texts[0] = prefix + texts[0]
        noisy.fragments.append(("dateline", prefix.strip()))
    head: list[str] = []
    tail: list[str] = []
    for kind in (k for k in KINDS if k in kinds):
        for _ in range(rng.randint(1, 2)):
            line = fill(rng.choice(KINDS[kind]), rng, site)
            noisy.lines.append((kind, line))
            where = WHERE[kind] if WHERE[kind] != "any" else rng.choice(["head", "inside", "tail"])
            if where == "head":
                head.append(line)
            elif where == "tail":
                tail.append(line)
            else:
                texts.insert(rng.randint(1, max(1, len(texts) - 1)), line)
    if "credit" in kinds:  # a caption with its credit glued on, or set after it
        scene, credit = rng.choice(SCENES), fill(rng.choice(CREDIT), rng, site)
        line = scene + rng.choice(["", " ", ". "]) + credit
        texts.insert(rng.randint(1, max(1, len(texts) - 1)), line)
        noisy.lines.append(("credit", line))
    rng.shuffle(head)
    layout = rng.choice(["\n\n", "\n"])
    noisy.text = layout.join([*head, title, *texts, *tail]) + "\n"
    return noisy


@dataclass
class Tally:
    matched: int = 0
    got: int = 0
    want: int = 0
    copies: int = 0
    worst_recall: float = 1.0
    worst_name: str = ""
    low_precision: int = 0
    legit_lost: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    left: Counter[str] = field(default_factory=Counter)


def legit_lines(original: str) -> list[str]:
    """Lines of the article itself that the cleaner must keep: every paragraph of prose."""
    return [p for p in original.split("\n\n")[1:] if len(p.split()) >= 8]


def score(tally: Tally, checks: Checks, name: str, noisy: NoisyC, cleaned: str) -> None:
    m, g, w = word_scores(cleaned, noisy.original)
    tally.matched, tally.got, tally.want = tally.matched + m, tally.got + g, tally.want + w
    tally.copies += 1
    if m / w < tally.worst_recall:
        tally.worst_recall, tally.worst_name = m / w, name
    tally.low_precision += g > 0 and m / g < 0.95
    checks.that(bool(cleaned.strip()), f"{name}: the cleaned output is empty")
    flat = noisy.text
    own_lines = set(noisy.original.split("\n"))
    kept_lines = {line.strip() for line in cleaned.split("\n")}
    for kind, line in noisy.lines:  # whole lines: compared as lines ("Image" may be a word)
        checks.that(line in flat.split("\n") and line not in own_lines,
                    f"{name}: {kind} {line!r} is not noise in the noisy text")  # fmt: skip
        tally.injected[kind] += 1
        tally.left[kind] += line in kept_lines
    for kind, fragment in noisy.fragments:  # glued to the article's first line
        checks.that(fragment in flat and fragment not in noisy.original,
                    f"{name}: {kind} {fragment!r} is not noise in the noisy text")  # fmt: skip
        tally.injected[kind] += 1
        tally.left[kind] += fragment in cleaned
    for token in noisy.glued:
        checks.that(token in flat, f"{name}: glued word {token!r} not in the noisy text")
        tally.injected["glued"] += 1
        tally.left["glued"] += bool(re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", cleaned))
    kept, letters = trigrams(cleaned), "".join(cleaned.split())
    for line in legit_lines(noisy.original):  # lost: not kept, even with glued words unsplit
        own = trigrams(line)
        tally.legit_lost += (
            len(own & kept) < 0.5 * len(own) and "".join(line.split()) not in letters
        )


def trigrams(text: str) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def run(originals: list[str], seeds: list[int], copies: int,
        generator: Callable[[str, random.Random], NoisyC]) -> tuple[Tally, Checks]:  # fmt: skip
    checks = Checks()
    tally = Tally()
    for seed in seeds:
        rng = random.Random(seed * 104729)
        for copy in range(copies):
            for k, original in enumerate(originals):
                noisy = generator(original, rng)
                name = f"article {k} seed {seed} copy {copy}"
                score(tally, checks, name, noisy, clean_text(noisy.text).text)
    checks.equal(tally.copies, len(originals) * len(seeds) * copies, "noisy copies scored")
    return tally, checks


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus")
    parser.add_argument("--copies", type=int, default=2, help="noisy copies per article and seed")
    parser.add_argument("--per-kind", action="store_true", help="also one run per kind alone")
    parser.add_argument("--tiny", action="store_true", help="two articles, one seed, one copy")
    args = parser.parse_args()
    originals = load_corpus(args.corpus)
    if args.tiny:
        originals, args.seeds, args.copies = originals[:2], args.seeds[:1], 1
    runs = {"generator C (all kinds)": make_noisy_c}
    if args.per_kind:
        for kind in [*KINDS, "credit", "prefix", "glued"]:
            runs[f"  {kind} alone"] = lambda o, r, k=kind: make_noisy_c(o, r, [k])  # type: ignore[misc]
    results = {name: run(originals, args.seeds, args.copies, gen) for name, gen in runs.items()}
    for tally, checks in results.values():
        checks.that(sum(tally.injected.values()) > 0, "no noise was injected")
        checks.verify()
    print(f"corpus: {len(originals)} articles from {args.corpus}, seeds {args.seeds}, "
          f"{args.copies} copies each")  # fmt: skip
    for name, (t, _) in results.items():
        p, r = t.matched / t.got, t.matched / t.want
        print(f"{name}: {t.copies} copies  word P {p:.4f}  R {r:.4f}  F1 {2 * p * r / (p + r):.4f}"
              f"  worst recall {t.worst_recall:.3f} ({t.worst_name})  copies under 0.95 "
              f"precision {t.low_precision}  legit_lost {t.legit_lost}")  # fmt: skip
        print("    left/injected: " + ", ".join(
            f"{k} {t.left[k]}/{t.injected[k]}" for k in sorted(t.injected)))  # fmt: skip


if __name__ == "__main__":
    main()
