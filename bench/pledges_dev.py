"""The floor's pledges on a development set: 60 Wikinews articles of 2019-2020 that are not in
the real set, labelled for pledges alone (``evals/external/pledges/wikinews_dev.json``).

    python bench/pledges_dev.py --clone /work/.mirror/vanatteveldt+wikinews/repo
    python bench/pledges_dev.py --clone ... --per-article      # what each article missed or added
    python bench/pledges_dev.py --tiny                         # three articles written here

The set is where the floor's failure classes are looked for; the real set
(``evals/external/real``) stays the yardstick that is only scored. Each article's text is the
CSV row's title, a blank line and its text, checked against the labelled sha256; a fresh floor
batch (no cache) reads every article once; the pledges are scored by the eval harness's pledge
scorer (actor gate, then token F1 of the commitment, one-to-one), micro over all articles. The
number is printed only when every article was read and briefed and every label scored.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from _valid import Checks, require

from newsbrief import batch
from newsbrief.evals.dataset import Labels
from newsbrief.evals.scorers import Output, pledges_f1, prf

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "evals" / "external" / "pledges" / "wikinews_dev.json"


def texts_from_clone(clone: Path, labels: dict[str, Any]) -> dict[str, str]:
    """Each labelled article's text from a clone of the corpus, checked against its sha256."""
    rows: dict[str, list[dict[str, str]]] = {}
    texts = {}
    for article in labels["articles"]:
        path = article["path"]
        if path not in rows:
            blob = f"{labels['source']['commit']}:{path}"
            data = subprocess.run(["git", f"--git-dir={clone}", "show", blob],
                                  capture_output=True, check=True).stdout  # fmt: skip
            rows[path] = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
        row = rows[path][int(article["selector"].removeprefix("row="))]
        text = row["title"] + "\n\n" + row["text"]
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        require(digest == article["sha256"], f"{article['id']}: not the labelled text")
        texts[article["id"]] = text
    return texts


def floor_briefs(texts: dict[str, str], work: Path) -> dict[str, dict[str, Any]]:
    """A fresh floor batch (no cache) over the articles: each article's brief."""
    records = work / "articles.jsonl"
    with records.open("w", encoding="utf-8") as out:
        for aid, text in texts.items():
            out.write(json.dumps({"id": aid, "text": text}) + "\n")
    results = work / "results.jsonl"
    counts = batch.run([str(records)], results, strategy="floor", cache=False, log=False)
    checks = Checks()
    checks.equal(counts.done, len(texts), "articles briefed")
    checks.equal(counts.failed, 0, "articles failed")
    checks.equal(counts.cached, 0, "articles answered from the cache")
    checks.verify()
    with results.open(encoding="utf-8") as handle:
        return {r["id"]: r["brief"] for r in map(json.loads, handle)}


def score(labels: dict[str, Any], briefs: dict[str, dict[str, Any]], per_article: bool) -> None:
    scorer = pledges_f1()
    tp = fp = fn = gold = 0
    for article in labels["articles"]:
        wanted = Labels(id="dev", summary="(pledges only)", key_facts=["-", "-", "-"],
                        pledges=article["pledges"])  # fmt: skip
        brief = briefs[article["id"]]
        found = scorer(wanted, Output(brief=brief, source=""))
        tp, fp, fn = tp + found.tp, fp + found.fp, fn + found.fn
        gold += len(article["pledges"])
        if per_article and (found.fp or found.fn):
            print(f"{article['id']}: {found.explanation}")
    require(tp + fn == gold, f"{tp + fn} labelled pledges scored, {gold} labelled")
    precision, recall, f1 = prf(tp, fp, fn)
    print(f"floor pledges on {len(labels['articles'])} articles ({gold} labelled): "
          f"P {precision:.3f} R {recall:.3f} F1 {f1:.3f} "
          f"({tp} matched, {fp} extra, {fn} missed)")  # fmt: skip


# --- --tiny: three short articles written here, labelled here -----------------------------------

TINY_TEXTS = {
    "tiny_ferry": "Ferry board votes\n\nThe Tarn Ferry Board said on Monday it will buy two new "
    "boats next year. Its chair, Hana Okoro, promised that fares will not rise.",
    "tiny_storm": "Storm passes\n\nA storm crossed the bay on Sunday. Forecasters said the rain "
    "would ease by Tuesday.",
    "tiny_council": "Council plan\n\nThe Orvik city council announced its plan to repair the old "
    "pier before the summer.",
}
TINY_LABELS: dict[str, Any] = {
    "articles": [
        {"id": "tiny_ferry", "pledges": [
            {"actor": "The Tarn Ferry Board", "aliases": [], "commitment": "buy two new boats",
             "condition": None},
            {"actor": "Hana Okoro", "aliases": [], "commitment": "fares will not rise",
             "condition": None}]},
        {"id": "tiny_storm", "pledges": []},
        {"id": "tiny_council", "pledges": [
            {"actor": "The Orvik city council", "aliases": [],
             "commitment": "repair the old pier before the summer", "condition": None}]},
    ]
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clone", type=Path, help="a clone of vanatteveldt/wikinews")
    parser.add_argument("--per-article", action="store_true", help="misses and extras")
    parser.add_argument("--tiny", action="store_true", help="three articles written here")
    args = parser.parse_args()
    require(args.clone is not None or args.tiny, "pass --clone or --tiny")
    if args.tiny:
        labels, texts = TINY_LABELS, TINY_TEXTS
    else:
        labels = json.loads(LABELS.read_text(encoding="utf-8"))
        texts = texts_from_clone(args.clone, labels)
    require(len(texts) == len(labels["articles"]), "one text per labelled article")
    with tempfile.TemporaryDirectory() as folder:
        briefs = floor_briefs(texts, Path(folder))
    score(labels, briefs, args.per_article)


if __name__ == "__main__":
    main()
