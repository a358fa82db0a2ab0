"""Attribution (who said what) on short texts written for these tests, with known answers.

Every sentence here is made up for the tests. The spaCy pipeline is loaded once per process
(about a second); each test parses a sentence or a paragraph.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbrief.brief.rules.attribution import (
    MAX_BLOCK,
    Attribution,
    Span,
    attributions,
    blocks,
    quote_regions,
    top_level,
)

KINDS = {"direct", "indirect", "mixed"}
CUE_CLASSES = {"say", "believe", "commit", "support", "oppose"}


def only(text: str) -> Attribution:
    """The one attribution of ``text``."""
    found = attributions(text)
    assert len(found) == 1, [(a.cue.text, a.content_text) for a in found]
    return found[0]


def by_cue(found: list[Attribution], cue: str) -> Attribution:
    matches = [a for a in found if a.cue.text == cue]
    assert len(matches) == 1, [(a.cue.text, a.content_text) for a in found]
    return matches[0]


def assert_spans_map_back(text: str, found: list[Attribution]) -> None:
    """Each span is its characters of ``text``, starts and ends on a word or a mark (never on a
    space, never inside a word), and stays inside one paragraph."""
    for index, item in enumerate(found):
        spans = [item.cue, *item.content, *([item.source] if item.source else [])]
        for span in spans:
            assert 0 <= span.start < span.end <= len(text)
            assert text[span.start : span.end] == span.text
            assert span.text == span.text.strip()
            assert span.start == 0 or not (
                text[span.start - 1].isalnum() and text[span.start].isalnum()
            )
            assert span.end == len(text) or not (
                text[span.end - 1].isalnum() and text[span.end].isalnum()
            )
            assert not re.search(r"\n\s*\n", span.text)
        assert item.content
        assert item.kind in KINDS
        assert item.cue_class in CUE_CLASSES
        assert (item.speaker is None) == (item.source is None)
        assert item.within is None or (0 <= item.within < len(found) and item.within != index)
        assert item.start <= item.cue.start < item.cue.end <= item.end
        # The cue is never swallowed by its own content.
        assert not any(c.start < item.cue.start < c.end for c in item.content)


# --- the kinds of attribution ---------------------------------------------------------------------


def test_direct_quote_with_the_source_after_it() -> None:
    text = "“The road will be closed for two weeks,” the mayor said."
    item = only(text)
    assert item.kind == "direct"
    assert item.cue.text == "said"
    assert item.source is not None and item.source.text == "the mayor"
    assert len(item.content) == 1
    content = item.content[0]
    assert content.text.startswith("“The road will be closed for two weeks")
    assert content.text.rstrip(",").endswith("”")
    assert content.end <= item.source.start  # the source comes after the quote
    assert item.cue_class == "say"
    assert not item.negated
    assert_spans_map_back(text, [item])


def test_indirect_speech_with_that_leaves_the_hearer_out() -> None:
    text = "The minister told reporters that the bridge would reopen in May."
    item = only(text)
    assert item.kind == "indirect"
    assert item.source is not None and item.source.text == "The minister"
    assert item.cue.text == "told"
    (content,) = item.content
    assert content.text.startswith(("that", "the bridge"))
    assert content.text.endswith("the bridge would reopen in May")
    assert "reporters" not in content.text
    assert item.speaker == "The minister"
    assert_spans_map_back(text, [item])


def test_partial_quote_inside_indirect_speech_is_mixed() -> None:
    text = "She said the plan was “a disgrace to the city”."
    item = only(text)
    assert item.kind == "mixed"
    assert item.cue.text == "said"
    assert item.source is not None and item.source.text == "She"
    assert item.content_text.startswith("the plan was")
    assert "“a disgrace to the city”" in item.content_text


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        (
            "According to the harbor authority, the ferry will stop running in winter.",
            "According to",
            "the ferry will stop running in winter",
        ),
        (
            "The ferry will stop running in winter, according to the harbor authority.",
            "according to",
            "The ferry will stop running in winter",
        ),
    ],
)
def test_according_to(text: str, cue: str, content: str) -> None:
    item = only(text)
    assert item.cue.text == cue
    assert item.source is not None and item.source.text == "the harbor authority"
    assert item.content_text == content
    assert item.kind == "indirect"
    assert item.cue_class == "say"
    assert_spans_map_back(text, [item])


def test_source_after_the_cue() -> None:
    text = "Prices will rise next year, said Tom Reyes, an economist at the Harbor Institute."
    item = only(text)
    assert item.cue.text == "said"
    assert item.source is not None
    assert item.source.start > item.cue.end
    assert item.source.text.startswith("Tom Reyes")
    assert item.speaker == "Tom Reyes"
    assert item.content_text == "Prices will rise next year"
    assert item.kind == "indirect"


def test_negated_cue_keeps_its_auxiliary_and_negation() -> None:
    item = only("The union did not say when the strike would end.")
    assert item.cue.text == "did not say"
    assert item.negated
    assert item.content_text == "when the strike would end"


def test_cue_classes_of_two_coordinated_reports() -> None:
    text = "The mayor warned that the river could flood, and the council promised new barriers."
    found = attributions(text)
    warned, promised = by_cue(found, "warned"), by_cue(found, "promised")
    assert warned.cue_class == "say"
    assert warned.content_text == "that the river could flood"
    assert promised.cue_class == "commit"
    assert promised.source is not None and promised.source.text == "the council"
    # Each report keeps its own words.
    assert "barriers" not in warned.content_text
    assert_spans_map_back(text, found)


# --- speakers -------------------------------------------------------------------------------------

TREASURER = (
    "Maria Delgado, the council's treasurer, presented the figures on Tuesday. "
    "She said the budget would be balanced by autumn."
)


def test_pronoun_source_resolves_to_the_person_named_before() -> None:
    she = by_cue(attributions(TREASURER), "said")
    assert she.source is not None and she.source.text == "She"
    assert she.speaker == "Maria Delgado"


def test_surname_in_a_quote_attribution_resolves_to_the_full_name() -> None:
    text = TREASURER + " “The reserves are low,” Delgado said."
    found = attributions(text)
    surname = [a for a in found if a.source is not None and a.source.text == "Delgado"]
    assert len(surname) == 1
    assert surname[0].speaker == "Maria Delgado"


def test_surname_subject_resolves_to_the_full_name_when_tagged_as_a_person() -> None:
    text = (
        "Laura Bennett, the council's treasurer, presented the figures. "
        "She said the budget would be balanced by autumn. Bennett said the reserves were low."
    )
    found = attributions(text)
    assert [a.speaker for a in found if a.cue.text == "said"] == ["Laura Bennett", "Laura Bennett"]


def test_surname_subject_resolves_to_the_full_name() -> None:
    text = TREASURER + " Delgado said the reserves were low."
    found = attributions(text)
    surname = [a for a in found if a.source is not None and a.source.text == "Delgado"]
    assert len(surname) == 1
    assert surname[0].speaker == "Maria Delgado"


def test_description_resolves_to_the_body_whose_name_ends_with_it() -> None:
    text = (
        "The Northland Transport Ministry published a timetable on Monday. "
        "The ministry said the changes would cut delays."
    )
    item = by_cue(attributions(text), "said")
    assert item.source is not None and item.source.text == "The ministry"
    assert item.speaker is not None
    assert "Northland Transport Ministry" in item.speaker


def test_description_resolves_to_a_ministry_of_something() -> None:
    text = (
        "The Ministry of Transport published a timetable on Monday. "
        "The ministry said the changes would cut delays."
    )
    item = by_cue(attributions(text), "said")
    assert item.speaker is not None
    assert "Ministry of Transport" in item.speaker


def test_unresolvable_source_keeps_its_own_words() -> None:
    item = only("Rates will fall, the bank said.")
    assert item.source is not None and item.source.text == "the bank"
    assert item.speaker == "the bank"


# --- nesting and quotations -----------------------------------------------------------------------


def test_report_inside_a_quote_is_nested_and_dropped_by_top_level() -> None:
    text = "“I believe we will win,” he said."
    found = attributions(text)
    outer = by_cue(found, "said")
    inner = by_cue(found, "believe")
    assert inner.cue_class == "believe"
    assert inner.within == found.index(outer)
    assert inner.quoted
    assert outer.within is None and not outer.quoted
    assert outer.kind == "direct"
    assert top_level(found) == [outer]
    assert_spans_map_back(text, found)


def test_quote_split_by_the_cue_has_two_pieces() -> None:
    text = "“We are ready,” she said, “and we will not wait.”"
    item = only(text)
    first, second = item.content
    assert first.text.startswith("“We are ready")
    assert second.text == "“and we will not wait.”"
    assert first.end <= item.cue.start < item.cue.end <= second.start
    assert item.kind == "direct"
    assert_spans_map_back(text, [item])


def test_quote_continued_after_the_report_in_the_same_paragraph() -> None:
    text = "“We are ready,” she said. “The trucks are loaded and the crews are here.”"
    item = only(text)
    assert [span.text for span in item.content] == [
        "“We are ready,”",
        "“The trucks are loaded and the crews are here.”",
    ]
    assert item.kind == "direct"


def test_quote_in_the_next_paragraph_is_not_joined() -> None:
    text = "“We are ready,” she said.\n\n“The trucks are loaded and the crews are here.”"
    item = only(text)
    assert [span.text for span in item.content] == ["“We are ready,”"]


@pytest.mark.parametrize(
    "text",
    [
        "  Tom Reyes said the bridge would reopen.",
        "Rain fell.\n \nTom Reyes said the bridge would reopen.",
    ],
)
def test_paragraph_indent_stays_out_of_the_source(text: str) -> None:
    item = only(text)
    assert item.source is not None
    assert item.source.text == "Tom Reyes"


def test_indented_direct_quote_is_direct() -> None:
    item = only("  “We are ready,” she said.")
    assert item.content[0].text == "“We are ready,”"
    assert item.kind == "direct"


def test_quote_regions() -> None:
    text = 'He said "yes" and “no”, then “open\nnext “shut”'
    assert [text[a:b] for a, b in quote_regions(text)] == ['"yes"', "“no”", "“open", "“shut”"]
    assert quote_regions("no quotation here") == []


# --- the precision of contents --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The minister said on Tuesday that the bridge would reopen.",
        "The minister said in a statement that the bridge would reopen.",
        "The minister told reporters on Monday that the bridge would reopen.",
    ],
)
def test_when_and_how_it_was_said_is_not_content(text: str) -> None:
    item = only(text)
    assert item.content_text in ("that the bridge would reopen", "the bridge would reopen")


def test_speaking_on_a_day_is_not_an_attribution() -> None:
    assert attributions("The mayor spoke on Tuesday.") == []


def test_speaking_about_something_is_an_attribution() -> None:
    item = only("The mayor spoke about the budget.")
    assert item.cue.text == "spoke about"
    assert item.content_text == "the budget"


def test_changing_the_returned_list_does_not_change_the_next_result() -> None:
    text = "The porter said the lift was broken."
    first = attributions(text)
    assert len(first) == 1
    first.clear()
    assert len(attributions(text)) == 1


# --- offsets over an article ----------------------------------------------------------------------


def test_paragraph_longer_than_a_block_keeps_offsets() -> None:
    sentences = [f"The clerk said that form {n} was late." for n in range(160)]
    text = "A short opening line.\n\n" + " ".join(sentences)
    assert len(text) > MAX_BLOCK
    found = attributions(text)
    assert_spans_map_back(text, found)
    said = [a for a in found if a.cue.text == "said"]
    assert len(said) == len(sentences)
    for n, item in enumerate(said):
        assert item.content_text == f"that form {n} was late"
        assert item.source is not None and item.source.text == "The clerk"


def test_one_huge_token_returns() -> None:
    found = attributions("ab" * 100_000)  # 200 KB, one token, no space to cut at
    assert isinstance(found, list)
    assert found == []


FIRST = ["Maria", "Tom", "Anna", "James", "Helen", "Peter", "Laura", "Samuel", "Ines", "Kofi"]
LAST = ["Delgado", "Reyes", "Lindqvist", "Okafor", "Marsh", "Novak", "Bennett", "Ortiz", "Haddad"]
BODIES = ["the Harbor Institute", "the Northland Transport Ministry", "the river council"]
THINGS = ["bridge", "ferry", "budget", "school", "tunnel", "market"]
OPENERS = [
    "{first} {last} said the {thing} would reopen in May.",
    "{first} {last}, an engineer at {body}, told reporters that the {thing} was safe.",
    "According to {body}, the {thing} will close next year.",
]
SENTENCES = [
    *OPENERS,
    "“The {thing} is ready,” {last} said.",
    "“We are ready,” she said, “and the {thing} will open.”",
    "{last} added that the {thing} could cost more.",
    "The {thing} will stay shut, said {first} {last}.",
    "He said the {thing} was “a waste of money”.",
    "“I believe the {thing} will last,” he said. “It was built well.”",
    "The {thing} was painted last week.",
    "{first} {last} did not say when the {thing} would open.",
]


@st.composite
def sentence(draw: st.DrawFn, templates: list[str] = SENTENCES) -> str:
    return draw(st.sampled_from(templates)).format(
        first=draw(st.sampled_from(FIRST)),
        last=draw(st.sampled_from(LAST)),
        body=draw(st.sampled_from(BODIES)),
        thing=draw(st.sampled_from(THINGS)),
    )


@st.composite
def article(draw: st.DrawFn) -> str:
    paragraphs = [
        [draw(sentence(OPENERS)), *draw(st.lists(sentence(), max_size=3))],
        *draw(st.lists(st.lists(sentence(), min_size=1, max_size=3), max_size=3)),
    ]
    # Paragraphs start on a word: a blank line holding spaces, or an indent, ends up in the
    # spans (see test_paragraph_indent_stays_out_of_the_source).
    joiner = draw(st.sampled_from(["\n\n", "\n\n\n"]))
    line = draw(st.sampled_from([" ", "\n"]))  # a paragraph may be wrapped
    return joiner.join(line.join(p) for p in paragraphs)


@settings(max_examples=25, deadline=None)
@given(article())
def test_spans_map_back_into_generated_articles(text: str) -> None:
    found = attributions(text)
    assert found  # every article opens with a report
    assert_spans_map_back(text, found)
    assert [a.cue.start for a in found] == sorted(a.cue.start for a in found)
    assert set(map(id, top_level(found))) <= set(map(id, found))


# --- blocks ---------------------------------------------------------------------------------------

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


@st.composite
def long_text(draw: st.DrawFn) -> str:
    prose = st.lists(
        st.tuples(WORD, st.sampled_from([" ", " ", ". ", "? ", "! ", ", ", "\n"])),
        min_size=1,
        max_size=120,
    ).map(lambda pairs: "".join(w + s for w, s in pairs).strip())
    paragraphs = draw(st.lists(prose, min_size=1, max_size=6))
    glued = draw(st.sampled_from("xyzq")) * draw(st.integers(min_value=300, max_value=3_000))
    paragraphs.insert(draw(st.integers(min_value=0, max_value=len(paragraphs))), glued)
    return "".join(p + draw(st.sampled_from(["\n\n", "\n\n\n", "\n  \n"])) for p in paragraphs)


@settings(max_examples=60, deadline=None)
@given(long_text(), st.integers(min_value=8, max_value=400))
def test_blocks_cover_paragraphs_within_the_limit(text: str, limit: int) -> None:
    pieces = list(blocks(text, limit))
    covered: set[int] = set()
    previous_end = 0
    for offset, piece in pieces:
        assert 0 < len(piece) <= limit
        assert text[offset : offset + len(piece)] == piece
        assert offset >= previous_end  # in order, never overlapping
        previous_end = offset + len(piece)
        assert not re.search(r"\n\s*\n", piece)  # never across a blank line
        covered.update(range(offset, offset + len(piece)))
    for index, char in enumerate(text):
        if not char.isspace():
            assert index in covered


def test_blocks_cut_a_long_paragraph_after_a_sentence() -> None:
    sentence_ = "The tide came in early. "
    text = sentence_ * 10
    pieces = list(blocks(text, limit=100))
    assert all(len(piece) <= 100 for _, piece in pieces)
    assert all(piece.endswith(". ") for _, piece in pieces[:-1])
    assert "".join(piece for _, piece in pieces) == text


def test_blocks_of_a_spaceless_paragraph_are_cut_at_the_limit() -> None:
    pieces = list(blocks("x" * 12_000))
    assert [(offset, len(piece)) for offset, piece in pieces] == [
        (0, MAX_BLOCK),
        (MAX_BLOCK, MAX_BLOCK),
        (2 * MAX_BLOCK, 12_000 - 2 * MAX_BLOCK),
    ]


# --- to_dict --------------------------------------------------------------------------------------


def test_to_dict_with_one_content_piece() -> None:
    text = "The minister told reporters that the bridge would reopen in May."
    data = only(text).to_dict()
    assert {"source", "cue", "content", "kind", "speaker"} <= set(data)
    assert data["kind"] == "indirect"
    assert data["speaker"] == "The minister"
    assert data["source"] == {"start": 0, "end": 12, "text": "The minister"}
    assert data["cue"] == Span(13, 17, "told").to_dict()
    assert isinstance(data["content"], dict)
    content = data["content"]
    assert text[content["start"] : content["end"]] == content["text"]
    json.dumps(data)  # plain data


def test_to_dict_with_several_content_pieces() -> None:
    text = "“We are ready,” she said, “and we will not wait.”"
    data = only(text).to_dict()
    assert isinstance(data["content"], list)
    assert [piece["text"] for piece in data["content"]] == [
        span.text for span in only(text).content
    ]
    assert len(data["content"]) == 2
    assert data["kind"] == "direct"
    assert data["source"]["text"] == "she"
    json.dumps(data)


def test_to_dict_without_a_source() -> None:
    item = Attribution(None, Span(0, 4, "said"), (Span(5, 9, "rain"),), "indirect", None)
    data = item.to_dict()
    assert data["source"] is None and data["speaker"] is None
    assert data["content"] == {"start": 5, "end": 9, "text": "rain"}
