"""The pure helpers behind the focused strategy: every span they return is in the text."""

from __future__ import annotations

from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbrief.brief.rules.actors import actor_candidates
from newsbrief.brief.rules.experts import (
    as_expert,
    expert_profile,
    expert_quotes,
    ground_names,
    interview_answers,
    introduced_people,
    is_official,
    person_quotes,
    specialists,
    split_profile,
)
from newsbrief.brief.rules.sentences import (
    cue_pattern,
    select_sentences,
    split_sentences,
    whole_sentences,
)
from newsbrief.brief.rules.statements import (
    commitment_options,
    condition_of,
    not_a_commitment,
    rule_positions,
    stance_choices,
    stance_options,
    statement_of,
    topic_of,
    whole_view,
)

TEXT = (
    "Ministers met in Oslo on Monday. Norway and Chile pledged to cut methane emissions by "
    "half, according to a statement.\n\n"
    "Ana Ruiz, a senior fellow at the Andes Institute, said the deal was overdue. "
    "“It sets a floor, not a ceiling,” Ruiz said.\n\n"
    "The two countries will open a joint monitoring office if funding is approved. "
    "Chile firmly opposes new coal plants and supports a carbon tax."
)
PLEDGE_CUES = cue_pattern(["pledged", "will", "agreed"])
STANCE_CUES = cue_pattern(["opposes", "supports", "condemn"])


def test_sentences_keep_abbreviations_and_quotes() -> None:
    text = "Dr. Kim spoke. “It works,” she said. Then U.S. officials left."
    assert split_sentences(text) == [
        "Dr. Kim spoke.", "“It works,” she said.", "Then U.S. officials left.",
    ]  # fmt: skip


def test_select_sentences_by_cue_in_order() -> None:
    chosen = select_sentences(TEXT, PLEDGE_CUES, limit=5)
    assert [s[:20] for s in chosen] == ["Norway and Chile ple", "The two countries wi"]
    assert select_sentences(TEXT, PLEDGE_CUES, limit=1) == chosen[:1]


def test_actor_nearest_before_the_verb_comes_first() -> None:
    sentence = "Norway and Chile pledged to cut methane emissions by half, according to Oslo."
    cue = PLEDGE_CUES.search(sentence)
    assert cue is not None
    assert actor_candidates(sentence, cue.start()) == ["Norway and Chile", "Oslo"]
    group = "The two countries will open a joint monitoring office."
    assert actor_candidates(group) == ["The two countries"]
    assert actor_candidates("It rained on Monday in the hills.") == []


def test_commitments_and_conditions() -> None:
    sentence = "The two countries will open a joint monitoring office if funding is approved."
    assert commitment_options(sentence, PLEDGE_CUES) == [
        "open a joint monitoring office if funding is approved"
    ]
    assert condition_of(sentence) == "if funding is approved"
    assert condition_of("They will act now.") is None
    first = "Norway and Chile pledged to cut methane emissions by half, according to a statement."
    assert commitment_options(first, PLEDGE_CUES) == ["cut methane emissions by half"]
    quoted = '"Fares will rise unless a new competitor enters," Moreau told the Daily Planet.'
    options = commitment_options(quoted, PLEDGE_CUES)
    assert options == ["rise unless a new competitor enters"]


def test_views_split_at_the_next_cue_and_stances_follow_the_lexicon() -> None:
    sentence = "Chile firmly opposes new coal plants and supports a carbon tax."
    views = stance_options(sentence, STANCE_CUES)
    assert views == ["opposes new coal plants", "supports a carbon tax"]
    polarity = {"opposes": "opposes", "supports": "supports"}
    assert stance_choices(views, polarity) == ["opposes", "supports", "mixed"]
    assert stance_choices(views[:1], polarity) == ["opposes"]
    assert stance_choices(["notes the plan"], polarity) == ["neutral"]
    assert topic_of("supports a carbon tax") == "a carbon tax"


def test_experts_profile_and_quotes() -> None:
    assert ground_names(["Ruiz", "Ana Ruiz", "Bob Invented", " Ana  Ruiz "], TEXT) == ["Ana Ruiz"]
    assert expert_profile("Ana Ruiz", TEXT) == ("senior fellow", "Andes Institute")
    quotes = expert_quotes("Ana Ruiz", TEXT)
    assert [(q.kind, q.text[:24]) for q in quotes] == [
        ("indirect", "Ana Ruiz, a senior fello"),
        ("direct", "It sets a floor, not a c"),
    ]
    assert expert_quotes("Bob Invented", TEXT) == []


