"""Scores of the pledge tracker against labelled threads (issue 23).

Labels (``evals/external/track/fomc.json``) name, per statement, each pledge as character offsets
into the statement's text, its thread, and whether its terms changed since the thread's previous
statement. Three scores:

* threads given the gold pledges: the labelled sentences alone are threaded by the tracker, and
  compared with the labelled threads by B-cubed precision, recall and F1;
* end to end: the mentions of a ``batch`` run's results are matched to labelled pledges (by
  where their evidence sits in the statement) and the tracker's threads scored by B-cubed over
  the labelled pledges (a labelled pledge no mention matches counts as a thread of its own);
* changes flagged: precision and recall of the tracker's change flags on the labelled pledges;

and, for actor merges, pairwise precision and recall of merged names (:func:`pair_scores`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..track import Mention, person_names, resolve_actors, thread_all


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float
    explanation: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "explanation": self.explanation}  # fmt: skip


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(gold: Mapping[Any, Hashable], system: Mapping[Any, Hashable]) -> PRF:
    """B-cubed over the items of ``gold`` (item -> cluster); ``system`` must cover them."""
    members_gold: dict[Hashable, set[Hashable]] = defaultdict(set)
    members_sys: dict[Hashable, set[Hashable]] = defaultdict(set)
    for item in gold:
        members_gold[gold[item]].add(item)
        members_sys[system[item]].add(item)
    precision = recall = 0.0
    for item in gold:
        same_sys, same_gold = members_sys[system[item]], members_gold[gold[item]]
        both = len(same_sys & same_gold)
        precision += both / len(same_sys)
        recall += both / len(same_gold)
    n = len(gold) or 1
    p, r = precision / n, recall / n
    return PRF(p, r, _f1(p, r), f"B-cubed over {len(gold)} labelled items")


def flag_scores(gold: Mapping[Any, bool], system: Mapping[Any, bool]) -> PRF:
    tp = sum(1 for k, v in gold.items() if v and system.get(k))
    fp = sum(1 for k, v in gold.items() if not v and system.get(k))
    fn = sum(1 for k, v in gold.items() if v and not system.get(k))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return PRF(p, r, _f1(p, r), f"{tp} flagged rightly, {fp} wrongly, {fn} missed")


def pair_scores(gold: Mapping[Any, Hashable], system: Mapping[Any, Hashable]) -> PRF:
    """Pairwise precision/recall of merges: a pair of items is merged when both are in one
    cluster; precision over the system's merged pairs, recall over the gold's."""
    items = sorted(gold, key=str)
    tp = fp = fn = 0
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            in_gold, in_sys = gold[a] == gold[b], system[a] == system[b]
            tp += in_gold and in_sys
            fp += in_sys and not in_gold
            fn += in_gold and not in_sys
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return PRF(p, r, _f1(p, r), f"{tp} pairs merged rightly, {fp} wrongly, {fn} missed")


# --- the FOMC labels ----------------------------------------------------------------------------


def gold_mentions(labels: dict[str, Any], texts: Mapping[str, str]) -> list[Mention]:
    """One mention per labelled pledge: the labelled sentence, dated by its statement."""
    found = []
    for order, statement in enumerate(labels["statements"]):
        text = texts[statement["id"]]
        for pledge in statement["pledges"]:
            sentence = " ".join(text[pledge["start"] : pledge["end"]].split())
            found.append(Mention(actor=labels["actor"], commitment=sentence, condition=None,
                                 evidence=sentence, article=statement["id"],
                                 date=statement["date"], date_from="metadata", order=order,
                                 actor_key=labels["actor"]))  # fmt: skip
    return found


def _gold_keys(labels: dict[str, Any]) -> list[tuple[str, int]]:
    return [(s["id"], p["start"]) for s in labels["statements"] for p in s["pledges"]]


Years = tuple[str, str] | None  # the first and last year scored (inclusive); None: every year


def in_years(statement_id: str, years: Years) -> bool:
    return years is None or years[0] <= statement_id[:4] <= years[1]


def _gold_maps(
    labels: dict[str, Any], years: Years = None
) -> tuple[dict[Any, str], dict[Any, bool]]:
    threads, changed = {}, {}
    for statement in labels["statements"]:
        if not in_years(statement["id"], years):
            continue
        for pledge in statement["pledges"]:
            key = (statement["id"], pledge["start"])
            threads[key], changed[key] = pledge["thread"], pledge["changed"]
    return threads, changed


def score_given_gold(
    labels: dict[str, Any],
    texts: Mapping[str, str],
    similarity: str,
    threshold: float,
    years: Years = None,
) -> dict[str, Any]:
    """Threads of every labelled pledge (all years, in time order, as a tracker over the whole
    archive would build them), scored over the pledges of ``years`` alone."""
    mentions = gold_mentions(labels, texts)
    threads = thread_all(mentions, similarity, threshold)
    keys = _gold_keys(labels)
    gold_threads, gold_changed = _gold_maps(labels, years)
    system = {keys[i]: n for n, members in enumerate(threads) for i in members}
    system = {key: n for key, n in system.items() if key in gold_threads}
    flagged = {keys[i]: bool(m.changed) for i, m in enumerate(mentions) if keys[i] in gold_threads}
    return {
        "pledges": len(gold_threads),
        "gold_threads": len(set(gold_threads.values())),
        "threads": len(threads),
        "bcubed": bcubed(gold_threads, system).to_dict(),
        "changes": flag_scores(gold_changed, flagged).to_dict(),
    }


def _flat(text: str) -> tuple[str, list[int]]:
    """``text`` with runs of whitespace as one space, and each flat character's offset."""
    chars, where = [], []
    for match in re.finditer(r"\s+|\S", text):
        chars.append(" " if match.group().isspace() else match.group())
        where.append(match.start())
    return "".join(chars), where


