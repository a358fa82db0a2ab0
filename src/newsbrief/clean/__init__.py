"""Cleaning passes: pure functions from raw article text to :class:`CleanArticle`, no I/O.

One module per pass; the passes run in this order, each on the output of the one before:

0. ``page`` (HTML only): the article's text, extracted (below);
1. ``mojibake``: text decoded with the wrong codec is repaired (ftfy; quotes are left alone);
2. ``whitespace`` (removals ``invisible`` / ``control``): zero-width and control characters
   go; whitespace is normalized, lines are kept and blank lines separate paragraphs;
3. ``footer``: everything from the first footer line on ("Related Post", "Leave a Reply",
   "Content comes from ...") after the first part of the text, with other articles' teasers;
4. ``chrome``: whole lines that are site furniture: datelines and bylines (with a site's name
   too, as lines or fused with the first sentence), "Breaking", photo credits (glued to a
   caption too), image alt text and gallery controls, share and follow rows, newsletter and
   sign-up prompts, cookie, consent and paywall banners, breadcrumbs, "Advertisement",
   copyright and reprint notices, "Read more" teasers with any separator, author bios and
   contact lines at the end, repeats of the title; each removal names its kind in ``reason``;
5. ``watermark``: a string injected over and over, often inside words ("mutWorld Timesual"),
   found because removing it turns non-words back into words; legitimate mentions ("told the
   World Times") stay;
6. ``glued``: two words run together ("theyhave", "theXinhua", "rescuework", "percentof") are
   split, conservatively: never a word the lists know, a capitalized word (but a common word
   run into a name: "claimedHouthis"), a word the article uses elsewhere, or an address.

HTML is extracted first: trafilatura's paragraphs, without its list and table markup, with
what it leaves out of the article read back from the page's own blocks (a body split around
an advertisement row, an element's opening paragraph, a lede or lead-video caption between the
kept headline and the body, embedded posts): see :func:`extend_extraction`.

Every removal or repair is recorded as a :class:`Removal` (``records``) with the text it
removed, what replaced it, and its offset in the text that pass worked on. Nothing is removed
silently. ``prose`` says which lines read as the article's sentences (the passes protect them),
``words`` holds the word lists, ``pipeline`` runs the passes, and ``boilerplate`` removes what
a batch learns each site repeats. Every threshold a pass compares with is a field of one
:class:`CleanOptions` (``options``), passed down from :func:`clean_text` /
:func:`clean_article`; ``CleanOptions()`` is the cleaner as shipped.

Every pass runs in time linear in the text, whatever it holds (one 3 MB word, 5 MB of short
lines, deeply nested HTML): the word-level passes look at bounded windows only, and words too
long to be words are left as they are. Under a time budget (``CleanOptions.time_budget``, or
any :func:`newsbrief.budget.time_budget` open around the clean) a clean that still takes too
long stops with :class:`~newsbrief.errors.TimeBudgetError` instead of stalling its caller.
"""

from __future__ import annotations

from ..budget import time_budget
from .chrome import chrome_reason, is_chrome_line, is_headline, remove_chrome
from .footer import cut_footer
from .glued import split_glued
from .mojibake import fix_mojibake
from .options import CleanOptions
from .page import PageBlock, extend_extraction, extract_html, match_blocks, page_blocks, unmark
from .pipeline import clean_article, clean_text, cleaner_version, guess_title
from .prose import is_sentence
from .records import CleanArticle, Removal, diff
from .watermark import remove_watermarks
from .whitespace import normalize
from .words import looks_english, zipf

__all__ = [
    "CleanArticle",
    "CleanOptions",
    "PageBlock",
    "Removal",
    "chrome_reason",
    "clean_article",
    "clean_text",
    "cleaner_version",
    "cut_footer",
    "diff",
    "extend_extraction",
    "extract_html",
    "fix_mojibake",
    "guess_title",
    "is_chrome_line",
    "is_headline",
    "is_sentence",
    "looks_english",
    "match_blocks",
    "normalize",
    "page_blocks",
    "remove_chrome",
    "remove_watermarks",
    "split_glued",
    "time_budget",
    "unmark",
    "zipf",
]