def test_whole_sentences() -> None:
    assert whole_sentences("One. Two is cut mid") == "One."
    assert whole_sentences("Only a fragment") == "Only a fragment"
    assert whole_sentences("One. Two.") == "One. Two."


words = st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True)
sentences = st.lists(words, min_size=6, max_size=15).map(lambda ws: " ".join(ws) + ".")


@given(st.lists(sentences, min_size=1, max_size=8))
def test_selected_sentences_and_options_are_spans_of_the_text(parts: list[str]) -> None:
    text = " ".join(parts)
    cues = cue_pattern(["will", "a", "the", "and"])
    for sentence in select_sentences(text, cues, limit=10):
        assert sentence in text
        for option in commitment_options(sentence, cues):
            assert option in sentence
        for view in stance_options(sentence, cues):
            assert view in sentence
        for actor in actor_candidates(sentence):
            assert actor in sentence


def test_speaker_attribution_is_about_who_speaks() -> None:
    text = (
        "During a visit to Lima, Minister Sol Vega said the port would open.\n\n"
        "Critics said Ana Ruiz’s plan fails. The plan is sound, said Ana Ruiz.\n\n"
        "According to Ruiz, costs will fall."
    )
    quotes = [q.text for q in expert_quotes("Ana Ruiz", text)]
    assert quotes == ["The plan is sound, said Ana Ruiz.", "According to Ruiz, costs will fall."]
    assert expert_quotes("Lima", text) == []


def test_officials_are_not_experts() -> None:
    text = "Minister Sol Vega spoke. Ana Ruiz, a professor at Lima University, said so."
    assert is_official("Sol Vega", text)
    assert not is_official("Ana Ruiz", text)
    assert is_official("Tom Ek", "Tom Ek, the foreign minister of Peru, said no.")


# --- people introduced next to a speech verb ----------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "name", "specialist"),
    [
        ("Professor Ilse Varga of Dunmore University declared the results robust.", "Ilse Varga",
         True),
        ("According to Dunmore University political scholar Rafe Okoro, turnout fell.",
         "Rafe Okoro", True),
        ("Coastal Research Institute Director Mina Saar said the water had warmed.", "Mina Saar",
         True),
        ("Harbour Studies geo strategy expert, Oren Tal, said the route was safer.", "Oren Tal",
         True),
        ("The report's lead author, doctoral candidate Lio Brandt, said the data held.",
         "Lio Brandt", True),
        ("Port health anthropologist Sade Ilori told reporters that fear spreads fast.",
         "Sade Ilori", True),
        ("Tomas Vik, a competition lawyer at Vik and Berg, said regulators would look.",
         "Tomas Vik", False),
    ],
)  # fmt: skip
def test_people_are_found_in_the_usual_forms_of_introduction(
    sentence: str, name: str, specialist: bool
) -> None:
    people = introduced_people(f"The deal was signed on Monday.\n\n{sentence}")
    assert [p.name for p in people] == [name]
    assert people[0].specialist is specialist


@pytest.mark.parametrize(
    "text",
    [
        "Both sides backed the Five Principles of Peaceful Coexistence, the minister said.",
        "A fellow of the Royal Academy of Arts said nothing.",
        "The mayor said the Harbour Bridge of Osterby would reopen.",
        "Monday.\n\nNew Port of Osterby officials said the quay was ready.",
    ],
)
def test_organisations_places_and_text_across_lines_are_not_people(text: str) -> None:
    assert introduced_people(text) == []


@given(
    st.lists(
        st.sampled_from(
            [
                "Anna",
                "Berg",
                "said",
                "of",
                "the",
                "Institute",
                ",",
                ".",
                "\n\n",
                "professor",
                "Dr.",
                "Osterby",
                "told",
            ]
        ),
        max_size=40,
    )
)
def test_introduced_names_are_written_on_one_line_of_the_text(words: list[str]) -> None:
    text = " ".join(words)
    for person in introduced_people(text):
        assert person.name in text and "\n" not in person.name
        assert len(person.name.split()) >= 2


