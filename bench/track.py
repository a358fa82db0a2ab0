"""The pledge tracker (issue 23) against our labels of the FOMC statements 2008-2016, and its
speed and memory on synthetic results.

    python bench/track.py --clone /work/.mirror/fomc+statements/repo          # quality
    python bench/track.py --clone ... --sweep                                 # thresholds too
    python bench/track.py --speed                                             # 10k and 100k
    python bench/track.py --wikinews /work/.mirror/vanatteveldt+wikinews/repo  # actor merges
    python bench/track.py --tiny                                              # the CI run
    python bench/track.py --clone ... --model-pairs 20           # the embedded model as a judge

Actor merges: every Wikinews 2019-2020 article (295) as one JSONL record, a fresh floor batch,
and the resolver over the actors of its pledges and positions, scored pairwise against our labels
(``evals/external/track/wikinews_actors.json``).

Quality: (1) threads given the labelled pledges, B-cubed F1, for each similarity (token overlap
and wordllama's static embeddings) at its threshold; (2) end to end: ``newsbrief batch
--strategy floor`` over the statements (a fresh run, no cache), then the tracker over its
results; (3) change flags, precision and recall, both ways. Each is printed three times: on the
development years 2008-2012 (the only years looked at while changing the tracker or choosing a
threshold), on the held-out years 2013-2016, and on all. The tracker always runs over every
statement in time order; a span only chooses which labelled pledges are scored. With --sweep,
every threshold, chosen on 2008-2012 and reported on 2013-2016. Speed: a synthetic results file
of N records (generated here), ``newsbrief track`` over it in a fresh process: wall time and
peak RSS, at 10k and 100k, and the ratio. Each number is printed only after its inputs are
checked (statement hashes, record and pledge counts); an invalid measurement exits with status
3.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _valid import Checks, require

from newsbrief import batch
from newsbrief.evals.track import (
    actor_mentions,
    gold_mentions,
    in_years,
    score_actor_merges,
    score_end_to_end,
    score_given_gold,
)
from newsbrief.track import (
    THRESHOLDS,
    Tally,
    compared,
    content_words,
    dice,
    read_mentions,
    resolve_actors,
    thread_all,
)

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "evals" / "external" / "track" / "fomc.json"
ACTORS = ROOT / "evals" / "external" / "track" / "wikinews_actors.json"
DEV, HELD_OUT = ("2008", "2012"), ("2013", "2016")
SPANS = (("dev 2008-2012", DEV), ("held out 2013-2016", HELD_OUT), ("all 2008-2016", None))


def statements(clone: Path, labels: dict[str, Any]) -> dict[str, str]:
    """The labelled statements' texts from a clone, each checked against its sha256."""
    texts = {}
    commit = labels["source"]["commit"]
    for statement in labels["statements"]:
        blob = f"{commit}:{statement['path']}"
        data = subprocess.run(["git", f"--git-dir={clone}", "show", blob],
                              capture_output=True, check=True).stdout  # fmt: skip
        require(hashlib.sha256(data).hexdigest() == statement["sha256"],
                f"{statement['path']} is not the labelled text")  # fmt: skip
        texts[statement["id"]] = data.decode("utf-8")
    return texts


def _line(name: str, scores: dict[str, Any]) -> str:
    b, c = scores["bcubed"], scores["changes"]
    return (f"{name:<34} B-cubed P {b['precision']:.3f} R {b['recall']:.3f} F1 {b['f1']:.3f}"
            f" | changes P {c['precision']:.3f} R {c['recall']:.3f}"
            f" ({c['explanation']})")  # fmt: skip


def _pledges(labels: dict[str, Any], years: tuple[str, str] | None) -> int:
    return sum(len(s["pledges"]) for s in labels["statements"] if in_years(s["id"], years))


def given_gold(labels: dict[str, Any], texts: dict[str, str]) -> None:
    for method in ("overlap", "wordllama"):
        for name, years in SPANS:
            scores = score_given_gold(labels, texts, method, THRESHOLDS[method], years)
            require(scores["pledges"] == _pledges(labels, years), "every labelled pledge scored")
            print(_line(f"given gold, {method} @ {THRESHOLDS[method]}, {name}", scores))


