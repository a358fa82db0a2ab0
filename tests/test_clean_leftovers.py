"""Issue 24: each kind of leftover the cleaner used to keep goes, named in its reason, while the
article's prose, names and brands stay. Every text here is written for these tests."""

from __future__ import annotations

import pytest

from newsbrief.clean import clean_text, extend_extraction, page_blocks, split_glued, unmark

PROSE = [
    "The harbour authority approved the new ferry terminal on Tuesday after a long debate.",
    "Fishermen said the building work would close the northern quay for most of the season.",
    "The mayor told reporters that the city would pay for temporary moorings until spring.",
    "Engineers expect the first ferries to use the terminal before the end of next year.",
]

LEFTOVERS = [
    ("Share · Tweet · Email · Copy link", "share or follow row"),
    ("Facebook | Twitter | LinkedIn | Reddit", "share or follow row"),
    ("Follow the Lakeside Post on Facebook and Instagram", "share or follow row"),
    ("Sign up to our weekly newsletter", "newsletter or sign-up prompt"),
    ("Enter your email address", "newsletter or sign-up prompt"),
    ("Thank you for subscribing!", "newsletter or sign-up prompt"),
    ("You have reached your limit of free articles.", "cookie, consent or paywall banner"),
    ("By continuing to browse the site you are agreeing to our use of cookies.",
     "cookie, consent or paywall banner"),
    ("Already a subscriber? Log in", "cookie, consent or paywall banner"),
    ("Image may contain: 3 people, boat and outdoor", "photo credit, alt text or gallery control"),
    ("Image 2 of 9", "photo credit, alt text or gallery control"),
    ("Toggle caption", "photo credit, alt text or gallery control"),
    ("News / Europe / Harbours", "breadcrumb"),
    ("You are here: Home > Local", "breadcrumb"),
    ("Lakeside Post | Oct 12, 2021 | Updated 14:05", "byline or dateline"),
    ("By Mira Castell | Lakeside Post | 12 October 2021", "byline or dateline"),
    ("ALSO READ | Council delays vote on the bypass", "teaser of another article"),
    ("Read more — Council delays vote on the bypass", "teaser of another article"),
    ("Harbour Weekly Newsletter", "newsletter or sign-up prompt"),
    ("Keep an eye on your inbox for the latest harbour news.", "newsletter or sign-up prompt"),
    ("Sorry! There was an error processing your subscription.", "newsletter or sign-up prompt"),
    ("This copy is for your personal, non-commercial use only.",
     "copyright or redistribution notice"),
    ("Order reprints", "copyright or redistribution notice"),
    ("Write to Mira Castell at mira@lakesidepost.example", "author bio or contact"),
    ("This article has been sent to", "share or follow row"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "reason"), LEFTOVERS)
def test_a_leftover_line_between_paragraphs_goes_with_its_reason(line: str, reason: str) -> None:
    text = "\n\n".join([*PROSE[:2], line, *PROSE[2:]])
    cleaned = clean_text(text)
    assert cleaned.text == "\n\n".join(PROSE)
    assert [(r.kind, r.text, r.reason) for r in cleaned.removed] == [("chrome", line, reason)]


def test_a_dateline_fused_with_a_site_name_goes_from_the_first_sentence() -> None:
    for prefix in ("OSTEND (Lakeside Post) — ", "OSTEND, Oct 12 (Lakeside Post) - ",
                   "OSTEND — Lakeside Post — "):  # fmt: skip
        cleaned = clean_text(prefix + "\n\n".join(PROSE))
        assert cleaned.text == "\n\n".join(PROSE), prefix
        assert [(r.text, r.reason) for r in cleaned.removed] == [(prefix, "byline or dateline")]


def test_a_credit_glued_to_a_caption_goes_with_the_caption() -> None:
    caption = "Cranes over the northern quayPHOTO: Lakeside Post/Reuters"
    cleaned = clean_text("\n\n".join([*PROSE[:2], caption, *PROSE[2:]]))
    assert cleaned.text == "\n\n".join(PROSE)