def test_a_speaker_set_off_by_any_parenthetical_is_the_one_who_speaks() -> None:
    text = (
        'Ines Varga, in remarks to Harbour.net on Monday, said, "The dredging is two years '
        "late.\"\n\nOle Brandt, head of the pilots' union, said the channel was safe. "
        "Mara Lind, director of the Osterby Institute that ran the survey, said costs had doubled."
    )
    assert [q.text for q in expert_quotes("Ines Varga", text)] == [
        "The dredging is two years late."
    ]
    assert [q.kind for q in expert_quotes("Mara Lind", text)] == ["indirect"]
    # Ole Brandt speaks in the same paragraph, not Mara Lind in his sentence.
    assert expert_quotes("Mara Lind", text)[0].text.startswith("Mara Lind, director")


def test_he_went_on_to_say_continues_the_speaker_of_the_sentence_before() -> None:
    text = (
        "Mara Lind, an economist at the University of Osterby, said the deal was overdue. "
        "She added that prices would fall within a year. "
        "The mayor disagreed. He said the port would lose jobs."
    )
    quotes = [q.text for q in expert_quotes("Mara Lind", text)]
    assert quotes == [
        "Mara Lind, an economist at the University of Osterby, said the deal was overdue.",
        "She added that prices would fall within a year.",
    ]  # "He said" follows a sentence in which she does not speak: not hers


# --- the ways real articles attribute speech ---------------------------------------------------


def test_an_editors_bracketed_stop_ends_the_sentence() -> None:
    text = 'Ines Varga said, "The canal will be dredged by May[.]" She went on to say costs rose.'
    assert split_sentences(text) == [
        'Ines Varga said, "The canal will be dredged by May[.]"', "She went on to say costs rose.",
    ]  # fmt: skip
    assert [q.text for q in expert_quotes("Ines Varga", text)] == [
        "The canal will be dredged by May[.]", "She went on to say costs rose.",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "sentence",
    [
        '"The silt came from upstream", said lead author Professor Ines Varga of Osterby.',
        '"The silt came from upstream", said Dr. Varga.',
        'According to Osterby University river scholar Ines Varga, "the silt came from upstream."',
        "The silt came from upstream, according to Harbour Weekly's Ines Varga.",
    ],
)
def test_a_title_between_the_speech_verb_and_the_name_keeps_the_speaker(sentence: str) -> None:
    assert expert_quotes("Ines Varga", sentence), sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "The silt came from upstream, said the report that Ines Varga commissioned.",
        "The plan was praised, said a rival, and Ines Varga agreed.",
    ],
)
def test_a_name_later_in_the_clause_after_the_verb_is_not_the_speaker(sentence: str) -> None:
    assert expert_quotes("Ines Varga", sentence) == []


def test_a_trailing_he_noted_and_went_on_to_add_continue_the_speaker() -> None:
    text = (
        "Ole Brandt, an economist at the Osterby Institute, said the toll was too high. "
        "Traffic would fall by a third, he noted. The mayor spoke next.\n\n"
        'Brandt went on to add, "Nobody asked the hauliers."'
    )
    quotes = [q.text for q in expert_quotes("Ole Brandt", text)]
    assert quotes == [
        "Ole Brandt, an economist at the Osterby Institute, said the toll was too high.",
        "Traffic would fall by a third, he noted.",
        "Nobody asked the hauliers.",
    ]


def test_reported_words_before_a_quoted_fragment_are_an_indirect_quote_too() -> None:
    text = (
        "Osterby University health expert Sade Ilori said closing the market early would put "
        '"a heavy burden on the traders[.]"'
    )
    quotes = expert_quotes("Sade Ilori", text)
    assert [(q.kind, q.text[:40]) for q in quotes] == [
        ("indirect", "Osterby University health expert Sade Il"),
        ("direct", "a heavy burden on the traders[.]"),
    ]
    # "said, "..."": nothing is reported in the article's own words.
    assert [q.kind for q in expert_quotes("Sade Ilori", 'Sade Ilori said, "No."')] == []


INTERVIEW = (
    "Osterby Weekly spoke to Professor Lena Holm about the flood study.\n\n"
    "((OW)) What did the study find?\n\n"
    "Lena Holm We found that the river rose faster where the wetlands were drained.\n\n"
    "((OW)) What should councils do?\n\n"
    "LH Councils should restore the wetlands before they build new walls.\n\n"
    "Holm said the study would be published in March."
)