def floor_results(texts: dict[str, str], work: Path) -> Path:
    """A fresh floor batch (no cache) over the statements; its results file."""
    folder = work / "statements"
    folder.mkdir()
    for sid, text in texts.items():
        (folder / f"{sid}.txt").write_text(text, encoding="utf-8")
    results = work / "fomc.jsonl"
    started = time.perf_counter()
    counts = batch.run([str(folder)], results, strategy="floor", cache=False, log=False)
    seconds = time.perf_counter() - started
    require(counts.done == len(texts) and counts.failed == 0 and counts.cached == 0,
            f"batch: {counts.done} done, {counts.failed} failed, "
            f"{counts.cached} cached")  # fmt: skip
    print(f"batch --strategy floor: {counts.done} statements in {seconds:.1f} s -> {results.name}")
    return results


def tracked(
    labels: dict[str, Any],
    texts: dict[str, str],
    results: Path,
    method: str,
    threshold: float,
    years: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """End-to-end scores of the tracker over ``results`` (read afresh, every statement),
    over the labelled pledges of ``years``."""
    tally = Tally()
    mentions = read_mentions([str(results)], tally)
    require(tally.records == len(texts) and tally.bad == 0, "every record read")
    resolve_actors(mentions)
    threads = thread_all(mentions, method, threshold)
    return score_end_to_end(labels, texts, mentions, threads, years)


def end_to_end(labels: dict[str, Any], texts: dict[str, str], results: Path) -> None:
    for method in ("overlap", "wordllama"):
        for name, years in SPANS:
            scores = tracked(labels, texts, results, method, THRESHOLDS[method], years)
            require(scores["labelled_pledges"] == _pledges(labels, years), "labelled pledges")
            print(_line(f"end to end, {method} @ {THRESHOLDS[method]}, {name}", scores))
            print(f"  {scores['mentions_on_labelled_pledges']} mentions on labelled pledges; "
                  f"{scores['labelled_pledges_found']} of {scores['labelled_pledges']} labelled "
                  f"pledges found")  # fmt: skip


def sweep(labels: dict[str, Any], texts: dict[str, str], results: Path) -> None:
    """Each similarity's threshold chosen on 2008-2012 alone, by the mean of the two F1s
    (given the labelled pledges, and end to end), then scored on 2013-2016 and 2008-2016."""
    grid = [round(0.3 + 0.05 * i, 2) for i in range(13)]
    for method in ("overlap", "wordllama"):
        given = {t: score_given_gold(labels, texts, method, t, DEV)["bcubed"]["f1"] for t in grid}
        ends = {t: tracked(labels, texts, results, method, t, DEV)["bcubed"]["f1"] for t in grid}
        best = max(grid, key=lambda t: (given[t] + ends[t], -abs(t - 0.6)))
        print(f"  {method} on 2008-2012, given gold: "
              + " ".join(f"{t}:{given[t]:.3f}" for t in grid))  # fmt: skip
        print(f"  {method} on 2008-2012, end to end: "
              + " ".join(f"{t}:{ends[t]:.3f}" for t in grid))  # fmt: skip
        for name, years in SPANS[1:]:
            print(_line(f"  chosen {best}, given gold, {name}",
                        score_given_gold(labels, texts, method, best, years)))  # fmt: skip
            print(_line(f"  chosen {best}, end to end, {name}",
                        tracked(labels, texts, results, method, best, years)))  # fmt: skip


def wikinews(clone: Path, work: Path) -> None:
    labels = json.loads(ACTORS.read_text(encoding="utf-8"))
    source = labels["source"]
    articles = work / "wn.jsonl"
    count = 0
    with articles.open("w", encoding="utf-8") as out:
        for path in source["paths"]:
            blob = f"{source['commit']}:{path}"
            done = subprocess.run(["git", f"--git-dir={clone}", "show", blob],
                                  capture_output=True, check=True)  # fmt: skip
            data = done.stdout.decode("utf-8")
            for row in csv.DictReader(io.StringIO(data, newline="")):
                slug = re.sub(r"[^a-z0-9]+", "-", row["title"].lower())[:40].strip("-")
                text = row["title"] + "\n\n" + row["text"]
                out.write(json.dumps({"id": f"{row['date']}-{slug}", "text": text}) + "\n")
                count += 1
    require(count == 295, f"{count} Wikinews articles, the labels were made on 295")
    results = work / "wn_results.jsonl"
    counts = batch.run([str(articles)], results, strategy="floor", cache=False, log=False)
    require(counts.done == count and counts.failed == 0 and counts.cached == 0,
            f"batch: {counts.done} done, {counts.failed} failed, "
            f"{counts.cached} cached")  # fmt: skip
    with results.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    scores = score_actor_merges(labels, actor_mentions(records))
    merges = scores["merges"]
    print(f"actor merges over {scores['mentions']} mentions ({scores['gold_actors']} labelled "
          f"actors, {scores['actors']} found): P {merges['precision']:.4f} "
          f"R {merges['recall']:.4f} F1 {merges['f1']:.4f} ({merges['explanation']})")  # fmt: skip


# --- the embedded model as a judge of near-threshold pairs --------------------------------------

QUESTION = (
    "Sentence 1: {a}\nSentence 2: {b}\n"
    "Do sentence 1 and sentence 2 commit to the same action? Answer yes or no."
)


def _auc(scores: list[tuple[float, bool]]) -> float:
    same = [s for s, label in scores if label]
    other = [s for s, label in scores if not label]
    wins = sum((a > b) + 0.5 * (a == b) for a in same for b in other)
    return wins / (len(same) * len(other))


def model_pairs(labels: dict[str, Any], texts: dict[str, str], count: int) -> None:
    """Could the embedded model (SmolLM2-135M) confirm pairs near the threshold? ``count``
    pairs of one labelled thread and ``count`` of two, among the development years' labelled
    pledges worded differently whose overlap is near the threshold (0.2 to 0.6); the model is
    asked a yes/no question and its answer read as the margin of "yes" over "no" in its next
    token's logits. Printed: the area under the ROC curve of that margin, and of the overlap
    itself on the same pairs (0.5: no better than chance)."""
    from llama_cpp import Llama

    from newsbrief.brief.llm import embedded_model_path

    mentions = gold_mentions(labels, texts)
    keys = [(s["id"], p["start"], p["thread"]) for s in labels["statements"] for p in s["pledges"]]
    words = [content_words(compared(m)) for m in mentions]
    dev = [i for i, m in enumerate(mentions) if in_years(m.article, DEV)]
    pairs: dict[bool, list[tuple[int, int, float]]] = {True: [], False: []}
    for n, i in enumerate(dev):
        for j in dev[n + 1 :]:
            near = dice(words[i], words[j])
            if mentions[i].commitment != mentions[j].commitment and 0.2 <= near < 0.6:
                pairs[keys[i][2] == keys[j][2]].append((i, j, near))
    chosen = random.Random(23)
    sample = {kind: chosen.sample(found, count) for kind, found in pairs.items()}
    llama = Llama(model_path=str(embedded_model_path()), n_ctx=1024, logits_all=True,
                  verbose=False)  # fmt: skip
    template = str(llama.metadata.get("tokenizer.chat_template", ""))
    require("<|im_start|>" in template, "the embedded model's chat template is not ChatML")
    yes, no = llama.tokenize(b"yes", add_bos=False), llama.tokenize(b"no", add_bos=False)
    require(len(yes) == 1 and len(no) == 1, "yes and no are not one token each")
    margins, overlaps = [], []
    started = time.perf_counter()
    for same, found in sample.items():
        for i, j, near in found:
            question = QUESTION.format(a=mentions[i].commitment, b=mentions[j].commitment)
            prompt = f"<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n"
            llama.reset()
            llama.eval(llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))
            logits = llama.scores[llama.n_tokens - 1]
            margins.append((float(logits[yes[0]] - logits[no[0]]), same))
            overlaps.append((near, same))
    seconds = time.perf_counter() - started
    require(len(margins) == 2 * count, "every sampled pair asked")
    said_yes = sum(1 for margin, _ in margins if margin > 0)
    print(f"embedded model on {count} same-thread and {count} other-thread pairs of 2008-2012 "
          f"near the threshold: AUC {_auc(margins):.3f} (overlap on the same pairs "
          f"{_auc(overlaps):.3f}); 'yes' ahead on {said_yes} of {2 * count}; "
          f"{seconds / (2 * count):.1f} s a pair")  # fmt: skip


