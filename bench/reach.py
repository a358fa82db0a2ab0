"""Benchmark: what the focused strategy's design can reach at best, with no model at all.

The focused strategy (brief@4) makes the model *choose*: for pledges and positions an actor and
a clause among the spans of a few cue sentences, for the summary three of eight candidate
sentences. Whatever the model does, a gold item that no offered choice matches cannot be found.
This bench lets an oracle make every choice and prints, for a fixture set:

- pledges / positions reachable: the gold items some offered (actor, clause) pair of the asked
  sentences matches, scored by the eval's own matcher over all pairs at once (one-to-one); and
  the best F1 a perfect chooser could get, answering once per asked sentence (each asked
  sentence gives one item, so every sentence without a gold item is a false positive);
- the rule's F1: the first actor and the first clause of each asked sentence (the floor's rule);
- summary key facts: the lead (first three body sentences, the floor) against the best three of
  the candidates the model is offered, and the mean over every possible pick (what a chooser
  that knows nothing gets);
- quotes found when every gold expert is given (the quote reader alone).

    python bench/reach.py                                    # in-repo fixtures, brief@4
    python bench/reach.py --fixtures evals/external/real     # real articles (fetched first)
    python bench/reach.py --tiny                             # three fixtures: checks the bench

Before printing it checks that every fixture was read, that the selection limits came from the
prompt, and that sentences were asked about at all; otherwise it exits with status 3 (see
bench/_valid.py).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

from _valid import Checks, fixtures_for

from newsbrief import api
from newsbrief.brief.prompts import Select, load_prompt
from newsbrief.brief.rules import attribution, claims
from newsbrief.brief.rules.actors import actor_candidates
from newsbrief.brief.rules.experts import expert_quotes, introduced_people, person_quotes
from newsbrief.brief.rules.sentences import (
    body_sentences,
    cue_pattern,
    lead_summary,
    summary_candidates,
)
from newsbrief.brief.rules.statements import (
    commitment_options,
    stance_options,
    statement_of,
    topic_of,
)
from newsbrief.brief.strategies.focused import selected_sentences
from newsbrief.evals.dataset import Fixture
from newsbrief.evals.scorers import (
    Output,
    key_fact_coverage,
    pledges_f1,
    positions_f1,
    prf,
    quote_match,
)

ROOT = Path(__file__).resolve().parents[1]
TINY_IDS = ("000_seed_china_belarus", "07_election_promises", "17_science_find")


def _options(sentence: str, select: Select, part: str) -> tuple[list[str], list[str]]:
    cues = cue_pattern(select.all_cues)
    first = cues.search(sentence)
    actors = actor_candidates(sentence, first.start() if first else None)
    if part == "pledges":
        return actors, commitment_options(sentence, cues)
    return actors, stance_options(sentence, cues)


def _item(part: str, actor: str, clause: str, sentence: str) -> dict[str, str]:
    if part == "pledges":
        return {"actor": actor, "commitment": clause}
    return {"actor": actor, "topic": topic_of(clause),
            "statement": statement_of(sentence, clause)}  # fmt: skip


def reach(fixtures: list[Fixture], prompt_ref: str) -> dict[str, object]:
    prompt = load_prompt(prompt_ref)
    tasks = {t.part: t for t in prompt.spec.tasks}
    scorers = {"pledges": pledges_f1(), "positions": positions_f1()}
    key_facts, quotes = key_fact_coverage(), quote_match()
    counts = {part: {"gold": 0, "reachable": 0, "asked": 0, "rule_tp": 0, "rule_items": 0}
              for part in scorers}  # fmt: skip
    lead, best, any_pick, found, total = [], [], [], 0, 0
    attributed = {part: {"gold": 0, "reachable": 0, "offered": 0} for part in scorers}
    for fixture in fixtures:
        _, cleaned = api.clean(str(fixture.article))
        text = cleaned.text
        for part, scorer in scorers.items():
            select = tasks[part].select
            assert select is not None
            offered: list[dict[str, str]] = []
            rule: list[dict[str, str]] = []
            for sentence in selected_sentences(text, part, select):
                actors, clauses = _options(sentence, select, part)
                if not actors or not clauses:
                    continue
                counts[part]["asked"] += 1
                offered += [_item(part, a, c, sentence) for a in actors for c in clauses]
                rule.append(_item(part, actors[0], clauses[0], sentence))
            gold = len(getattr(fixture.labels, part))
            counts[part]["gold"] += gold
            counts[part]["reachable"] += scorer(fixture.labels, _out(part, offered, text)).tp
            scored = scorer(fixture.labels, _out(part, rule, text))
            counts[part]["rule_tp"] += scored.tp
            counts[part]["rule_items"] += len(rule)
        # the attribution layer's candidates (the floor's pool, uncapped): what a chooser that
        # keeps or drops each one could reach
        analysis = attribution.analyse(text)
        pledged = list(claims.pledge_candidates(analysis))
        pools = {
            "pledges": [f.item.model_dump() for f in pledged],
            "positions": [f.item.model_dump() for f in
                          claims.position_candidates(analysis, pledged, views_only=False)],
        }  # fmt: skip
        for part, scorer in scorers.items():
            hits = scorer(fixture.labels, _out(part, pools[part], text)).tp
            attributed[part]["reachable"] += hits
            attributed[part]["offered"] += len(pools[part])
            attributed[part]["gold"] += len(getattr(fixture.labels, part))
        choose = tasks["summary"].choose
        assert choose is not None
        sentences = body_sentences(cleaned)
        candidates = summary_candidates(
            sentences, cleaned.title, lead=choose.lead, limit=choose.candidates
        )
        picks = [
            key_facts(fixture.labels, _summary(" ".join(c), text)).value or 0.0
            for c in itertools.combinations(candidates, min(choose.pick, len(candidates)))
        ]
        lead.append(key_facts(fixture.labels, _summary(lead_summary(cleaned), text)).value)
        best.append(max(picks, default=0.0))
        any_pick.append(statistics.mean(picks) if picks else 0.0)
        people = {p.name: p for p in introduced_people(text)}
        given = [
            {"name": g.name, "quotes": [q.model_dump() for q in (
                person_quotes(g.name, text, people[g.name].at) if g.name in people
                else expert_quotes(g.name, text))]}
            for g in fixture.labels.quoted_experts
        ]  # fmt: skip
        scored_quotes = quotes(fixture.labels, Output(brief={"quoted_experts": given}, source=text))
        found += scored_quotes.tp
        total += scored_quotes.tp + scored_quotes.fn
    return {"counts": counts, "lead": lead, "best": best, "any": any_pick,
            "quotes": (found, total), "attributed": attributed,
            "limits": {p: tasks[p].select.limit for p in scorers}}  # type: ignore[union-attr]  # fmt: skip


def _out(part: str, items: list[dict[str, str]], text: str) -> Output:
    return Output(brief={part: items}, source=text)


def _summary(summary: str, text: str) -> Output:
    return Output(brief={"summary": summary}, source=text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=ROOT / "evals" / "fixtures")
    parser.add_argument("--articles-from", type=Path, default=None)
    parser.add_argument("--prompt", default="brief@4")
    parser.add_argument("--tiny", action="store_true", help="three in-repo fixtures")
    args = parser.parse_args()
    fixtures, expected = fixtures_for(
        args.fixtures, args.articles_from, TINY_IDS if args.tiny else None
    )
    started = time.perf_counter()
    result = reach(fixtures, args.prompt)
    checks = Checks()
    checks.equal(len(fixtures), expected, "fixtures read")
    counts = result["counts"]
    assert isinstance(counts, dict)
    for part, c in counts.items():
        checks.that(c["asked"] > 0, f"no {part} sentence was asked about")
        checks.that(c["reachable"] <= c["gold"], f"{part}: more reachable than gold items")
    checks.verify()
    print(f"{args.prompt} on {len(fixtures)} fixtures ({args.fixtures}), no model, "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    limits = result["limits"]
    assert isinstance(limits, dict)
    for part, c in counts.items():
        recall = c["reachable"] / c["gold"] if c["gold"] else 0.0
        _, _, oracle = prf(c["reachable"], c["asked"] - c["reachable"], c["gold"] - c["reachable"])
        _, _, rule = prf(c["rule_tp"], c["rule_items"] - c["rule_tp"], c["gold"] - c["rule_tp"])
        print(f"{part} reachable: {c['reachable']} of {c['gold']} gold (recall {recall:.3f}) "
              f"in {c['asked']} sentences asked (limit {limits[part]} per article); "
              f"best F1 {oracle:.3f}; rule F1 {rule:.3f}")  # fmt: skip
    attributed = result["attributed"]
    assert isinstance(attributed, dict)
    for part, c in attributed.items():
        checks.that(c["reachable"] <= min(c["gold"], c["offered"]), f"{part}: reach over count")
        recall = c["reachable"] / c["gold"] if c["gold"] else 0.0
        best_f1 = 2 * recall / (1 + recall) if recall else 0.0  # keeps exactly the matched ones
        print(
            f"attribution candidates, {part}: {c['reachable']} of {c['gold']} gold reachable "
            f"(recall {recall:.3f}) among {c['offered']} candidates; best F1 {best_f1:.3f}"
        )
    checks.verify()
    lead, best, any_pick = (result[k] for k in ("lead", "best", "any"))
    assert isinstance(lead, list) and isinstance(best, list) and isinstance(any_pick, list)
    means = [statistics.mean(values) for values in (lead, best, any_pick)]
    print("summary key facts: lead {:.3f}; best pick {:.3f}; mean over all picks {:.3f}".format(
        *means))  # fmt: skip
    found, total = result["quotes"]  # type: ignore[misc]
    print(f"quotes found with every gold expert given: {found} of {total}")


if __name__ == "__main__":
    sys.exit(main())
