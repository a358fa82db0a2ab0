"""Scorers against hand-made predictions whose right answers are known."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbrief.evals.dataset import Labels
from newsbrief.evals.scorers import (
    Output,
    assign,
    conditions_captured,
    default_scorers,
    experts_f1,
    grounding_rate,
    key_fact_coverage,
    leak_check,
    pledges_f1,
    positions_f1,
    prf,
    quote_match,
    rouge_l,
    schema_valid,
    stance_accuracy,
    summary_rouge_l,
    token_f1,
)

SOURCE = (
    "The port authority and the city pledged to dredge the channel by 2027. "
    '"Dredging pays for itself within a decade," said Mara Olsen, an economist at Nordhaven '
    "University. The shipping union opposes the night-shift plan. Olsen added that costs "
    "would fall."
)

LABELS = Labels.model_validate(
    {
        "id": "port",
        "summary": "The port authority and the city pledged to dredge the channel by 2027. "
        "The shipping union opposes the night-shift plan; Mara Olsen, an economist at "
        "Nordhaven University, says dredging pays for itself.",
        "key_facts": [
            "the channel will be dredged by 2027",
            "the shipping union opposes the night-shift plan",
            "Mara Olsen is an economist at Nordhaven University",
        ],
        "pledges": [
            {"actor": "the port authority and the city", "aliases": ["the two sides"],
             "commitment": "dredge the channel by 2027"},
            {"actor": "the city", "commitment": "publish the dredging costs every quarter",
             "condition": "once the council approves the budget"},
        ],
        "positions": [
            {"actor": "the shipping union", "topic": "night-shift plan", "stance": "opposes"},
        ],
        "quoted_experts": [
            {"name": "Mara Olsen", "aliases": ["Olsen"], "role": "economist",
             "affiliation": "Nordhaven University",
             "quotes": [{"text": "Dredging pays for itself within a decade", "kind": "direct"},
                        {"text": "costs would fall", "kind": "indirect"}]},
        ],
        "leaks": ["World Times"],
    }
)  # fmt: skip


def pledge(actor: str, commitment: str) -> dict[str, Any]:
    evidence = "The port authority and the city pledged to dredge the channel by 2027."
    return {"actor": actor, "commitment": commitment, "condition": None, "evidence": evidence}


PERFECT: dict[str, Any] = {
    "summary": LABELS.summary,
    "pledges": [
        pledge("The port authority and the city", "dredge the channel by 2027"),
        {**pledge("The city", "publish the dredging costs every quarter"),
         "condition": "if the council approves the budget"},
    ],
    "positions": [
        {"actor": "The shipping union", "topic": "the night-shift plan", "stance": "opposes",
         "statement": "opposes the night-shift plan",
         "evidence": "The shipping union opposes the night-shift plan."},
    ],
    "quoted_experts": [
        {"name": "Mara Olsen", "role": "economist", "affiliation": "Nordhaven University",
         "quotes": [{"text": "Dredging pays for itself within a decade", "kind": "direct"},
                    {"text": "costs would fall", "kind": "indirect"}]},
    ],
}  # fmt: skip


def out(brief: dict[str, Any] | None) -> Output:
    return Output(brief=brief, source=SOURCE)


def with_(**changes: Any) -> Output:
    return out({**PERFECT, **changes})


def test_a_perfect_prediction_scores_one_everywhere() -> None:
    for scorer in default_scorers():
        score = scorer(LABELS, out(PERFECT))
        assert score.value == pytest.approx(1.0), (score.name, score.explanation)


def test_one_missed_pledge_gives_the_known_recall() -> None:
    score = pledges_f1()(LABELS, with_(pledges=PERFECT["pledges"][:1]))
    assert (score.tp, score.fp, score.fn) == (1, 0, 1)
    precision, recall, _ = prf(score.tp, score.fp, score.fn)
    assert (precision, recall) == (1.0, 0.5) and score.value == pytest.approx(2 / 3)
    assert "missed: the city: publish the dredging costs" in score.explanation


def test_the_right_commitment_under_the_wrong_actor_does_not_match() -> None:
    wrong = [pledge("The shipping union", "dredge the channel by 2027"), PERFECT["pledges"][1]]
    score = pledges_f1()(LABELS, with_(pledges=wrong))
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    partial = [pledge("The port authority", "dredge the channel by 2027")]
    assert pledges_f1()(LABELS, with_(pledges=partial)).tp == 0, "a subset is not the actor"


def test_aliases_match() -> None:
    aliased = [pledge("the two sides", "dredge the channel by 2027"), PERFECT["pledges"][1]]
    assert pledges_f1()(LABELS, with_(pledges=aliased)).value == 1.0
    expert = {**PERFECT["quoted_experts"][0], "name": "Olsen"}
    assert experts_f1()(LABELS, with_(quoted_experts=[expert])).value == 1.0


def test_empty_gold_and_empty_prediction_is_f1_one() -> None:
    empty = Labels.model_validate({**LABELS.model_dump(), "pledges": [], "positions": []})
    assert pledges_f1()(empty, with_(pledges=[])).value == 1.0
    assert positions_f1()(empty, with_(positions=[])).value == 1.0
    assert pledges_f1()(empty, out(PERFECT)).value == 0.0  # two invented pledges


def test_conditions_are_judged_on_matched_conditional_pledges_only() -> None:
    first, second = PERFECT["pledges"]
    score = conditions_captured()(LABELS, out(PERFECT))
    assert (score.value, score.tp, score.fn) == (1.0, 1, 0)
    lost = conditions_captured()(LABELS, with_(pledges=[first, {**second, "condition": None}]))
    assert (lost.value, lost.tp, lost.fn) == (0.0, 0, 1) and "got none" in lost.explanation
    other = {**second, "condition": "if it rains in May"}
    assert conditions_captured()(LABELS, with_(pledges=[first, other])).value == 0.0
    # The conditional pledge missed altogether is pledges F1's business, not this score's.
    assert conditions_captured()(LABELS, with_(pledges=[first])).value is None
    wrong_actor = {**second, "actor": "The shipping union"}
    assert conditions_captured()(LABELS, with_(pledges=[first, wrong_actor])).value is None


def test_stance_is_judged_on_matched_positions_only() -> None:
    flipped = [{**PERFECT["positions"][0], "stance": "supports"}]
    score = stance_accuracy()(LABELS, with_(positions=flipped))
    assert score.value == 0.0 and "supports (gold opposes)" in score.explanation
    assert positions_f1()(LABELS, with_(positions=flipped)).value == 1.0
    assert stance_accuracy()(LABELS, with_(positions=[])).value is None


def test_quotes_matched_and_grounded() -> None:
    quote = {"text": "Dredging pays for itself within ten years", "kind": "direct"}
    expert = {**PERFECT["quoted_experts"][0], "quotes": [quote]}
    brief = with_(quoted_experts=[expert])
    assert quote_match()(LABELS, brief).value == 0.5  # one of two gold quotes, fuzzily
    grounding = grounding_rate()(LABELS, brief)
    assert grounding.value == pytest.approx(3 / 4)  # three evidence excerpts fine, the quote not
    assert "ten years" in grounding.explanation
    assert quote_match()(LABELS, with_(quoted_experts=[])).value == 0.0


def test_summary_scores() -> None:
    assert summary_rouge_l()(LABELS, with_(summary="")).value == 0.0
    half = summary_rouge_l()(LABELS, with_(summary="The city pledged to dredge."))
    assert 0.2 < (half.value or 0) < 0.9
    facts = key_fact_coverage()(LABELS, with_(summary="The channel will be dredged by 2027."))
    assert facts.value == pytest.approx(1 / 3) and "shipping union" in facts.explanation


def test_leaks_and_schema_validity() -> None:
    leaked = with_(summary="World Times reports that the channel will be dredged.")
    assert leak_check()(LABELS, leaked).value == 0.0
    assert schema_valid()(LABELS, out(None)).value == 0.0
    bad = with_(positions=[{**PERFECT["positions"][0], "stance": "angry"}])
    assert schema_valid()(LABELS, bad).value == 0.0


@given(st.lists(st.lists(st.floats(0, 1), min_size=3, max_size=3), min_size=1, max_size=4))
def test_assignment_is_one_to_one_and_above_threshold(matrix: list[list[float]]) -> None:
    pairs = assign(matrix, 0.5)
    assert len({g for g, _, _ in pairs}) == len(pairs) == len({p for _, p, _ in pairs})
    assert all(s >= 0.5 for _, _, s in pairs)


@given(st.text(max_size=60), st.text(max_size=60))
def test_token_f1_is_symmetric_and_bounded(a: str, b: str) -> None:
    assert token_f1(a, b) == pytest.approx(token_f1(b, a))
    assert 0.0 <= token_f1(a, b) <= 1.0
    assert token_f1(a, a) == 1.0


@given(st.text(alphabet="abc dredging channels ran running, The.", max_size=80),
       st.text(alphabet="abc dredged channel runs run. the", max_size=80))  # fmt: skip
def test_rouge_l_equals_rouge_score(reference: str, summary: str) -> None:
    from rouge_score import rouge_scorer

    expected = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True).score(reference, summary)
    assert rouge_l(reference, summary) == pytest.approx(expected["rougeL"].fmeasure)


def test_every_scorer_is_declared_once() -> None:
    # issue 25: a score is described once (scorers.SCORES); runner, compare, report and the
    # CLI derive from it, so a scorer missing from the table would be silently not compared
    from newsbrief.evals import compare, report, runner
    from newsbrief.evals.scorers import SCORES, default_scorers, score_output

    made = [s.name for s in score_output(LABELS, out(PERFECT),
                                         default_scorers(judge=lambda a, b: True))]  # fmt: skip
    declared = [spec.name for spec in SCORES]
    assert sorted(made) == sorted(declared) and len(set(declared)) == len(declared)
    assert set(runner.LIST_SCORES) == {"pledges", "positions", "experts"}
    assert set(compare.NOT_GATED) == {"schema_valid", "grounding", "no_leak"}
    assert [name for _, name, _ in report.LIST_PARTS] == ["pledges", "positions", "experts"]