# --- speed --------------------------------------------------------------------------------------

FIRST = ["Ana", "Ben", "Chloe", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ivan", "Jun"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Novak", "Castillo", "Haddad", "Berg"]
BODIES = ["Harbour Council", "Ministry of Transport", "Northwind Energy", "Central Bank"]
VERBS = ["build", "fund", "repair", "expand", "close", "review", "cut", "raise", "open", "sell"]
THINGS = ["the bridge", "two schools", "the rail line", "fuel taxes", "the port", "a clinic",
          "the water plant", "bus fares", "the airport", "housing grants",
          "the museum"]  # fmt: skip


def synthetic(path: Path, count: int, seed: int = 7) -> int:
    """``count`` ok records of made-up pledges (and one failed record in 50); their pledges."""
    rng = random.Random(seed)
    people = [f"{f} {last}" for f in FIRST for last in LAST] + BODIES
    pledges = 0
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            if n % 50 == 49:
                handle.write(json.dumps({"version": 1, "id": f"a{n}", "status": "failed"}) + "\n")
                continue
            items = []
            for _ in range(rng.randint(1, 4)):
                actor = rng.choice(people)
                said = f"{rng.choice(VERBS)} {rng.choice(THINGS)} by {rng.randint(2025, 2032)}"
                name = actor if rng.random() < 0.7 else f"Mr. {actor.split()[-1]}"
                items.append({"actor": name, "commitment": said, "condition": None,
                              "evidence": f"{actor} said they will {said}."})  # fmt: skip
            pledges += len(items)
            day = f"20{10 + n * 10 // count:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"
            handle.write(json.dumps({"version": 1, "id": f"a{n}", "status": "ok",
                                     "article": {"id": f"a{n}", "source": f"a{n}.html",
                                                 "title": "t", "date": day},
                                     "brief": {"summary": "s", "pledges": items, "positions": [],
                                               "quoted_experts": []}}) + "\n")  # fmt: skip
    return pledges