def match_mentions(
    labels: dict[str, Any], texts: Mapping[str, str], mentions: list[Mention]
) -> dict[int, tuple[str, int]]:
    """Mention index -> the labelled pledge (statement id, start) whose sentence holds most of
    the mention's evidence."""
    spans = {s["id"]: [(p["start"], p["end"]) for p in s["pledges"]] for s in labels["statements"]}
    flats = {sid: _flat(texts[sid]) for sid in spans}
    matched = {}
    for index, mention in enumerate(mentions):
        if mention.article not in flats or not mention.evidence:
            continue
        flat, where = flats[mention.article]
        at = flat.find(" ".join(mention.evidence.split()))
        if at < 0:
            continue
        start = where[at]
        end = where[min(at + len(" ".join(mention.evidence.split())), len(where)) - 1] + 1
        best = max(spans[mention.article], default=None,
                   key=lambda s: min(end, s[1]) - max(start, s[0]))  # fmt: skip
        if best is not None and min(end, best[1]) - max(start, best[0]) > 0:
            matched[index] = (mention.article, best[0])
    return matched


def score_end_to_end(
    labels: dict[str, Any],
    texts: Mapping[str, str],
    mentions: list[Mention],
    threads: list[list[int]],
    years: Years = None,
) -> dict[str, Any]:
    """Scores of threads already built over a results file's mentions (one actor's or all),
    over the labelled pledges of ``years`` alone."""
    matched = {
        index: key
        for index, key in match_mentions(labels, texts, mentions).items()
        if in_years(key[0], years)
    }
    thread_of = {i: n for n, members in enumerate(threads) for i in members}
    system: dict[Any, Any] = {}
    flagged: dict[Any, bool] = {}
    for index in sorted(matched, key=lambda i: mentions[i].order):
        key = matched[index]
        if key not in system and index in thread_of:
            system[key] = thread_of[index]
            flagged[key] = bool(mentions[index].changed)
    gold_threads, gold_changed = _gold_maps(labels, years)
    for key in gold_threads:
        system.setdefault(key, ("unmatched", key))
    return {
        "mentions": len(mentions),
        "mentions_on_labelled_pledges": len(matched),
        "labelled_pledges_found": len(flagged),
        "labelled_pledges": len(gold_threads),
        "bcubed": bcubed(gold_threads, system).to_dict(),
        "changes": flag_scores(gold_changed, flagged).to_dict(),
    }


# --- actor merges -------------------------------------------------------------------------------

_PRONOUNS = {"i", "we", "you", "he", "she", "it", "they"}


def _norm_name(name: str) -> str:
    words = name.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return " ".join(words).casefold()


def gold_actor(
    labels: dict[str, Any], article: str, name: str, capitalised: frozenset[str] = frozenset()
) -> str | None:
    """Who ``name`` in ``article`` refers to by our labels (``wikinews_actors.json``); None
    for a pronoun (not scored). ``capitalised``: the names the article writes with capitals."""
    norm = _norm_name(name)
    if norm in _PRONOUNS or not norm:
        return None
    per_article = {_norm_name(n) for n in labels["per_article"]}
    lowercase = not any(c.isupper() for c in name) and norm not in capitalised
    if norm in per_article or lowercase:
        return f"{norm} @ {article}"
    for number, group in enumerate(labels["same"]):
        if norm in {_norm_name(n) for n in group}:
            return f"group {number}"
    return norm


def actor_mentions(records: Iterable[dict[str, Any]]) -> list[Mention]:
    """A mention per pledge and per position of ok records: the actors the resolver merges."""
    found = []
    for order, record in enumerate(records):
        if record.get("status") != "ok":
            continue
        brief, article = record["brief"], record["article"]["id"]
        context = tuple(sorted(person_names(brief)))
        for item in [*brief.get("pledges", []), *brief.get("positions", [])]:
            found.append(Mention(actor=item["actor"], commitment="", condition=None, evidence="",
                                 article=article, date=None, date_from="order", order=order,
                                 context=context))  # fmt: skip
    return found


def score_actor_merges(labels: dict[str, Any], mentions: list[Mention]) -> dict[str, Any]:
    """Pairwise precision and recall of the resolver's merges over the labelled mentions."""
    resolve_actors(mentions)
    capitalised: dict[str, set[str]] = defaultdict(set)
    for mention in mentions:
        if any(c.isupper() for c in mention.actor):
            capitalised[mention.article].add(_norm_name(mention.actor))
    gold, system = {}, {}
    for index, mention in enumerate(mentions):
        seen = frozenset(capitalised[mention.article])
        who = gold_actor(labels, mention.article, mention.actor, seen)
        if who is not None:
            gold[index], system[index] = who, mention.actor_key
    scores = pair_scores(gold, system)
    return {"mentions": len(gold), "gold_actors": len(set(gold.values())),
            "actors": len(set(system.values())), "merges": scores.to_dict()}  # fmt: skip