def test_an_author_bio_at_the_end_goes_but_a_sentence_about_a_reporter_inside_stays() -> None:
    bio = "Mira Castell is a staff writer at the Lakeside Post, covering transport."
    cleaned = clean_text("\n\n".join([*PROSE, bio]))
    assert cleaned.text == "\n\n".join(PROSE)
    assert [r.reason for r in cleaned.removed] == ["author bio or contact"]
    inside = "Jonas Vrede is a reporter who was held for two days at the port last spring."
    text = "\n\n".join([PROSE[0], inside, *PROSE[1:], PROSE[0].replace("Tuesday", "Monday")])
    assert clean_text(text).text == text


def test_a_teaser_does_not_take_the_last_lines_of_a_text_without_blank_lines() -> None:
    text = "\n".join([*PROSE[:2], "RELATED STORY: Council delays vote on the bypass", *PROSE[2:]])
    cleaned = clean_text(text)
    assert cleaned.text == "\n".join(PROSE)


@pytest.mark.parametrize(
    ("glued", "split"),
    [("percentof", "percent of"), ("rescuework", "rescue work"),
     ("theCommission", "the Commission"), ("claimedHouthis", "claimed Houthis"),
     ("significanthuman", "significant human")],
)  # fmt: skip
def test_two_words_glued_by_a_line_break_or_a_removed_link_are_split(
    glued: str, split: str
) -> None:
    text, removed = split_glued(f"Officials said the {glued} figures were checked twice.")
    assert text == f"Officials said the {split} figures were checked twice."
    assert [(r.kind, r.text, r.replacement) for r in removed] == [("glued", glued, split)]


def test_words_names_brands_and_addresses_are_not_split() -> None:
    text = ("The iPhone and eBay deals, McDonald's menus and PayPal fees drew comment; "
            "write to harbourdesk@lakesidepost.example or see www.lakesidepost.example/ferries. "
            "Outcompeted rivals and the keywoman of the upsample project stayed "
            "quiet.")  # fmt: skip
    assert split_glued(text) == (text, [])


def test_an_article_split_around_an_advertisement_row_keeps_its_second_part() -> None:
    body = '<div class="story-body">' + "".join(f"<p>{p}</p>" for p in PROSE[:2]) + "</div>"
    rest = '<div class="story-body">' + "".join(f"<p>{p}</p>" for p in PROSE[2:]) + "</div>"
    ad = '<div class="ad-row"><span>Advertisement</span></div>'
    related = '<div class="teasers"><p>Another story entirely, about a different harbour.</p></div>'
    page = page_blocks(f"<html><body>{body}{ad}{rest}{related}</body></html>")
    assert extend_extraction(PROSE[:2], page) == PROSE
    # Nothing of another kind of element is added.
    assert "Another story" not in " ".join(extend_extraction(PROSE[:2], page))


def test_an_embedded_post_between_kept_paragraphs_stays() -> None:
    quote = "The new terminal is a disaster for the northern quay — a local fisher (@quayfisher)"
    html = (f"<article><p>{PROSE[0]}</p><blockquote class='embed'><p>{quote}</p></blockquote>"
            f"<p>{PROSE[1]}</p></article>")  # fmt: skip
    assert extend_extraction(PROSE[:2], page_blocks(html)) == [PROSE[0], quote, PROSE[1]]


def test_trafilatura_list_and_table_markup_is_not_kept_as_words() -> None:
    assert unmark("- Get the tickets at the harbour office") == (
        "Get the tickets at the harbour office"
    )
    assert unmark("| Quay | Berths | Opens |") == "Quay Berths Opens"
    assert (
        unmark("A sentence - with a dash | and a bar.") == "A sentence - with a dash | and a bar."
    )


def test_the_opening_paragraph_of_the_article_element_comes_back_over_a_caption() -> None:
    html = (
        "<div class='teaser'><p>An older story about another harbour, told here at length.</p>"
        f"</div><div class='story'><p>{PROSE[0]}</p><p>Cranes on the quay</p><p>{PROSE[1]}</p>"
        f"<p>{PROSE[2]}</p></div>"
    )
    assert extend_extraction(PROSE[1:3], page_blocks(html)) == PROSE[:3]


HEADLINE = "Harbour approves a ferry terminal for the northern quay"
LEDE = "The city will build its first ferry terminal in forty years, the harbour board decided."