def timed_track(results: Path) -> tuple[float, float, dict[str, Any]]:
    """Wall seconds, peak RSS (MB) and counts of ``newsbrief track --format json`` in a fresh
    process. The peak is the process's own (VmHWM of its memory after exec): ru_maxrss would
    count the pages of this bench process it was forked from."""
    out = results.with_suffix(".track.json")
    code = ("import sys, re; from newsbrief.cli import app; "
            "sys.argv=['newsbrief','track',sys.argv[1],'-f','json','-o',sys.argv[2]]\n"
            "try:\n app()\nexcept SystemExit as e:\n assert not e.code, e.code\n"
            "status = open('/proc/self/status').read()\n"
            "print(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1))")  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, str(results), str(out)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    seconds = time.perf_counter() - started
    require(done.returncode == 0, f"track failed: {done.stderr[-400:]}")
    peak_mb = int(done.stdout.split()[-1]) / 1024
    return seconds, peak_mb, json.loads(out.read_text(encoding="utf-8"))["counts"]


def speed(work: Path, sizes: tuple[int, int] = (10_000, 100_000)) -> None:
    measured = {}
    for count in sizes:
        path = work / f"synthetic{count}.jsonl"
        pledges = synthetic(path, count)
        seconds, peak, counts = timed_track(path)
        checks = Checks()
        checks.equal(counts["records"], count, "records read")
        checks.equal(counts["failed"], count // 50, "failed records counted")
        checks.equal(counts["mentions"], pledges, "pledges tracked")
        checks.verify()
        measured[count] = seconds
        print(f"{count:>7} records, {pledges} pledges: {seconds:.1f} s, peak RSS {peak:.0f} MB, "
              f"{counts['actors']} actors, {counts['threads']} threads")  # fmt: skip
    small, large = sizes
    print(f"{large}/{small} records time ratio: {measured[large] / measured[small]:.1f} "
          f"(linear: {large / small:.0f})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clone", type=Path, help="a clone of fomc/statements (bare is fine)")
    parser.add_argument("--sweep", action="store_true", help="also sweep the thresholds")
    parser.add_argument("--speed", action="store_true", help="time 10k and 100k records")
    parser.add_argument("--wikinews", type=Path, help="a clone of vanatteveldt/wikinews")
    parser.add_argument("--tiny", action="store_true", help="speed at 500 and 2,000 records")
    parser.add_argument(
        "--model-pairs", type=int, default=0, help="with --clone: ask the model about N+N pairs"
    )
    args = parser.parse_args()
    require(args.clone is not None or args.speed or args.wikinews is not None or args.tiny,
            "pass --clone, --wikinews, --speed or --tiny")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if args.clone is not None:
            labels = json.loads(LABELS.read_text(encoding="utf-8"))
            texts = statements(args.clone, labels)
            given_gold(labels, texts)
            results = floor_results(texts, work)
            end_to_end(labels, texts, results)
            if args.sweep:
                sweep(labels, texts, results)
            if args.model_pairs:
                model_pairs(labels, texts, args.model_pairs)
        if args.wikinews is not None:
            wikinews(args.wikinews, work)
        if args.speed:
            speed(work)
        if args.tiny:
            speed(work, (500, 2_000))
    print(
        f"(peak RSS of this bench process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main()
