"""3. Footer: everything from the first footer line on ("Related Post", "Leave a Reply",
"Content comes from ...") after the first part of the text, with other articles' teasers."""

from __future__ import annotations

import re

from .. import budget
from .chrome import LIST_HEADING, TEASER, is_chrome_line
from .options import DEFAULT, CleanOptions
from .prose import ends_sentence, is_blurb, is_prose
from .records import Removal

# Headings that start a site's footer: what follows them is not the article (comment forms,
# lists of other articles). A whole line, any case, without a sentence's final punctuation
# ("More on the talks." ends a paragraph of prose; "More on the talks" heads a list).
_FOOTER = re.compile(
    r"^(?:related(?:\s+(?:posts?|articles?|stories|news|reading|content|links?|topics))?"
    r"|more (?:from|on|stories|news)\b.{0,40}|you (?:may|might) also (?:like|enjoy)\b.{0,20}"
    r"|recommended(?: for you| stories| articles)?|trending(?: now| stories)?"
    r"|most (?:read|popular|viewed|shared)|leave a (?:reply|comment)|post a comment"
    r"|add a comment|join the (?:conversation|discussion)|(?:\d+\s+)?comments?(?:\s*\(\d+\))?"
    r"|tags?(?:\s*:.*)?|filed under\b.*|topics\s*:.*)\s*:?$",
    re.IGNORECASE,
)
# Notes that end an article's page, written as sentences: a syndication or comment-form note.
_FOOTER_NOTE = re.compile(
    r"^(?:your email address will not be published.*|content comes from\b.*"
    r"|(?:this article|this story) (?:was|is|first) (?:originally )?(?:published|appeared)\b.*)$",
    re.IGNORECASE,
)


def footer_marker(line: str) -> bool:
    """Whether ``line`` heads a site's footer ("Related Posts", "Leave a Reply") or is a note
    that ends an article's page ("This article was first published on ...")."""
    return bool((_FOOTER.match(line) and not ends_sentence(line)) or _FOOTER_NOTE.match(line))


def cut_footer(text: str, options: CleanOptions = DEFAULT) -> tuple[str, list[Removal]]:
    """Drop everything from the first footer line on, when it comes after ``footer_min_share``
    of the text and what follows it is not article prose: no sentence-like line (teaser lines
    and blurbs that repeat the headline above them do not count as prose), or else several
    footer markers in a row ("Content comes from ...", "Related Post", "Leave a Reply"). A
    marker followed by prose cuts nothing: a teaser's blurb cannot be told from an article's
    last paragraph (the chrome pass still takes the marker and the headlines under it)."""
    lines = text.split("\n")
    markers = [footer_marker(line) for line in lines]
    offsets = [0] * len(lines)
    offset = 0
    for i, line in enumerate(lines):
        offsets[i] = offset
        offset += len(line) + 1
    share = options.footer_min_share * len(text)
    candidates = [i for i, marker in enumerate(markers) if marker and offsets[i] >= share]
    if not candidates:
        return text, []  # most articles: no footer marker, nothing to judge
    # Prose and markers from each line on, counted backwards down to the first candidate.
    first = candidates[0]
    prose_after = [0] * (len(lines) + 1)
    markers_after = [0] * (len(lines) + 1)
    for i in range(len(lines) - 1, first - 1, -1):
        budget.tick()
        line = lines[i]
        not_prose = (
            markers[i] or TEASER.match(line) or (i > 0 and is_blurb(line, lines[i - 1], options))
        )
        prose_after[i] = prose_after[i + 1] + (not not_prose and is_prose(line, options))
        markers_after[i] = markers_after[i + 1] + markers[i]
    after_list = _article_after_lists(lines, markers, first, options)
    for i in candidates:
        if after_list[i - first]:
            continue  # an aside's list inside the article (the chrome pass takes it)
        if prose_after[i + 1] == 0 or (
            _FOOTER_NOTE.match(lines[i])
            and prose_after[i + 1] <= 1
            and markers_after[i] >= options.footer_corroboration
        ):
            offset = offsets[i]
            return text[:offset].rstrip(), [Removal("footer", text[offset:], offset)]
    return text, []


def _article_after_lists(
    lines: list[str], markers: list[bool], first: int, options: CleanOptions
) -> list[bool]:
    """For each line from ``first`` on: whether it is a list heading ("Most Read") and the
    block after the one it opens starts with a line that is no footer marker, teaser or
    chrome. The list was then an aside, and the article goes on (with lines such as a
    gallery's captions, which no sentence protects). One backward pass: linear."""
    found = [False] * (len(lines) - first)
    next_start = len(lines)  # the first line of the next block after the current one
    block_start = len(lines)  # the first line of text at or after the current line
    for i in range(len(lines) - 1, first - 1, -1):
        if not lines[i]:
            next_start = block_start  # the block below is the next for the lines above
            continue
        block_start = i
        if LIST_HEADING.match(lines[i]) and next_start < len(lines):
            line = lines[next_start]
            found[i - first] = not (
                markers[next_start] or TEASER.match(line) or LIST_HEADING.match(line)
                or is_chrome_line(line, options)
            )  # fmt: skip
    return found