def _story(between: str, *, headline_alone: bool = False) -> str:
    """A page whose article element holds the headline, then ``between`` (in elements of
    their own), then the body; with ``headline_alone`` the headline sits in a header element
    of its own, outside the article element."""
    title = f"<div class='header'><h1>{HEADLINE}</h1></div>" if headline_alone else (
        f"<h1>{HEADLINE}</h1>")  # fmt: skip
    body = "<div class='body'>" + "".join(f"<p>{p}</p>" for p in PROSE[:2]) + "</div>"
    inner = "" if headline_alone else title
    return (
        f"<html><body>{title if headline_alone else ''}<article class='story'>{inner}"
        f"{between}{body}</article></body></html>"
    )


def test_a_lede_between_the_kept_headline_and_the_body_of_one_element_comes_back() -> None:
    between = (
        "<div class='photo'><p>Cranes on the quay</p></div>"
        f"<div class='summary'><p>{LEDE}</p></div>"
        "<div class='byline'>By Ana Lee on Monday, November 18th, 2019 at 11:08 a.m.</div>"
    )
    page = page_blocks(_story(between))
    # The byline (a sentence, and still a byline) and the photo's label stay out.
    assert extend_extraction([HEADLINE, *PROSE[:2]], page) == [HEADLINE, LEDE, *PROSE[:2]]


def test_a_video_caption_after_the_headline_comes_back_as_the_opening() -> None:
    caption = "A harbour pilot explains how the new ferries will turn inside the basin."
    between = f"<div class='video'>Video</div><div class='caption'><p>{caption}</p></div>"
    page = page_blocks(_story(between))
    assert extend_extraction([HEADLINE, *PROSE[:2]], page) == [HEADLINE, caption, *PROSE[:2]]


def test_prose_after_a_standfirst_already_kept_stays_out() -> None:
    caption = "A harbour pilot explains how the new ferries will turn inside the basin."
    page = page_blocks(_story(f"<p>{LEDE}</p><div class='caption'><p>{caption}</p></div>"))
    assert extend_extraction([HEADLINE, LEDE, *PROSE[:2]], page) == [HEADLINE, LEDE, *PROSE[:2]]


def test_a_dek_outside_the_element_of_the_kept_headline_stays_out() -> None:
    # The headline's own element ends before the body: the dek is not inside the article's
    # element, as a dek or abstract set above the article usually is not.
    page = page_blocks(_story(f"<div class='dek'><p>{LEDE}</p></div>", headline_alone=True))
    assert extend_extraction([HEADLINE, *PROSE[:2]], page) == [HEADLINE, *PROSE[:2]]
    # Nor is one read back when only the body was kept.
    assert extend_extraction(PROSE[:2], page) == PROSE[:2]


def test_page_blocks_know_where_their_element_ends() -> None:
    page = page_blocks(
        "<div class='outer'><p>one</p><div class='inner'><p>two</p></div><p>three</p></div>"
        "<p>four</p><div class='open'><p>five</p>"
    )
    assert [(b.text, b.last) for b in page] == [
        ("one", 2),
        ("two", 1),
        ("three", 2),
        ("four", 4),
        ("five", 4),
    ]


def test_the_brief_page_lists_each_removal_with_its_kind() -> None:
    from newsbrief.html_view import brief_page

    line = "Share · Tweet · Email · Copy link"
    cleaned = clean_text("\n\n".join([*PROSE[:2], line, *PROSE[2:]]))
    result = {"article": {"id": "quay", "source": "quay.txt", "title": None},
              "brief": {"summary": "A terminal.", "pledges": [], "positions": [],
                        "quoted_experts": []},
              "meta": {"model": "fake:x", "prompt": "brief@1", "strategy": "whole",
                       "latency_ms": 1, "usage": {"prompt_tokens": 1, "completion_tokens": 1},
                       "attempts": 1, "cached": False,
                       "grounding": {"checked": 0, "grounded": 0, "ungrounded": [],
                                     "dropped": []}}}  # fmt: skip
    page = brief_page(result, cleaned.to_dict())
    assert "What the cleaner removed (1)" in page
    assert "chrome · share or follow row</span>Share · Tweet · Email · Copy link" in page
