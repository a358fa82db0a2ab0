"""Grounding is a pure function: verbatim excerpts pass, invented ones fail."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsbrief.grounding import check_brief, is_grounded, normalize
from newsbrief.schemas import Brief, Pledge, Quote, QuotedExpert

SOURCE = (
    "“China-Belarus relations are a role model,” Zhao said.\n\n"
    "The two sides will expand interbank credit — and financial cooperation."
)


def test_typographic_differences_do_not_matter() -> None:
    src = normalize(SOURCE)
    assert is_grounded('"China-Belarus relations are a role model,"', src)
    assert is_grounded("expand interbank credit - and financial cooperation.", src)
    assert is_grounded("THE TWO SIDES   WILL expand", src)


def test_invented_or_empty_excerpts_fail() -> None:
    src = normalize(SOURCE)
    assert not is_grounded("relations are a perfect model", src)
    assert not is_grounded("", src)
    assert not is_grounded(" ,. ", src)


@given(st.data())
def test_every_substring_of_the_source_is_grounded(data: st.DataObject) -> None:
    words = SOURCE.split()
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    assert is_grounded(" ".join(words[start:end]), normalize(SOURCE))


def test_check_brief_counts_and_explains() -> None:
    brief = Brief(
        summary="x",
        pledges=[Pledge(actor="a", commitment="c", evidence="will expand interbank credit")],
        quoted_experts=[
            QuotedExpert(
                name="Zhao",
                quotes=[
                    Quote(text="a role model", kind="direct"),
                    Quote(text="relations are good", kind="indirect"),  # not checked
                ],
            ),
            QuotedExpert(name="Nobody Here", quotes=[Quote(text="made up", kind="direct")]),
        ],
    )
    report = check_brief(brief, SOURCE).to_dict()
    assert report["checked"] == 5
    assert report["grounded"] == 3
    assert [u["path"] for u in report["ungrounded"]] == [
        "quoted_experts[1].quotes[0].text",
        "quoted_experts[1].name",
    ]
