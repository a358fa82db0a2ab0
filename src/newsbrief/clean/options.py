"""The cleaner's thresholds, in one object passed to every pass (:class:`CleanOptions`).

Each field is a number a pass compares with; the comment says what it bounds and, where a
measurement chose it, the example that did. ``CleanOptions()`` is the cleaner as shipped: every
stored cleaning result and every benchmark number in the README was made with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class CleanOptions:
    # --- the clean as a whole
    # Seconds one clean may take, on its own clock (None: only the budgets a caller opened
    # around it, see newsbrief.budget); over it, TimeBudgetError.
    time_budget: float | None = None

    # --- 0. HTML: what is read back from the page's own blocks (extend_extraction)
    html_max_boxes: int = 200  # classed elements followed deep (deeper ones: the one around)
    extend_lead_blocks: int = 2  # prose blocks read back before a kept paragraph, over ...
    extend_lead_skip: int = 1  # ... at most this many short blocks that are not prose (captions)
    extend_gap_words: int = 20  # the longest block passed over there

    # --- prose or chrome
    sentence_min_words: int = 8  # a sentence has at least this many words
    # of a short sentence's words, in lower case: headlines capitalize theirs
    prose_min_lower: float = 0.5

    # --- 3. footer
    # A footer marker only counts after this share of the text, so an article that merely
    # mentions "related stories" early on is not cut ...
    footer_min_share: float = 0.3
    # ... or, a footer note followed by at most one prose line, with this many markers
    # (counting it) in its tail ("Content comes from ...", a teaser, "Related Post").
    footer_corroboration: int = 3
    blurb_min_shared: float = 0.5  # of the headline's content words the blurb under it repeats

    # --- 4. chrome lines
    chrome_max_words: int = 40  # a longer line is no chrome
    chrome_max_chars: int = 1000  # a longer line is no chrome (and no pattern is tried on it)
    list_max_items: int = 12  # headline-like lines taken under a "Most Read"-like heading
    headline_max_words: int = 20
    teaser_max_blurb_lines: int = 2  # lines under a teaser taken as its blurb
    blurb_max_words: int = 35
    dateline_lines: int = 3  # a dateline glued to a sentence: among the first lines kept
    dateline_max_words: int = 16
    dateline_max_chars: int = 160  # a longer line is no dateline (no date is searched in it)
    reason_max_chars: int = 300  # of a chrome line, read to name its kind
    bio_tail_lines: int = 4  # a bio is one of the article's last lines

    # --- word lists
    english_sample_words: int = 3000  # words read to tell English from another language

    # --- 5. watermarks
    watermark_min_repairs: int = 2  # different neighbours a mark must repair
    # A word carrying a watermark is unknown to the word list ("mutWorld", "Timesual"); one the
    # list knows ("MacBook" 3.4, "Nationally" 3.8, even "Meridia" 1.6) is a word, not noise.
    watermark_word_max_zipf: float = 1.0
    # A one-word mark that is an ordinary English word ("Book", "Phone", "Fire") is far likelier
    # a part of compound names ("MacBook", "FatFIRE") than a site's watermark.
    watermark_plain_word_max_zipf: float = 3.0
    # Bounds that keep the search linear: a watermark is a short phrase, glued once into a word
    # of ordinary length; longer tokens, and words with many case changes, are not looked at.
    mark_max_chars: int = 48
    word_max_chars: int = 64
    word_max_joins: int = 3
    watermark_max_rounds: int = 8

    # --- 6. glued words
    glue_part_min_zipf: float = 3.0  # both halves must be words ("rallying" 3.2)
    # the glued token itself must be rare ("theyhave" 1.1, web-typo "ofthe" 3.3)
    glue_max_zipf: float = 3.5
    # Two words glued must be likelier than the token as one word, by this many Zipf units:
    # under a unigram model, log10 P(left) P(right) against log10 P(token). "theyhave":
    # 6.5 + 6.7 - 9 = 4.2 against 1.1; "fireside": 5.3 + 5.3 - 9 = 1.6 against 2.7 (a word).
    glue_margin: float = 2.5
    # Or, for a token no list knows, one half is a function word or very common
    # ("beenrallying", "morebikes"; not "panational"); or, for a rare one, a function word.
    glue_common_zipf: float = 6.0
    # Two common English words glued together are rarely longer than 25 letters; a longer run
    # of letters is not split (trying every split point of a 3 MB "word" was quadratic).
    glue_max_chars: int = 40
    glue_unknown_zipf: float = 1.0  # under this a token is unknown to the word list
    # a short function word ("of", "to") glued after a word this common ("accordingto")
    glue_short_left_zipf: float = 4.5
    glue_typo_zipf: float = 2.5  # a function word glued on is a common web typo ("willbe" 1.8)
    # next to a function word, a rarer word ("vaccinating" 2.4)
    glue_function_part_min_zipf: float = 2.0
    glue_unknown_max_chars: int = 24  # an unknown token is read as two words only this long
    # A second part of three letters must be a common word ("cannotpay"); a first part of three
    # letters starts too many compounds ("eyepatches", "lawmaker") to count.
    glue_short_part_min_zipf: float = 4.0

    @cached_property
    def glue_lowest_part_zipf(self) -> float:
        """The rarest a part of a glued token may be, whatever the other part is."""
        return min(self.glue_part_min_zipf, self.glue_function_part_min_zipf)


DEFAULT = CleanOptions()
