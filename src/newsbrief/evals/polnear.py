"""PolNeAR, the political news attribution corpus: the yardstick of the attribution rules
(:mod:`newsbrief.brief.rules.attribution`).

PolNeAR (networkdynamics/PolNeAR) holds 1,008 US election articles of 2015-2016 with about
24,000 attributions in BRAT standoff files, split train / dev / test by month. The corpus is never
committed: :func:`fetch` copies the text and annotation folders of a local clone (a normal clone
or a bare mirror) into the user data folder, and :func:`load` reads them from there.

Scores follow the PARC / citron way, per role (cue, source, content), pooled over articles:

- *exact*: a predicted span counts when its words are exactly a gold span's words of the same
  role (punctuation and quotation marks aside), one-to-one;
- *overlap*: precision is the mean over predicted spans of the largest share of their words that
  one gold span of the role covers, recall the mean over gold spans of the largest share of their
  words that one predicted span covers.

A content of several pieces is one span of their words together. Words are ``\\w+`` runs, so
the measure does not depend on spaCy's tokenizer.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

SPLITS = ("train", "dev", "test")
ROLES = ("cue", "source", "content")
REPO = "networkdynamics/PolNeAR"
FETCH_HINT = (
    "fetch it first: git clone https://github.com/networkdynamics/PolNeAR ~/src/PolNeAR, then "
    "python -m newsbrief.evals.polnear fetch ~/src/PolNeAR"
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Gold:
    """One annotated attribution: character ranges per role (content may be several)."""

    cue: tuple[tuple[int, int], ...]
    source: tuple[tuple[int, int], ...]
    content: tuple[tuple[int, int], ...]


@dataclass
class Doc:
    name: str
    text: str
    gold: list[Gold]


def default_dir() -> Path:
    from .dataset import default_articles_dir

    return default_articles_dir() / "polnear"


def fetch(clone: Path, into: Path | None = None) -> Path:
    """Copy ``data/{train,dev,test}/{text,attributions}`` of a local PolNeAR clone into ``into``
    (the user data folder by default). Works on a work tree or a bare mirror (``git archive``)."""
    into = into or default_dir()
    into.mkdir(parents=True, exist_ok=True)
    paths = [f"data/{split}/{part}" for split in SPLITS for part in ("text", "attributions")]
    if (clone / "data").is_dir():
        missing = [path for path in paths if not (clone / path).is_dir()]
        if missing:
            raise InputError(f"{clone} is not a whole PolNeAR clone (no {missing[0]})", FETCH_HINT)
        import shutil

        for path in paths:
            shutil.copytree(clone / path, into / path, dirs_exist_ok=True)
        return into
    archive = subprocess.run(
        ["git", "--git-dir", str(clone), "archive", "HEAD", *paths],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        message = archive.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(
            f"{clone} is not a PolNeAR clone ({message[-1] if message else 'git archive failed'})",
            FETCH_HINT,
        )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _ranges(field_text: str) -> tuple[tuple[int, int], ...]:
    ranges = []
    for piece in field_text.split(";"):
        start, end = piece.split()
        ranges.append((int(start), int(end)))
    return tuple(ranges)


def parse_ann(text: str) -> list[Gold]:
    """The attributions of one BRAT ``.ann`` file (``E`` lines joining ``T`` spans)."""
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {}
    events: list[dict[str, str]] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            label, _, where = parts[1].partition(" ")
            spans[parts[0]] = (label, _ranges(where))
        elif parts[0].startswith("E"):
            roles = dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg)
            events.append(roles)
    gold: list[Gold] = []
    for roles in events:
        if not any(k.startswith("Attribution") for k in roles):
            continue
        # a role may come more than once, numbered ("Content", "Content2"): all its ranges
        ranges: dict[str, list[tuple[int, int]]] = {}
        for key, tid in roles.items():
            if tid in spans:
                ranges.setdefault(key.rstrip("0123456789"), []).extend(spans[tid][1])
        if "Cue" not in ranges or "Content" not in ranges:
            continue
        gold.append(Gold(tuple(ranges["Cue"]), tuple(ranges.get("Source", ())),
                         tuple(sorted(ranges["Content"]))))  # fmt: skip
    return gold


def load(split: str, root: Path | None = None, limit: int | None = None) -> list[Doc]:
    """The articles of ``split`` with their gold attributions. An article annotated by several
    annotators is read once, with the first annotator's file (by name)."""
    if split not in SPLITS:
        raise InputError(f"unknown PolNeAR split {split!r}", f"choose one of {', '.join(SPLITS)}")
    root = root or default_dir()
    texts = root / "data" / split / "text"
    if not texts.is_dir():
        raise InputError(f"PolNeAR is not in {root}", FETCH_HINT)
    docs: list[Doc] = []
    annotations = sorted((root / "data" / split / "attributions").glob("*.ann"))
    chosen: dict[str, Path] = {}
    for path in annotations:
        chosen.setdefault(path.stem.rsplit("_", 1)[0], path)
    for name in sorted(chosen)[:limit]:
        text_path = texts / f"{name}.txt"
        if not text_path.is_file():
            raise InputError(f"PolNeAR article {name} has annotations but no text", FETCH_HINT)
        text = text_path.read_text(encoding="utf-8")
        docs.append(Doc(name, text, parse_ann(chosen[name].read_text(encoding="utf-8"))))
    if not docs:
        raise InputError(f"no PolNeAR {split} articles in {root}", FETCH_HINT)
    return docs