def test_an_interviews_answers_are_the_persons_direct_quotes() -> None:
    quotes = expert_quotes("Lena Holm", INTERVIEW)
    assert [(q.kind, q.text) for q in quotes] == [
        ("direct", "We found that the river rose faster where the wetlands were drained."),
        ("direct", "Councils should restore the wetlands before they build new walls."),
        ("indirect", "Holm said the study would be published in March."),
    ]
    for quote in quotes:
        assert quote.text in INTERVIEW


def test_a_name_opening_a_paragraph_is_a_label_only_in_a_transcript() -> None:
    # One paragraph opening with the name and a capital is a sentence, not an answer...
    text = "Lena Holm Foundation staff attended the launch of the flood study on Monday."
    assert interview_answers("Lena Holm", text) == []
    # ...but a label set off by a colon is one, even alone.
    answers = interview_answers("Lena Holm", "HOLM: The walls came too late for us.")
    assert [a for _, a in answers] == ["The walls came too late for us."]


def test_an_introductions_quote_comes_first_among_the_persons_quotes() -> None:
    text = (
        "Professor Lena Holm of Osterby University, co-author of the flood study, declared the "
        'wetlands "the cheapest defence the city has".\n\n' + INTERVIEW.split("\n\n", 1)[1]
    )
    person = introduced_people(text)[0]
    assert person.name == "Lena Holm"
    quotes = [q.text for q in person_quotes(person.name, text, person.at)]
    assert quotes[0] == "the cheapest defence the city has"
    assert quotes[1].startswith("We found that")


def test_a_dot_inside_a_word_does_not_end_the_introducing_sentence() -> None:
    text = (
        "Coastal Research Institute Director Mina Saar, in remarks to Harbour.net.nz, said the "
        "water had warmed."
    )
    assert [p.name for p in introduced_people(text)] == ["Mina Saar"]


# --- positions: the article's clause, a topic that does not stop mid-phrase ---------------------


@pytest.mark.parametrize(
    ("sentence", "view", "statement"),
    [
        ("Noting that Chile will firmly support Peru in building a port suited to its coast, "
         "Vega left.", "support Peru in building a port suited to its coast",
         "Chile will firmly support Peru in building a port suited to its coast."),
        ("In a statement on Friday, the two sides said that they will support each other on "
         "fisheries.", "support each other on fisheries",
         "the two sides said that they will support each other on fisheries."),
        ("The text said that Peru backs the treaty, firmly opposes new quotas and firmly supports "
         "a joint patrol.", "supports a joint patrol",
         "Peru backs the treaty, firmly opposes new quotas and firmly supports a joint patrol."),
        ("Both sides condemn the blockade.", "condemn the blockade",
         "Both sides condemn the blockade."),
    ],
)  # fmt: skip
def test_a_positions_statement_is_the_articles_clause_with_its_subject(
    sentence: str, view: str, statement: str
) -> None:
    assert statement_of(sentence, view) == statement


@given(st.lists(st.sampled_from(["Chile", "the", "two", "sides", "said", "that", "they", ",",
                                 "and", "firmly", "supports", "opposes", "a", "port", "Peru"]),
                min_size=1, max_size=30), st.integers(min_value=0, max_value=29))  # fmt: skip
def test_a_statement_is_a_span_of_its_sentence_ending_with_the_view(
    words: list[str], cut: int
) -> None:
    sentence = " ".join(words)
    view = " ".join(words[min(cut, len(words) - 1) :])
    statement = statement_of(sentence, view)
    assert statement.rstrip(".").rstrip(" ,;:") in sentence
    assert statement.rstrip(".").endswith(view.rstrip(" ,;:."))


def test_a_topic_never_ends_on_a_word_that_needs_more() -> None:
    view = "supports Peru in building a deep-water port suited to the needs of the fishing fleet"
    topic = topic_of(view)
    assert topic == "Peru in building a deep-water port suited to the needs"
    assert topic_of("supports a carbon tax") == "a carbon tax"


