"""Issue 25: the cleaner's thresholds are one options object, passed down to every pass.

A threshold given in :class:`CleanOptions` is the one the passes use (none is read from a
module global), every field is read by some pass, and the time budget is passed with it."""

from __future__ import annotations

import ast
from dataclasses import fields, replace
from pathlib import Path

import pytest

from newsbrief import clean
from newsbrief.clean import (
    CleanOptions,
    clean_article,
    clean_text,
    extend_extraction,
    is_sentence,
    page_blocks,
)
from newsbrief.errors import TimeBudgetError

PACKAGE = Path(clean.__file__).parent
BODY = [
    "The council approved the new budget on Tuesday after a long and heated debate.",
    "Opposition members said the plan would leave schools without the money they need.",
    "The finance minister told reporters that spending on roads would rise by a third.",
]


def test_the_defaults_are_the_cleaner_as_shipped() -> None:
    cleaned = clean_text("Breaking\n\n" + "\n\n".join(BODY))
    assert clean_text("Breaking\n\n" + "\n\n".join(BODY), options=CleanOptions()) == cleaned


def test_a_threshold_given_is_the_one_a_pass_uses() -> None:
    line = "The mayor said that it would open on Monday."  # nine words
    assert is_sentence(line)
    assert not is_sentence(line, CleanOptions(sentence_min_words=10))


def test_options_reach_the_passes_through_clean_text() -> None:
    # A footer marker right after the first paragraph: under the default share (30% of the
    # text) it is too early to cut; with a share of 0 it cuts the rest.
    text = "\n".join([BODY[0], "Related Posts", "Five things to know about the budget"])
    assert "Related Posts" not in clean_text(text).text  # the chrome pass takes the heading
    assert BODY[0] in clean_text(text).text
    early = clean_text(text, options=CleanOptions(footer_min_share=0.0))
    assert [r.kind for r in early.removed] == ["footer"]
    assert early.text == BODY[0]


def test_options_reach_what_the_html_pass_reads_back() -> None:
    # The opening paragraph of the article's element, left out by the extractor, comes back
    # over a caption; with no block read back (or no element followed) it stays out.
    html = (
        "<div class='teaser'><p>An older story about another harbour, told here at length.</p>"
        f"</div><div class='story'><p>{BODY[0]}</p><p>Cranes on the quay</p><p>{BODY[1]}</p>"
        f"<p>{BODY[2]}</p></div>"
    )
    assert extend_extraction(BODY[1:], page_blocks(html)) == BODY
    none_back = CleanOptions(extend_lead_blocks=0)
    assert extend_extraction(BODY[1:], page_blocks(html), none_back) == BODY[1:]
    no_boxes = CleanOptions(html_max_boxes=0)
    assert extend_extraction(BODY[1:], page_blocks(html, no_boxes), no_boxes) == BODY[1:]


def test_every_option_is_read_by_a_pass() -> None:
    read = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "options"
            ):
                read.add(node.attr)
    declared = {f.name for f in fields(CleanOptions)}
    assert declared - read == set(), "options no pass reads"
    assert read - declared <= {"glue_lowest_part_zipf"}, "options read but not declared"


def test_no_pass_reads_a_threshold_from_a_module_global() -> None:
    """Module globals of the package are patterns, word lists and speed-only constants: a
    numeric global other than these would be a threshold outside the options."""
    speed_only = {"MARK_KEY", "VOCABULARY_WINDOW_MAX", "GATE_SHORT_CHARS"}
    numeric = []
    for path in PACKAGE.glob("*.py"):
        if path.name == "boilerplate.py":  # its own settings, learned per site in a batch
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                value = node.value.value
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    numeric += [t.id for t in node.targets if isinstance(t, ast.Name)]
    assert set(numeric) <= speed_only, set(numeric) - speed_only


def test_the_time_budget_is_passed_with_the_options() -> None:
    lines = "\n".join(f"line {n} of noise" for n in range(20_000))
    with pytest.raises(TimeBudgetError, match="time budget of 1e-09 s"):
        clean_text(lines, options=CleanOptions(time_budget=1e-9))
    with pytest.raises(TimeBudgetError):
        clean_article(f"<p>{lines}</p>", "text/html", options=CleanOptions(time_budget=1e-9))
    assert clean_text(lines, options=replace(CleanOptions(), time_budget=None)).text