# --- scoring --------------------------------------------------------------------------------------


def words_of(text: str, ranges: Iterable[tuple[int, int]]) -> frozenset[int]:
    """Start offsets of the words inside ``ranges``: a span as a set of words."""
    found: set[int] = set()
    for start, end in ranges:
        found.update(start + m.start() for m in _WORD.finditer(text[start:end]))
    return frozenset(found)


@dataclass
class Tally:
    """Pooled counts for one role."""

    predicted: int = 0
    gold: int = 0
    exact: int = 0
    overlap_p: float = 0.0
    overlap_r: float = 0.0

    def add(self, predicted: Sequence[frozenset[int]], gold: Sequence[frozenset[int]]) -> None:
        predicted = [p for p in predicted if p]
        gold = [g for g in gold if g]
        self.predicted += len(predicted)
        self.gold += len(gold)
        unmatched = list(gold)
        for p in predicted:
            if p in unmatched:
                unmatched.remove(p)
                self.exact += 1
        for p in predicted:
            self.overlap_p += max((len(p & g) / len(p) for g in gold), default=0.0)
        for g in gold:
            self.overlap_r += max((len(p & g) / len(g) for p in predicted), default=0.0)

    def scores(self) -> dict[str, float]:
        def f1(p: float, r: float) -> float:
            return 2 * p * r / (p + r) if p + r else 0.0

        ep = self.exact / self.predicted if self.predicted else 0.0
        er = self.exact / self.gold if self.gold else 0.0
        op = self.overlap_p / self.predicted if self.predicted else 0.0
        orr = self.overlap_r / self.gold if self.gold else 0.0
        return {
            "exact_p": ep, "exact_r": er, "exact_f1": f1(ep, er),
            "overlap_p": op, "overlap_r": orr, "overlap_f1": f1(op, orr),
        }  # fmt: skip


@dataclass
class Score:
    articles: int = 0
    tallies: dict[str, Tally] = field(default_factory=lambda: {r: Tally() for r in ROLES})

    def table(self) -> dict[str, dict[str, float]]:
        return {role: tally.scores() for role, tally in self.tallies.items()}


Predicted = tuple[
    Sequence[tuple[int, int]], Sequence[tuple[int, int]], Sequence[tuple[int, int]]
]  # (cue ranges, source ranges, content ranges) of one predicted attribution


def score(docs: Sequence[Doc], predict: Callable[[str], list[Predicted]]) -> Score:
    """Score ``predict`` (text -> attributions as (cue, source, content) ranges) on ``docs``."""
    total = Score()
    for doc in docs:
        predicted = predict(doc.text)
        total.articles += 1
        for index, role in enumerate(ROLES):
            mine = [words_of(doc.text, p[index]) for p in predicted]
            theirs = [words_of(doc.text, getattr(g, role)) for g in doc.gold]
            total.tallies[role].add(mine, theirs)
    return total


def main(argv: Sequence[str] | None = None) -> int:
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (2, 3) or args[0] != "fetch":
        print("usage: python -m newsbrief.evals.polnear fetch CLONE [INTO]", file=sys.stderr)
        return 2
    try:
        into = fetch(Path(args[1]).expanduser(), Path(args[2]) if len(args) == 3 else None)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    counts = {s: len(list((into / "data" / s / "text").glob("*.txt"))) for s in SPLITS}
    print(f"PolNeAR in {into}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