@pytest.mark.parametrize(
    ("profile", "role", "affiliation"),
    [
        ("Eastern European studies expert from the Osterby Academy of Sciences",
         "Eastern European studies expert", "Osterby Academy of Sciences"),
        ("professor of public health at the University of Halberg who advised the city",
         "professor of public health", "University of Halberg"),
        ("deputy director of the Harbour Energy Forum", "deputy director", "Harbour Energy Forum"),
        ("Coastal Research Institute Director", "Director", "Coastal Research Institute"),
        ("Professor of Dunmore University", "Professor", "Dunmore University"),
        ("Dr. housing economist at Riverton University", "housing economist",
         "Riverton University"),
        ("retail analyst at the research firm Kestrel Insight", "retail analyst",
         "Kestrel Insight"),
        ("chief economist at Caldwell & Pike Securities in the capital", "chief economist",
         "Caldwell & Pike Securities"),
        ("Aviation consultant", "Aviation consultant", None),
    ],
)  # fmt: skip
def test_a_profile_splits_into_role_and_organisation(
    profile: str, role: str, affiliation: str | None
) -> None:
    assert split_profile(profile) == (role, affiliation)


# --- sentences with a commitment cue that commit nobody ----------------------------------------

COMMIT_CUES = cue_pattern(["will", "would", "pledged", "plans to"])


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("((OW)) How will the council pay for the new walls?", "a question"),
        ('"Will the port reopen this year?" she asked.', "a question"),
        ("Without the loan the port would have closed within a month.", "a counterfactual"),
        ("Without the loan the port would've closed within a month.", "a counterfactual"),
        ("Analysts said the merger will raise fares on the island routes.",
         "a forecast by an analyst"),
        ("Ines Varga said the new walls will not hold back a spring tide.",
         "a forecast by an analyst"),
        ("The council pledged to build the walls by 2027.", None),
        ("The mayor said the city would fund the walls if the state paid half.", None),
    ],
)  # fmt: skip
def test_questions_counterfactuals_and_forecasts_commit_nobody(
    sentence: str, reason: str | None
) -> None:
    assert not_a_commitment(sentence, COMMIT_CUES, ["Ines Varga"]) == reason


def test_pledge_sentences_leave_out_what_commits_nobody() -> None:
    text = (
        "The council pledged to build the walls by 2027. Analysts said the walls will cost "
        "twice as much. How will the council pay for them? The mayor said the city would "
        "raise the harbour fee."
    )
    exclude = partial(not_a_commitment, cues=COMMIT_CUES)
    assert select_sentences(text, COMMIT_CUES, 10, exclude) == [
        "The council pledged to build the walls by 2027.",
        "The mayor said the city would raise the harbour fee.",
    ]


def test_several_views_in_one_sentence_are_several_positions() -> None:
    sentence = "Peru firmly opposes new quotas and supports a joint patrol of the bay, Vega said."
    polarity = {"opposes": "opposes", "supports": "supports"}
    views = stance_options(sentence, STANCE_CUES)
    positions = rule_positions(sentence, views, polarity, STANCE_CUES)
    assert [(p.actor, p.stance, p.topic, p.statement) for p in positions] == [
        ("Peru", "opposes", "new quotas", "Peru firmly opposes new quotas."),
        # no subject of its own: the actor of the view before; the statement does not reach
        # back over the other view
        ("Peru", "supports", "a joint patrol of the bay", "supports a joint patrol of the bay."),
    ]
    assert all(p.evidence == sentence for p in positions)


def test_a_view_cut_before_quoted_words_takes_them_in() -> None:
    sentence = (
        "The text said that Peru backs the treaty, firmly opposes any form of “free fishing” "
        "and firmly supports a joint patrol."
    )
    polarity = {"backs": "supports", "opposes": "opposes", "supports": "supports"}
    cues = cue_pattern(polarity)
    views = stance_options(sentence, cues)
    assert views[1] == "opposes any form of"  # a quotation mark ends a model's option
    assert whole_view(sentence, views[1]) == "opposes any form of “free fishing”"
    positions = rule_positions(sentence, views, polarity, cues)
    assert [(p.actor, p.stance, p.topic) for p in positions] == [
        ("Peru", "supports", "the treaty"),
        ("Peru", "opposes", "any form of “free fishing”"),
        ("Peru", "supports", "a joint patrol"),
    ]
    assert positions[1].statement == "firmly opposes any form of “free fishing”."


