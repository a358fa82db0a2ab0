"""Pledges and positions read from the parse and the attributions (newsbrief.brief.rules.claims).

Every text here is invented for the test (people, bodies and places included).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbrief.brief.rules import attribution, claims
from newsbrief.brief.rules.attribution import Analysis
from newsbrief.brief.schemas import Pledge, Position
from newsbrief.brief.strategies.floor import floor_brief
from newsbrief.clean import clean_article


def analysed(text: str) -> Analysis:
    return attribution.analyse(text)


def pledges_of(text: str) -> list[claims.Found[Pledge]]:
    return list(claims.pledge_candidates(analysed(text)))


def positions_of(text: str) -> list[claims.Found[Position]]:
    analysis = analysed(text)
    pledged = list(claims.pledge_candidates(analysis))
    return list(claims.position_candidates(analysis, pledged))


def only_pledge(text: str) -> Pledge:
    found = pledges_of(text)
    assert len(found) == 1, [f.item for f in found]
    return found[0].item


def only_position(text: str) -> Position:
    found = positions_of(text)
    assert len(found) == 1, [f.item for f in found]
    return found[0].item


def the_attribution(text: str, cue: str) -> attribution.Attribution:
    [found] = [a for a in analysed(text).attributions if a.cue.text == cue]
    return found


# --- pledges -------------------------------------------------------------------------------------


def test_a_will_pledge_by_a_named_body() -> None:
    first = "Heavy rain flooded Elm Street on Sunday. "
    second = "The Harlow Water Board will replace the old pipes under Elm Street."
    text = first + second
    [found] = pledges_of(text)
    pledge = found.item
    assert pledge.actor == "The Harlow Water Board"
    assert pledge.commitment == "replace the old pipes under Elm Street"
    assert pledge.condition is None
    # The evidence is the pledge's sentence, a span of the text with its offsets.
    assert pledge.evidence == second
    assert found.evidence.text == second
    assert text[found.evidence.start : found.evidence.end] == second
    assert pledge.commitment in text
    assert found.attribution is None  # the article states it, nobody is reported


@pytest.mark.parametrize(
    "text",
    [
        "The Verdan council vowed to repair the bridge.",
        "The Verdan council plans to repair the bridge.",
        "The Verdan council agreed to repair the bridge.",
        "The Verdan council is ready to repair the bridge.",
        "The Verdan council is going to repair the bridge.",
    ],
)
def test_the_complement_of_a_commitment_head_is_a_pledge(text: str) -> None:
    pledge = only_pledge(text)
    assert pledge.actor == "The Verdan council"
    assert pledge.commitment == "repair the bridge"
    assert pledge.evidence == text


@pytest.mark.parametrize(
    "text",
    [
        "The Verdan council went to inspect the bridge.",  # "go" commits only as "is going to"
        "The Verdan council went to the bridge.",
        "The Verdan council went to court to stop the plan.",
        "The Verdan council was going to repair the bridge.",  # a past intention
    ],
)
def test_going_somewhere_is_not_a_pledge(text: str) -> None:
    assert pledges_of(text) == []


def test_we_in_a_quotation_is_its_speaker() -> None:
    text = (
        "Mayor Hana Okoro visited the harbour in Brenmouth on Monday. "
        "“We will reopen the library in June,” Okoro said."
    )
    [found] = pledges_of(text)
    assert found.item.actor == "Hana Okoro"  # the article's fullest name, not "We" or "Okoro"
    assert found.item.commitment == "reopen the library in June"
    assert found.item.evidence == "“We will reopen the library in June,” Okoro said."
    assert found.attribution is not None and found.attribution.speaker == "Hana Okoro"


def test_a_first_person_expectation_in_a_quotation_commits_its_speaker() -> None:
    text = (
        "Mayor Hana Okoro visited the harbour in Brenmouth on Monday. "
        "“We expect to finish the pier by May,” Okoro said."
    )
    pledge = only_pledge(text)
    assert (pledge.actor, pledge.commitment) == ("Hana Okoro", "finish the pier by May")


def test_a_would_reported_by_the_actor_itself() -> None:
    text = "The ministry said it would open 40 clinics."
    [found] = pledges_of(text)
    assert found.item.actor.lower() == "the ministry"  # "it" is the report's own source
    assert found.item.commitment == "open 40 clinics"
    assert found.item.evidence == text
    assert found.attribution is not None and found.attribution.cue.text == "said"


def test_a_would_reported_by_a_person_of_herself() -> None:
    text = "Hana Okoro lost the vote on Tuesday. She said she would resign next week."
    pledge = only_pledge(text)
    assert (pledge.actor, pledge.commitment) == ("Hana Okoro", "resign next week")


@pytest.mark.parametrize(
    "text",
    [
        "The mayor said she would close the north jetty.",
        "The mayor rejected the ferry plan on Monday, saying she would close the north jetty.",
    ],
)
def test_a_pronoun_reported_by_a_person_named_by_role(text: str) -> None:
    pledge = only_pledge(text)
    assert (pledge.actor, pledge.commitment) == ("The mayor", "close the north jetty")


@pytest.mark.parametrize(
    ("text", "commitment"),
    [
        ("The Tarn Ferry Board announced that evening sailings would be cancelled in May.",
         "evening sailings would be cancelled in May"),
        ("The Tarn Ferry Board confirmed fares will not be raised this year.",
         "fares will not be raised this year"),
    ],
)  # fmt: skip
def test_a_passive_future_its_reporter_decides(text: str, commitment: str) -> None:
    pledge = only_pledge(text)
    assert (pledge.actor, pledge.commitment) == ("The Tarn Ferry Board", commitment)


@pytest.mark.parametrize(
    "text",
    [
        "Astronomers announced the comet will be seen in May.",  # nobody who can act on it
        "Hana Okoro said the new jetty would be tested by the first storm.",  # a forecast
    ],
)
def test_a_passive_future_nobody_decides_is_no_pledge(text: str) -> None:
    assert pledges_of(text) == []


def test_plans_on_doing_is_a_pledge() -> None:
    pledge = only_pledge("Hana Okoro said she plans on closing the north jetty.")
    assert (pledge.actor, pledge.commitment) == ("Hana Okoro", "closing the north jetty")


@pytest.mark.parametrize(
    "text",
    [
        "“We would like to thank every passenger,” said Hana Okoro.",  # a courtesy
        "“I want to thank the crews,” said Hana Okoro.",  # done by saying it
        "The Tarn Ferry Board wanted to study the north jetty first.",  # a past wish
        "The Tarn Ferry Board did not announce whom it would hire.",  # a question
        "The north jetty will not be the last to close.",  # a state foretold
        "“If I knew, I wouldn't discuss it,” said Hana Okoro.",  # a hypothetical
    ],
)
def test_what_is_no_commitment(text: str) -> None:
    assert pledges_of(text) == [], [f.item for f in pledges_of(text)]


@pytest.mark.parametrize(
    ("text", "commitment"),
    [
        # how its subject will act, said in the article's own voice
        ("The Tarn Ferry Board will be patient with late payers.",
         "be patient with late payers"),
        # a relative clause is no question
        ("The fee is in a bill, which the Tarn Ferry Board plans to introduce next week.",
         "introduce next week"),
        # a "would" quoted inside a report is still reported
        ("The Tarn Ferry Board said it “would not raise fares this year”.",
         "not raise fares this year"),
    ],
)  # fmt: skip
def test_what_still_commits(text: str, commitment: str) -> None:
    assert only_pledge(text).commitment == commitment


@pytest.mark.parametrize(
    ("text", "commitment"),
    [
        ("Hana Okoro promised that the ferry service will resume in May.",
         "the ferry service will resume in May"),
        ("“I pledge that this board will be open with its accounts,” Hana Okoro said.",
         "this board will be open with its accounts"),
    ],
)  # fmt: skip
def test_a_promise_of_what_another_will_do_is_the_promisers(text: str, commitment: str) -> None:
    pledge = only_pledge(text)
    assert (pledge.actor, pledge.commitment) == ("Hana Okoro", commitment)


def test_i_quoted_inside_a_report_is_the_reports_speaker() -> None:
    text = 'Hana Okoro spoke on Monday, saying "I promise that I will close the north jetty".'
    found = [(f.item.actor, f.item.commitment) for f in pledges_of(text)]
    assert found == [("Hana Okoro", "close the north jetty")]


def test_i_in_a_quotation_that_goes_on_past_its_report_is_the_quoted_speaker() -> None:
    text = (
        '"The jetty is old," wrote Hana Okoro on Monday, "and so I asked for a survey. '
        'I will close the north jetty in May."'
    )
    found = [(f.item.actor, f.item.commitment) for f in pledges_of(text)]
    assert ("Hana Okoro", "close the north jetty in May") in found
    assert all(actor != "I" for actor, _ in found)


def test_a_name_quoted_inside_a_quotation_does_not_speak_for_it() -> None:
    text = (
        'Hana Okoro wrote on Monday: "Ivo Marek wants to sell the ferries. '
        'I will keep the north jetty open."'
    )
    found = [(f.item.actor, f.item.commitment) for f in pledges_of(text)]
    assert ("Hana Okoro", "keep the north jetty open") in found


def test_a_condition_is_kept_apart_from_the_commitment() -> None:
    text = "The government will build three dams if parliament approves the budget."
    pledge = only_pledge(text)
    assert pledge.actor == "The government"
    assert pledge.commitment == "build three dams"
    assert "if" not in pledge.commitment.split()
    assert pledge.condition == "if parliament approves the budget"
    assert pledge.condition in text


@pytest.mark.parametrize(
    ("text", "commitment"),
    [
        ("The Tarn Ferry Board also will repair the north jetty.", "repair the north jetty"),
        ("The Tarn Ferry Board now will repair the north jetty.", "repair the north jetty"),
        # a negation before the auxiliary stays, with the auxiliary, in one span of the text
        ("The Tarn Ferry Board never will raise its fares.", "never will raise its fares"),
        ("The Tarn Ferry Board decided not to raise its fares.", "not to raise its fares"),
        # an aside between the auxiliary and the verb is not the commitment, a negation is
        ("The Tarn Ferry Board will, as always, publish its fares.", "publish its fares"),
        (
            "The Tarn Ferry Board will not, in any case, raise its fares.",
            "not, in any case, raise its fares",
        ),
    ],
)
def test_words_before_the_auxiliary(text: str, commitment: str) -> None:
    pledge = only_pledge(text)
    assert (pledge.actor, pledge.commitment) == ("The Tarn Ferry Board", commitment)
    assert pledge.commitment in text


@pytest.mark.parametrize(
    "text",
    [
        "The Tarn Ferry Board will repair the north jetty and will buy two boats.",
        "The Tarn Ferry Board said it would repair the north jetty and would buy two boats.",
        "The Tarn Ferry Board will repair the north jetty and plans to buy two boats.",
        "The Tarn Ferry Board will repair the north jetty and is prepared to buy two boats.",
    ],
)
def test_coordinated_pledges_that_commit_on_their_own_are_two(text: str) -> None:
    found = [(f.item.actor, f.item.commitment) for f in pledges_of(text)]
    assert found == [
        ("The Tarn Ferry Board", "repair the north jetty"),
        ("The Tarn Ferry Board", "buy two boats"),
    ]


@pytest.mark.parametrize(
    ("text", "commitment"),
    [
        ("The Tarn Ferry Board refused to sign the lease.", "refused to sign the lease"),
        ("The Tarn Ferry Board did not agree to sign the lease.", "not agree to sign the lease"),
        ("The Tarn Ferry Board never agreed to sign the lease.", "never agreed to sign the lease"),
        ("The Tarn Ferry Board is not willing to sign the lease.", "not willing to sign the lease"),
        (
            "The Tarn Ferry Board is not prepared to sign the lease.",
            "not prepared to sign the lease",
        ),
        ("The Tarn Ferry Board is prepared to sign the lease.", "sign the lease"),
    ],
)
def test_a_head_that_turns_the_act_down_stays_in_the_commitment(text: str, commitment: str) -> None:
    pledge = only_pledge(text)
    assert (pledge.actor, pledge.commitment) == ("The Tarn Ferry Board", commitment)


@pytest.mark.parametrize(
    ("text", "actor", "commitment"),
    [
        # a noun of commitment commits its possessor
        ("Officials praised the Tarn Ferry Board's plan to buy two boats.",
         "the Tarn Ferry Board", "buy two boats"),
        ("Hana Okoro repeated her promise to buy two boats.", "Hana Okoro", "buy two boats"),
        ("The Tarn Ferry Board confirmed its decision to buy two boats.",
         "The Tarn Ferry Board", "buy two boats"),
        ("Critics attacked the Tarn Ferry Board's refusal to buy two boats.",
         "the Tarn Ferry Board", "refusal to buy two boats"),
        # a gerund after "committed to", "we're going to", what an objectless verb works for
        ("The Tarn Ferry Board is committed to buying two boats.",
         "The Tarn Ferry Board", "buying two boats"),
        ("“We're going to buy two boats,” said Hana Okoro.", "Hana Okoro", "buy two boats"),
        ("The Tarn Ferry Board will work to keep the north jetty open.",
         "The Tarn Ferry Board", "work to keep the north jetty open"),
    ],
)  # fmt: skip
def test_commitments_stated_without_a_modal(text: str, actor: str, commitment: str) -> None:
    pledge = only_pledge(text)
    assert (pledge.actor, pledge.commitment) == (actor, commitment)


def test_an_act_arranged_by_a_named_actor() -> None:
    text = "Hana Okoro announced on Monday that she is to close the north jetty in May."
    pledge = only_pledge(text)
    assert (pledge.actor, pledge.commitment) == ("Hana Okoro", "close the north jetty in May")


@pytest.mark.parametrize(
    "text",
    [
        "It is possible to close the north jetty in May.",  # an empty "it"
        "The north jetty is to be closed in May.",  # done to it, by nobody named
        "She cancelled a speech she was to have given on Monday.",  # undone
        "Tarn Day is to include a parade.",  # an event is no actor
    ],
)
def test_is_to_without_an_actor_who_arranged_it(text: str) -> None:
    assert pledges_of(text) == [], [f.item for f in pledges_of(text)]


@pytest.mark.parametrize(
    "text",
    [
        # the pronoun names somebody else than the subject
        "The ferry workers criticised his decision to sell two boats.",
        "The ferry workers welcomed their decision to sell two boats.",
        "The plan to sell two boats was announced on Monday.",  # nobody's
        "The Tarn Ferry Board will cut fares to help families.",  # "cut fares" alone
    ],
)
def test_nouns_of_commitment_without_their_owner(text: str) -> None:
    found = [(f.item.actor, f.item.commitment) for f in pledges_of(text)]
    assert all("sell" not in c and "help" not in c for _, c in found), found


@pytest.mark.parametrize(
    "text",
    [
        "The Tarn Ferry Board has not decided whether to sign the lease.",
        "Its chair said she could not say whether the Tarn Ferry Board will sign the lease.",
        "It is unclear if the Tarn Ferry Board will sign the lease.",
    ],
)
def test_an_act_asked_about_is_not_a_pledge(text: str) -> None:
    assert pledges_of(text) == []


def test_coordinated_verbs_sharing_one_modal_are_one_pledge() -> None:
    text = "The Tarn Ferry Board will repair the north jetty and buy two boats."
    assert only_pledge(text).commitment == "repair the north jetty and buy two boats"


@pytest.mark.parametrize(
    "text",
    [
        "The council would have built the bridge.",
        "The council said it would have built the bridge.",  # not even as a reported would
        "Will the council build the bridge?",
        "Mayor Hana Okoro spoke on Monday. “Will we rebuild the pier?” Okoro asked.",
    ],
)
def test_counterfactuals_and_questions_are_not_pledges(text: str) -> None:
    assert pledges_of(text) == []


def test_a_plain_would_without_a_report_is_not_a_pledge_but_a_reported_one_is() -> None:
    assert pledges_of("The council would build the bridge.") == []
    pledge = only_pledge("The council said it would build the bridge.")
    assert (pledge.actor, pledge.commitment) == ("The council", "build the bridge")


# Forecasts, case by case, with the rule that leaves each out:
# - "Analysts expect the bank to cut rates": the parser makes "cut" a ccomp (not an xcomp) of
#   "expect" with "the bank" as its subject, so `_future` sees neither "will" nor a commitment
#   head's complement; nothing is a candidate at all.
# - "The bank expects to cut rates": an xcomp of a soft head ("expect") said by the article of a
#   third party: `_forecast`'s first branch.
# - "Prices will rise next year": "prices" names nobody who can act (`_can_act` is False).
# - "Economists believe/think X will ...": inside a believe-cue attribution whose speaker is not
#   the actor: `_forecast`'s believe branch, even when X is a named body.
# - "Residents said the city bus service will ...", "Analysts said she will ...": a say-cue
#   report of someone else whose subject is neither a named entity nor an agent noun by its own
#   lemma: `_forecast`'s last branch.
FORECASTS = [
    "Analysts expect the bank to cut rates.",
    "The bank expects to cut rates.",
    "Prices will rise next year.",
    "Economists said prices will rise next year.",
    "Economists believe the central bank will cut rates.",
    "Economists think the Castoria Reserve will cut rates.",
    "Residents said the city bus service will add routes.",
    "Hana Okoro lost the vote. Analysts said she will resign next week.",
    "Hana Okoro lost the vote. Analysts believe she will resign next week.",
]


@pytest.mark.parametrize("text", FORECASTS)
def test_forecasts_are_not_pledges(text: str) -> None:
    assert pledges_of(text) == []


def test_a_say_report_of_an_agent_s_future_is_that_agent_s_pledge() -> None:
    """An official's "said ... will" keeps the agent's pledge (as "Ana Ruiz said the government
    will build three new dams" in tests/test_floor.py); forecasters saying it make a forecast,
    whatever the cue."""
    pledge = only_pledge("The finance minister said the central bank will cut rates.")
    assert (pledge.actor, pledge.commitment) == ("the central bank", "cut rates")
    assert pledges_of("Economists said the central bank will cut rates.") == []
    assert pledges_of("Economists believe the central bank will cut rates.") == []
    assert pledges_of("Market analysts told reporters the council would sell the port.") == []


# --- positions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue", "stance"),
    [
        ("The union condemned the plan.", "condemned", "opposes"),
        ("The union did not back the plan.", "did not back", "opposes"),  # negated support
        ("The mayor praised the deal.", "praised", "supports"),
    ],
)
def test_the_stance_is_the_cue_s_reversed_by_a_negation(text: str, cue: str, stance: str) -> None:
    report = the_attribution(text, cue)
    assert report.cue_class in ("support", "oppose")
    assert report.negated == ("not" in cue)
    assert claims.stance_of(report) == stance


@pytest.mark.parametrize(
    ("text", "actor", "stance", "statement"),
    [
        ("The union condemned the harbour plan.", "The union", "opposes", "the harbour plan"),
        ("The union did not back the harbour plan.", "The union", "opposes", "the harbour plan"),
        ("The mayor praised the ferry deal.", "The mayor", "supports", "the ferry deal"),
    ],
)
def test_a_stance_cue_gives_its_source_a_position(
    text: str, actor: str, stance: str, statement: str
) -> None:
    position = only_position(text)
    assert (position.actor, position.stance) == (actor, stance)
    assert position.statement == position.topic == statement
    assert position.evidence == text


@pytest.mark.parametrize("text", ["The union condemned the plan.", "The mayor praised the deal."])
def test_a_two_word_object_still_gives_a_position(text: str) -> None:
    assert len(positions_of(text)) == 1


def test_a_neutral_report_is_not_a_position() -> None:
    # An agent ("the mayor") reporting a fact with no valence: left out by the neutral rule.
    text = "The mayor said the meeting starts at noon."
    report = the_attribution(text, "said")
    assert claims.agent_source(report, analysed(text))
    assert claims.stance_of(report) == "neutral"
    assert positions_of(text) == []
    # "the clerk" is no agent noun: left out already as a source.
    assert positions_of("The clerk said the meeting starts at noon.") == []


def test_a_report_with_valence_from_an_agent_is_a_position() -> None:
    text = "The mayor said the new ferry service was a wonderful success."
    position = only_position(text)
    assert (position.actor, position.stance) == ("The mayor", "supports")
    assert position.statement == "the new ferry service was a wonderful success"


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Reuters reported that the mayor resigned over a terrible scandal.", "reported"),
        ("The council approved a disastrous plan, according to the Daily Ledger.", "according to"),
    ],
)
def test_a_news_outlet_is_not_a_source_of_positions(text: str, cue: str) -> None:
    report = the_attribution(text, cue)
    assert claims.stance_of(report) != "neutral"  # left out for its source, not its valence
    assert not claims.agent_source(report, analysed(text))
    assert positions_of(text) == []


def test_a_thing_is_not_a_source_of_positions() -> None:
    text = "The data suggest that the terrible drought is getting worse."
    report = the_attribution(text, "suggest")
    assert claims.stance_of(report) == "opposes"
    assert not claims.agent_source(report, analysed(text))
    assert positions_of(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The Verdan council vowed to repair the bridge.",
        "The Verdan council plans to repair the bridge.",
    ],
)
def test_a_commitment_cue_is_said_once_as_a_pledge(text: str) -> None:
    assert len(pledges_of(text)) == 1
    assert positions_of(text) == []


def test_a_reported_pledge_with_valence_is_also_a_view() -> None:
    # Documented in position_candidates: a report that holds a pledge may state a view too.
    text = "The ministry said it would open 40 new clinics to fight a terrible outbreak."
    assert len(pledges_of(text)) == 1
    [found] = positions_of(text)
    assert found.item.stance == "opposes"


# --- grounded by construction --------------------------------------------------------------------

ACTORS = ["The Harlow council", "The Verdan Water Board", "The dockers' union", "The ministry"]
ACTS = [
    "repair the north bridge",
    "open 12 clinics in Brenmouth",
    "build three dams if parliament approves the budget",
    "hire 200 nurses before winter",
]
THINGS = ["the harbour plan", "the new ferry fares", "the deal with Castoria", "the budget"]
PLEDGE_FRAMES = [
    "{actor} will {act}.",
    "{actor} vowed to {act}.",
    "{actor} plans to {act}.",
    "{actor} said it would {act}.",
    "“We will {act},” said Mayor Hana Okoro.",
]
VIEW_FRAMES = [
    "{actor} condemned {thing}.",
    "{actor} praised {thing}.",
    "{actor} did not back {thing}.",
    "{actor} said {thing} was a terrible mistake.",
]
FILLER = ["Rain fell on Brenmouth all week.", "The ferry runs twice a day."]

sentence = st.one_of(
    st.builds(
        lambda frame, actor, act: frame.format(actor=actor, act=act),
        st.sampled_from(PLEDGE_FRAMES),
        st.sampled_from(ACTORS),
        st.sampled_from(ACTS),
    ),
    st.builds(
        lambda frame, actor, thing: frame.format(actor=actor, thing=thing),
        st.sampled_from(VIEW_FRAMES),
        st.sampled_from(ACTORS),
        st.sampled_from(THINGS),
    ),
    st.sampled_from(FILLER),
)
article = st.builds(
    lambda paragraphs: "\n\n".join(" ".join(p) for p in paragraphs),
    st.lists(st.lists(sentence, min_size=1, max_size=3), min_size=1, max_size=3),
)


@settings(max_examples=20, deadline=None)
@given(article)
def test_every_pledge_and_position_is_a_span_of_the_text(text: str) -> None:
    analysis = analysed(text)
    pledged = list(claims.pledge_candidates(analysis))
    positions = list(claims.position_candidates(analysis, pledged))
    for found in [*pledged, *positions]:
        span = found.evidence
        assert text[span.start : span.end] == span.text == found.item.evidence
    for found in pledged:
        assert found.item.commitment in found.item.evidence
        assert found.item.commitment in text
        assert found.item.condition is None or found.item.condition in text
        assert not found.item.commitment.startswith(("will ", "to ", "would "))


# --- the floor -----------------------------------------------------------------------------------


def test_the_floor_brief_keeps_its_pledges_and_positions_through_grounding() -> None:
    cleaned = clean_article(
        "Harbour town promises new library\n\n"
        "Mayor Hana Okoro visited the flooded harbour in Brenmouth on Monday. "
        "“We will reopen the library in June,” Okoro said.\n\n"
        "The Brenmouth council vowed to repair the north pier. "
        "The fishermen's union condemned the plan to sell the old market.\n"
    )
    brief, dropped = floor_brief(cleaned)
    assert dropped == []
    pledges = {(p.actor, p.commitment) for p in brief.pledges}
    assert ("Hana Okoro", "reopen the library in June") in pledges
    assert ("The Brenmouth council", "repair the north pier") in pledges
    condemned = [p for p in brief.positions if p.actor == "The fishermen's union"]
    assert [p.stance for p in condemned] == ["opposes"]
    for item in [*brief.pledges, *brief.positions]:
        assert item.evidence in cleaned.text