@pytest.mark.parametrize(
    ("sentence", "actors"),
    [
        ("The Chile-Peru joint statement said the two sides will share radar data.",
         ["the two sides"]),
        ("The US-Chile trade talks will resume in May, officials said.", ["officials"]),
        ("Guinea-Bissau will hold elections in May.", ["Guinea-Bissau"]),
    ],
)  # fmt: skip
def test_a_two_name_compound_before_a_noun_is_no_actor(sentence: str, actors: list[str]) -> None:
    cue = sentence.index(" will ")
    assert actor_candidates(sentence, cue) == actors


# --- cases a review of the reader found ---------------------------------------------------------


def test_an_initial_does_not_end_a_sentence_and_an_elision_does_not_either() -> None:
    text = "J. R. Holm, a professor at Osterby University, said the walls will fail."
    assert split_sentences(text) == [text]
    person = specialists(text)[0]
    expert = as_expert(person, text)
    assert expert is not None and [q.kind for q in expert.quotes] == ["indirect"]
    elided = 'She said, "The talks [...] went on all night." Then she left.'
    assert len(split_sentences(elided)) == 2


def test_paragraphs_that_open_like_a_label_outside_an_interview_are_not_answers() -> None:
    text = (
        "U.S. President Ana Vik announced new tariffs on steel on Monday.\n\n"
        "US Treasury officials defended the plan before the committee.\n\n"
        "Smith — who has studied trade for decades — said the plan would fail."
    )
    assert interview_answers("Ursula Smith", text) == []
    quotes = expert_quotes("Ursula Smith", text)
    assert [q.kind for q in quotes] == ["indirect"] and quotes[0].text.startswith("Smith —")


def test_a_title_after_the_quote_is_not_reported_speech() -> None:
    text = (
        "“Rates are sticky,” said Lena Holm, a professor of economics at Osterby University, "
        "“and they will stay high.”"
    )
    assert [q.kind for q in expert_quotes("Lena Holm", text)] == ["direct", "direct"]


def test_a_hyphenated_name_before_a_verb_is_an_actor() -> None:
    sentence = "Lund-Berg criticized the bill passed by the Senate on Monday."
    assert actor_candidates(sentence, sentence.index("criticized"))[0] == "Lund-Berg"


def test_a_specialist_is_matched_by_full_name_or_surname_only() -> None:
    cues = cue_pattern(["will"])
    sentence = "John Kerry said the United States will cut emissions by half by 2030."
    assert not_a_commitment(sentence, cues, ["John Smith"]) is None
    assert not_a_commitment(sentence, cues, ["Maria Kerry"]) is not None


def test_a_coordinated_subject_stays_whole_in_the_statement() -> None:
    sentence = "China and Russia support the plan of the UN envoy."
    assert statement_of(sentence, "support the plan of the UN envoy") == sentence
    assert topic_of("supports the idea of") == "the idea"


def test_a_statement_never_opens_with_a_conjunction() -> None:
    sentence = "The two sides said they will back the deal, and firmly oppose any new tariff."
    cues = cue_pattern(["back", "oppose"])
    assert statement_of(sentence, "oppose any new tariff", cues) == (
        "firmly oppose any new tariff."
    )


@pytest.mark.parametrize(
    "blob",
    [
        "0123456789abcdef" * 12_500,  # a 200 KB hash dump
        "0123456789ABCDEF" * 12_500,  # capitals: every position could start a name
        " ".join(["Alpha"] * 30_000),  # one long run of capitalised words
        "x" * 100_000 + "ologist",  # a long word before a title suffix
    ],
    ids=["hex", "HEX", "capitalised-run", "long-ologist"],
)
def test_the_person_finders_stay_linear_on_long_tokens(blob: str) -> None:
    # Names, organisations and titles are bounded in length, so a long run of letters or
    # capitalised words is read once, not once per position (the finders were quadratic: 245 s
    # for 100 KB). These finish in milliseconds; a quadratic finder would not finish the suite.
    text = f"The council said it will publish the key. {blob}.\n\nAna Ruiz, a professor at Osterby "
    text += "University, said the key was safe."
    people = introduced_people(text)
    assert [p.name for p in people] == ["Ana Ruiz"]
    assert [p.name for p in specialists(text)] == ["Ana Ruiz"]
    assert expert_quotes("Ana Ruiz", text)
