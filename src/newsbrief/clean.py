"""Cleaning passes: pure functions from raw article text to :class:`CleanArticle`, no I/O.

The passes run in this order, each on the output of the one before:

1. ``mojibake``: text decoded with the wrong codec is repaired (ftfy; quotes are left alone);
2. ``invisible`` / ``control``: zero-width and control characters go; whitespace is normalized,
   lines are kept and blank lines separate paragraphs;
3. ``footer``: everything from the first footer line on ("Related Post", "Leave a Reply",
   "Content comes from ...") after the first 30% of the text, with other articles' teasers;
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

Every removal or repair is recorded as a :class:`Removal` with the text it removed, what
replaced it, and its offset in the text that pass worked on. Nothing is removed silently.

Every pass runs in time linear in the text, whatever it holds (one 3 MB word, 5 MB of short
lines, deeply nested HTML): the word-level passes look at bounded windows only, and words too
long to be words are left as they are. Under :func:`time_budget` a clean that still takes too
long stops with :class:`~newsbrief.errors.TimeBudgetError` instead of stalling its caller.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache, lru_cache
from itertools import accumulate
from typing import Any, NamedTuple

from . import budget
from .errors import TOO_LONG_HINT, InputError

# --- time budget ---------------------------------------------------------------------------------
# The machinery is :mod:`newsbrief.budget` (shared with the other stages of an article); a clean
# starts the clock of any budget open around it and looks at it between steps.
_budgeted = budget.started
_check_budget = budget.check
_tick = budget.tick
time_budget = budget.time_budget


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Removal:
    kind: str  # the pass: mojibake, invisible, control, footer, chrome, watermark, glued,
    # boilerplate (learned per site in a batch: newsbrief.boilerplate)
    text: str  # the text removed or replaced, verbatim
    position: int  # offset in the text the pass worked on
    replacement: str = ""  # what took its place ("" for a removal)
    reason: str = ""  # why, where the kind alone does not say (boilerplate: how often seen)


@dataclass(frozen=True)
class CleanArticle:
    title: str | None
    text: str
    removed: list[Removal] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)  # author, date (from HTML)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CleanArticle:
        return cls(
            title=data["title"],
            text=data["text"],
            removed=[Removal(**r) for r in data["removed"]],
            stats=dict(data["stats"]),
            metadata=dict(data.get("metadata", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.title,
            "text": self.text,
            "removed": [asdict(r) for r in self.removed],
            "stats": dict(self.stats),
        }
        if self.metadata:
            data["metadata"] = dict(self.metadata)
        return data


# --- 0. HTML ---------------------------------------------------------------------------------


def extract_html(html: str) -> tuple[str, dict[str, str]]:
    """Main text of an HTML page (no navigation or comments; tables kept, as trafilatura's
    own default does) and its title/author/date.

    Each block trafilatura finds becomes a paragraph. trafilatura keeps one container of the
    page; where the article runs on in a second one (a body split around an advertisement
    row), begins before it (a lede set apart from the body) or quotes an embedded post inside
    it, the page's own blocks around and between what it kept are read too (see
    :func:`extend_extraction`). When trafilatura finds nothing (a page nested deeper than its parser
    accepts, or one without any article-like block), the text of the page's blocks is taken
    instead, so a page never cleans to nothing merely for its shape; the cleaning passes then
    judge its lines.
    """
    import trafilatura

    document = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, with_metadata=True
    )
    page = page_blocks(html)
    if document is None or isinstance(document, dict) or not document.text:
        return "\n\n".join(block.text for block in page), {}
    metadata = {
        key: str(value)
        for key in ("title", "author", "date")
        if (value := getattr(document, key, None))
    }
    blocks = [b for b in (unmark(line) for line in str(document.text).split("\n")) if b]
    return "\n\n".join(extend_extraction(blocks, page)), metadata


def unmark(line: str) -> str:
    """A line of trafilatura's text without the markup it adds: a list item's "- " and a
    table row's "|" between cells are not the page's words (no page of the ScrapingHub set
    has them in its article)."""
    line = " ".join(line.split())
    if line.startswith("- ") or line == "-":
        return line[2:]
    if len(line) > 1 and line[0] == "|" and line[-1] == "|":
        return " ".join(" ".join(cell.split()) for cell in line[1:-1].split("|") if cell.strip())
    return line


# Elements whose text is never article text, and elements that end a block of text.
_HTML_SKIP = frozenset({"script", "style", "noscript", "template", "head", "nav", "aside",
                        "footer", "form", "button", "select", "svg", "iframe"})  # fmt: skip
_HTML_BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                         "section", "article", "blockquote", "header", "main", "ul", "ol",
                         "table", "pre", "figure", "figcaption", "dd", "dt"})  # fmt: skip


class PageBlock(NamedTuple):
    text: str
    quoted: bool  # inside a blockquote (an embedded post, a quotation)
    box: int  # which element with a class attribute holds it (the innermost; 0: none)
    kind: str  # that element's tag and class ("div body__container article__body")
    last: int = -1  # the index of the last block that element holds (its own or nested ones)


def page_blocks(html: str) -> list[PageBlock]:
    """The text of ``html``'s blocks, each with what holds it, from a streaming parse: no
    tree is built, so any depth of nesting costs time linear in the page."""
    from html.parser import HTMLParser

    blocks: list[PageBlock] = []
    current: list[str] = []
    depth = {"skip": 0, "quote": 0, "boxes": 0, "deeper": 0}
    boxes: list[tuple[str, int, str]] = []  # open: tag, number and kind of the innermost classed
    ends: dict[int, int] = {}  # a classed element's number -> the index of its last block

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            box, kind = (boxes[-1][1], boxes[-1][2]) if boxes else (0, "")
            blocks.append(PageBlock(text, depth["quote"] > 0, box, kind))
        current.clear()

    def enter(tag: str, step: int) -> None:
        _tick()
        if tag in ("td", "th"):  # cells of a row are words apart
            current.append(" ")
        elif tag in _HTML_SKIP:
            depth["skip"] = max(0, depth["skip"] + step)
        elif tag in _HTML_BLOCK:
            flush()
            if tag == "blockquote":
                depth["quote"] = max(0, depth["quote"] + step)

    class Blocks(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            enter(tag, 1)
            if tag not in _HTML_BOX:
                return
            if len(boxes) >= HTML_MAX_BOXES:
                depth["deeper"] += 1  # too deep to follow: counted, so its end pops nothing
                return
            classes = " ".join((dict(attrs).get("class") or "").split())
            if classes:
                depth["boxes"] += 1
                boxes.append((tag, depth["boxes"], f"{tag} {classes}"))
            else:  # an element without a class: its blocks belong to the one around it
                boxes.append((tag, *(boxes[-1][1:] if boxes else (0, ""))))

        def handle_endtag(self, tag: str) -> None:
            enter(tag, -1)
            if tag in _HTML_BOX and depth["deeper"]:
                depth["deeper"] -= 1
            elif boxes and boxes[-1][0] == tag:  # (enter() flushed its text: a block tag)
                ends[boxes.pop()[1]] = len(blocks) - 1

        def handle_data(self, data: str) -> None:
            if not depth["skip"]:
                current.append(data)

    parser = Blocks(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    flush()
    for _, box, _ in boxes:  # elements never closed hold everything after them
        ends[box] = len(blocks) - 1
    return [block._replace(last=ends.get(block.box, len(blocks) - 1)) for block in blocks]


# Elements that hold an article's text under a class name, and how deep they are followed.
_HTML_BOX = frozenset({"div", "section", "article", "main"})
HTML_MAX_BOXES = 200


def extend_extraction(kept: list[str], page: list[PageBlock]) -> list[str]:
    """``kept`` (trafilatura's paragraphs) with the rest of the article the page holds: the
    prose right before one of its paragraphs (the opening paragraph of its element, or a lede
    or video caption between a kept headline and the body inside the headline's element),
    the quoted blocks (embedded posts) between two of its paragraphs that it left out, and the
    blocks of later elements of the same tag and class as the one holding its last paragraph
    (a body split in two around an advertisement row). The page's blocks are matched to
    ``kept`` by their text, in order; nothing is added next to a paragraph not found."""
    matched = match_blocks(kept, page)
    known = set(kept)
    out: list[str] = []
    previous = -1  # the block of the last paragraph found
    for k, paragraph in enumerate(kept):
        if matched[k] >= 0:
            if previous < 0 or page[previous].box != page[matched[k]].box:
                out += [page[i].text for i in _lead_in(page, matched[k], previous, known)]
            previous = matched[k]
        out.append(paragraph)
        following = [i for i in matched[k + 1 : k + 2] if i > matched[k] >= 0]
        out += [
            block.text
            for block in page[matched[k] + 1 : following[0]]
            if block.quoted and block.text not in known and len(block.text.split()) >= 4
        ] if following else []  # fmt: skip
    return out + (_continued(page, matched[-1], known) if matched and matched[-1] >= 0 else [])


def match_blocks(kept: list[str], page: list[PageBlock]) -> list[int]:
    """For each paragraph of ``kept``, the index of the page's block with its text after the
    one found for the paragraph before (-1: not found)."""
    where: dict[str, list[int]] = {}
    for i, block in enumerate(page):
        where.setdefault(block.text, []).append(i)
    matched: list[int] = []
    last = -1
    for paragraph in kept:
        _tick()
        later = [i for i in where.get(paragraph, [])[:64] if i > last]
        matched.append(later[0] if later else -1)
        last = later[0] if later else last
    return matched


EXTEND_LEAD_BLOCKS = 2  # prose blocks read back from a kept paragraph, over at most ...
EXTEND_LEAD_SKIP = 1  # ... this many short blocks that are not prose (a photo's caption)


def _lead_in(page: list[PageBlock], at: int, previous: int, known: set[str]) -> list[int]:
    """The indexes of the prose blocks right before ``page[at]``, the first paragraph kept of
    its element, in that element (none of them kept, after ``previous``), in order: the
    element's opening paragraph, which trafilatura left out. A short block between them that
    is not prose (a caption) is passed over and stays out, and so is a byline.

    Prose in other elements before it, measured, is as often a dek or an abstract the page
    sets above the article as the article's lede, and is left out, with one exception: when
    the paragraph kept before is a headline (the title, and no standfirst yet) and the element
    holding it also holds ``page[at]``, the prose between the two is inside the article's own
    element, between its title and its body: its lede, or the caption of its lead video.
    Quoted blocks are left to the rule for embedded posts."""
    found: list[int] = []
    skipped = 0
    box = page[at].box
    within = previous >= 0 and _opens_element(page[previous], at)
    i = at - 1
    while i > previous and len(found) < EXTEND_LEAD_BLOCKS:
        block = page[i]
        if block.text in known or block.quoted or not block.box:
            break
        if block.box != box and not within:
            break
        if not is_sentence(block.text) or is_chrome_line(block.text) or _is_byline(block.text):
            skipped += 1
            if skipped > EXTEND_LEAD_SKIP or len(block.text.split()) > EXTEND_GAP_WORDS:
                break
        elif _footer_marker(block.text):
            break
        else:
            found.insert(0, i)
        i -= 1
    return found


EXTEND_GAP_WORDS = 20  # the longest block passed over


def _opens_element(headline: PageBlock, at: int) -> bool:
    """Whether ``headline`` is a headline (no sentence) held by an element with a class that
    also holds the block at index ``at``."""
    return bool(headline.box) and headline.last >= at and is_headline(headline.text)


def _is_byline(text: str) -> bool:
    """ "By Ana Lee and Tom Ek on Monday, November 18th, 2019 at 11:08 a.m.": a byline that
    ends as a sentence does (the chrome patterns let sentences be)."""
    return text.startswith(("By ", "BY ")) and _DATE.search(text[:DATELINE_MAX_CHARS]) is not None


def _continued(page: list[PageBlock], end: int, known: set[str]) -> list[str]:
    """The text of the blocks after ``page[end]`` held by other elements of its element's
    kind, up to a footer or list heading; none unless one of them is prose."""
    anchor = page[end]
    found: list[str] = []
    for block in page[end + 1 :]:
        _tick()
        if _footer_marker(block.text) or _LIST_HEADING.match(block.text):
            break
        if (
            anchor.box
            and block.kind == anchor.kind
            and block.box != anchor.box
            and block.text not in known
        ):
            found.append(block.text)
    return found if any(is_sentence(text) for text in found) else []


# --- 1. mojibake -------------------------------------------------------------------------------


def fix_mojibake(text: str, settled: set[str] | None = None) -> tuple[str, list[Removal]]:
    """Repair text that went through the wrong codec ("doesnâ€™t" -> "doesn’t"), line by line.

    ``settled`` holds lines already found to need no repair (a repeated pass over the same
    text only looks at the lines normalizing changed); lines found so are added to it."""
    import ftfy

    config = ftfy.TextFixerConfig(
        uncurl_quotes=False,
        fix_character_width=False,
        fix_latin_ligatures=False,
        remove_control_chars=False,
        unescape_html=False,
        normalization=None,
        explain=False,
    )
    out: list[str] = []
    removed: list[Removal] = []
    offset = 0
    for line in text.split("\n"):
        _tick()
        if line.isascii() or (settled is not None and line in settled):
            fixed = line
        else:
            fixed = ftfy.fix_text(line, config)
        if fixed != line:
            removed.append(Removal("mojibake", line, offset, fixed))
        elif settled is not None:
            settled.add(line)
        out.append(fixed)
        offset += len(line) + 1
    return "\n".join(out), removed


# --- 2. characters and whitespace --------------------------------------------------------------

# Characters that render as nothing: zero-width space/joiners, word joiner, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# C0/C1 control characters other than tab, newline and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Horizontal whitespace, including no-break and typographic spaces.
_HSPACE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def _record(pattern: re.Pattern[str], kind: str, raw: str) -> list[Removal]:
    return [Removal(kind, m.group(), m.start()) for m in pattern.finditer(raw)]


def normalize(raw: str) -> tuple[str, list[Removal]]:
    """Unicode NFC, no invisible or control characters, one space between words.

    Lines are kept (chrome such as a dateline is often a line of its own); blank lines separate
    paragraphs and several blank lines become one.
    """
    removed = _record(_INVISIBLE, "invisible", raw) + _record(_CONTROL, "control", raw)
    removed.sort(key=lambda r: r.position)
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    lines = [_HSPACE.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs), removed


# --- prose or chrome --------------------------------------------------------------------------

# Function words: prose is full of them in lower case; menus, labels and headlines are not.
_FUNCTION = frozenset(
    "the a an of to in on for with by from at as and or but that this these those is are was "
    "were be been being has have had will would could should may might can not no it its he "
    "she they we you his her their our your who which what when where while after before than "
    "then so if because about over into said says told also there here".split()
)
_CLOSING = frozenset("\"'”’)]")
SENTENCE_MIN_WORDS = 8


def _ends_sentence(line: str) -> bool:
    """Whether ``line`` ends as a sentence does: a final ".", "!", "?" or "…", then any closing
    quotes or brackets, each after at most one space; read from the end (a regex search tried
    every position of a long paragraph)."""
    i = len(line)
    while i and line[i - 1] in _CLOSING:
        i -= 1
        if i and line[i - 1].isspace():
            i -= 1
    return bool(i) and line[i - 1] in ".!?…"


def _function_words(words: list[str], enough: int) -> bool:
    """Whether at least ``enough`` of ``words`` are function words in lower case."""
    found = 0
    for w in words:
        if w[0].islower() and w.strip(",;:()\"'“”") in _FUNCTION:
            found += 1
            if found >= enough:
                return True
    return False


def is_sentence(line: str) -> bool:
    """Whether ``line`` reads like prose: at least ``SENTENCE_MIN_WORDS`` words, a sentence's
    final punctuation, and at least two function words in lower case. Such a line is article
    text unless a rule has strong evidence against it."""
    words = line.split()
    if len(words) < SENTENCE_MIN_WORDS or not _ends_sentence(line):
        return False
    return _function_words(words, 2)


PROSE_MIN_LOWER = 0.5  # of a sentence's words, in lower case: headlines capitalize theirs


def _is_prose(line: str) -> bool:
    """A sentence, or a short one ("Polls show the two parties almost level."): at least four
    words, a final full stop and a function word in lower case; or, its function words lost to
    noise ("Operators must delete thestored records within 90 days."), at least six words, a
    final full stop and mostly words in lower case."""
    if is_sentence(line):
        return True
    words = line.split()
    if len(words) < 4 or not _ends_sentence(line):
        return False
    if _function_words(words, 1):
        return True
    lower = sum(1 for w in words if w[0].islower())
    return len(words) >= 6 and lower >= PROSE_MIN_LOWER * len(words)


def _prose_lines(lines: list[str]) -> list[int]:
    """For each index i, how many prose lines there are from ``lines[i]`` on (one backward
    pass, so every footer candidate is judged in constant time)."""
    after = [0] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        after[i] = after[i + 1] + _is_prose(lines[i])
    return after


# --- 3. footer ---------------------------------------------------------------------------------

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
# A teaser of another article ("Read more: <title>"): the chrome pass drops the line, and the
# blurb lines under it when they close their block (see remove_chrome).
_TEASER = re.compile(
    r"^[(\[»›>•*]*\s*(?:(?:related(?: suggestion| story| stories| article| coverage| content"
    r"| reading)?|read (?:more|next|also)|see also|also read)\s*(?::|\||[-–—]{1,2}|>>|»|›)"
    r"|(?:watch|video|more|recommended)\s*(?::|\|))\s*\S.*$",
    re.IGNORECASE,
)
# A footer marker only counts after this share of the text, so an article that merely mentions
# "related stories" early on is not cut ...
FOOTER_MIN_SHARE = 0.3
# ... and only when no sentence-like line follows it: a teaser's blurb cannot be told from an
# article's last paragraph, so a marker followed by prose cuts nothing (the chrome pass still
# takes the marker and the headlines under it).


# Or: a footer note followed by at most one prose line, with this many markers (counting it)
# in its tail ("Content comes from ...", a teaser, "Related Post", "Leave a Reply").
FOOTER_CORROBORATION = 3


BLURB_MIN_SHARED = 0.5  # of the headline's content words the blurb under it repeats


def _content_words(line: str) -> set[str]:
    return {w.lower() for w in _TOKEN.findall(line) if len(w) >= 4 and w.lower() not in _FUNCTION}


def _is_blurb(line: str, above: str) -> bool:
    """A sentence that summarizes the headline right above it: it repeats at least half of the
    headline's content words (a teaser of another article, not the article's last paragraph)."""
    if not above or is_sentence(above) or not is_sentence(line):
        return False
    headline = _content_words(above)
    return len(headline) >= 2 and len(headline & _content_words(line)) >= BLURB_MIN_SHARED * len(
        headline
    )


def _footer_marker(line: str) -> bool:
    return bool((_FOOTER.match(line) and not _ends_sentence(line)) or _FOOTER_NOTE.match(line))


def cut_footer(text: str) -> tuple[str, list[Removal]]:
    """Drop everything from the first footer line on, when it comes after ``FOOTER_MIN_SHARE``
    of the text and what follows it is not article prose: no sentence-like line (teaser lines
    and blurbs that repeat the headline above them do not count as prose), or else several
    footer markers in a row ("Content comes from ...", "Related Post", "Leave a Reply")."""
    lines = text.split("\n")
    markers = [_footer_marker(line) for line in lines]
    offsets = [0] * len(lines)
    offset = 0
    for i, line in enumerate(lines):
        offsets[i] = offset
        offset += len(line) + 1
    share = FOOTER_MIN_SHARE * len(text)
    candidates = [i for i, marker in enumerate(markers) if marker and offsets[i] >= share]
    if not candidates:
        return text, []  # most articles: no footer marker, nothing to judge
    # Prose and markers from each line on, counted backwards down to the first candidate.
    first = candidates[0]
    prose_after = [0] * (len(lines) + 1)
    markers_after = [0] * (len(lines) + 1)
    for i in range(len(lines) - 1, first - 1, -1):
        _tick()
        line = lines[i]
        not_prose = markers[i] or _TEASER.match(line) or (i > 0 and _is_blurb(line, lines[i - 1]))
        prose_after[i] = prose_after[i + 1] + (not not_prose and _is_prose(line))
        markers_after[i] = markers_after[i + 1] + markers[i]
    after_list = _article_after_lists(lines, markers, first)
    for i in candidates:
        if after_list[i - first]:
            continue  # an aside's list inside the article (the chrome pass takes it)
        if prose_after[i + 1] == 0 or (
            _FOOTER_NOTE.match(lines[i])
            and prose_after[i + 1] <= 1
            and markers_after[i] >= FOOTER_CORROBORATION
        ):
            offset = offsets[i]
            return text[:offset].rstrip(), [Removal("footer", text[offset:], offset)]
    return text, []


def _article_after_lists(lines: list[str], markers: list[bool], first: int) -> list[bool]:
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
        if _LIST_HEADING.match(lines[i]) and next_start < len(lines):
            line = lines[next_start]
            found[i - first] = not (
                markers[next_start] or _TEASER.match(line) or _LIST_HEADING.match(line)
                or is_chrome_line(line)
            )  # fmt: skip
    return found


# --- 4. chrome lines ---------------------------------------------------------------------------

_SHARE_WORD = (
    r"share(?:s| this(?: story| article| page)?| on| via| via email)?|tweet|email|e-mail"
    r"|facebook|twitter|x|linkedin|reddit|whatsapp|telegram|pinterest|pin|print"
    r"|copy link|copy|link|save|comments?|instagram|tiktok|youtube|flipboard"
    r"|messenger|sms|bluesky|threads|mail"
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?"
# Lines whose vocabulary is evidence enough, even when they read like a sentence.
_STRONG_CHROME = [
    r".{0,150}\b(?:we use cookies|this (?:site|website) uses cookies|accept (?:all )?cookies)"
    r".{0,150}",
    r".{0,100}\bnewsletter\b.{0,100}\b(?:sign up|subscribe|inbox)\b.{0,60}",
    r".{0,60}\b(?:sign up|subscribe)\b.{0,60}\bnewsletter\b.{0,60}",
    r"(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4})).{0,250}",
    r".{0,100}\ball rights reserved\.?.{0,150}",
    # wire services' redistribution notices
    r".{0,200}\bmay not be (?:re)?(?:published|reproduced|redistributed|broadcast)\b.{0,200}",
    # reading time, audio players, ad breaks
    r"(?:\d{1,3}\s*-?\s*min(?:ute)?s?\.?\s+(?:read|listen)|listen to (?:this|the) "
    r"(?:article|story|podcast)(?:\s*[\d:]+\s*(?:min(?:ute)?s?)?)?"
    r"|listen(?: now)?\s*[\d:]+\s*(?:min(?:ute)?s?)?"
    r"|audio (?:player|version).{0,60})",
    # cookie, consent and paywall banners, sign-up terms
    r".{0,150}\b(?:use of cookies|uses? cookies)\b.{0,150}",
    r"you(?:'ve| have) (?:reached|read) (?:your (?:limit|maximum)|\d+ of \d+).{0,40}"
    r"\bfree (?:articles?|stories)\b.{0,60}",
    r"(?:this|the) (?:article|story|content) is (?:only )?(?:for|available to|reserved for)"
    r" (?:paying )?(?:subscribers|members)(?: only)?\.?",
    r".{0,60}\bfor (?:your )?personal,? non-?commercial use(?: only)?\b.{0,300}",
    r"(?:keep an eye on|check) your inbox\b.{0,100}",
    r"(?:sorry!? )?there was an error processing your (?:subscription|request|sign-?up).{0,20}",
    r"by (?:signing up|subscribing|clicking|registering)\b.{0,120}"
    r"\b(?:terms|privacy)\b.{0,80}",
    r"(?:the )?(?:story|article|text) continues (?:below|after)(?: (?:this|the))?"
    r" (?:advertisement|ad|video|image)s?|continue reading(?: below| the main story)?"
    r"|advertisement\s*[-–—:]?\s*(?:scroll|continue reading).{0,40}",
]
# Lines that are chrome unless they read like a sentence ("By Tuesday, the council had agreed"
# is not a byline).
_WEAK_CHROME = [
    # labels and navigation
    r"(?:breaking(?: news)?|live(?: updates)?|exclusive|advertisement|advertising|sponsored"
    r"(?: content)?|skip to (?:main )?content|menu|home|search|top stories|latest news)",
    # breadcrumbs ("Home / World / Europe", "News > Politics")
    r"(?:home|news|world)\s*(?:[/>»›|]\s*[\w&'’ -]{2,30}){1,5}",
    # previous and next links, comment prompts, toolbars
    r"(?:[«‹<]\s*)?(?:previous|next|prev|older|newer) (?:article|story|post|page|slide)\b.{0,150}",
    r"(?:be the first to comment|show comments|view comments|add your comment|have your say"
    r"|what do you think\?|tell us what you think|join the (?:conversation|discussion|debate))"
    r".{0,100}",
    r"(?:(?:text|font) size|print(?: this)?(?: article| page)?|a\s*a\s*a|a\+?\s*a-?)"
    r"(?:\s*[|/·•,-]?\s*(?:print|email|share|save|text size|font size|a\+?|a-|reset|comments?))*",
    # datelines
    rf"(?:{_WEEKDAY}\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+"
    rf"{_MONTH}),?\s+\d{{4}}(?:,?\s+\d{{1,2}}:\d{{2}}\s*(?:am|pm)?(?:\s+[a-z]{{2,4}})?)?",
    r"\d{4}-\d{2}-\d{2}(?:[ t]\d{2}:\d{2}(?::\d{2})?)?",
    r"(?:published|updated|posted|last updated)(?: on| at)?:?\s+.{0,40}\d{4}.{0,20}",
    # photo and video credits
    r".{0,100}(?:\b|(?<=[a-z.]))(?:photo(?:graph)?|image|picture|video|graphic|illustration"
    r"|credit)s?(?: credit)?\s*:"
    r"\s*[^.!?]{0,60}",
    r"(?:photo|image|picture|video)s? (?:by|courtesy of|credit)\b.{0,80}",
    r".{0,100}/\s*(?:getty images|reuters|afp|ap|ap photo|epa|xinhua|shutterstock)",
    # share, follow, subscribe
    r"(?:share|share this(?: article| story)?|share on|tweet|email|print|copy link):?"
    r"(?:\s*(?:[|/·•,]\s*)?(?:facebook|twitter|x|linkedin|whatsapp|email|print|telegram))*",
    r"(?:follow us|like us|subscribe|sign up|join us|join our|download (?:our|the) app"
    r"|get the app|click here)\b.{0,100}",
    # copyright, bylines, teasers
    r"copyright\b.{0,150}",
    r"by\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and|\|)\s*[A-Z][\w.'’ -]{0,60})?",
    r"(?:related|read more|read also|see also|also read|more|recommended|watch)\s*:.{0,200}",
    # share and follow rows: only networks, share verbs and separators ("Share · Tweet · Email")
    rf"(?:\d[\d,.]*k?\s+)?(?:{_SHARE_WORD})(?:\s*(?:[|/·•,:-]|on|via)?\s*(?:{_SHARE_WORD}))*",
    r"(?:follow|like)\s+(?:[A-Z@][\w@.'’-]*\s+){1,3}on\s+(?:facebook|twitter|x|instagram"
    r"|linkedin|tiktok|youtube|threads|bluesky)\b.{0,60}",
    r"(?:follow|like)\s+(?:us|me|him|her|them)\b.{0,80}",
    r"tweet this(?: quote| story| article)?",
    # newsletter and sign-up prompts
    r"(?:get|receive|sign up (?:for|to)|subscribe to) (?:the |our |a )?(?:free |daily |weekly "
    r"|morning |evening )*(?:[\w'’-]+ ){0,4}(?:newsletters?|briefing|alerts|digest)\b.{0,60}",
    r"(?:sign up|subscribe|register)(?: (?:for|now|today|here))?(?: for free| free)?[.!]?",
    r"enter (?:your )?e-?mail(?: address)?.{0,40}",
    r"thank(?:s| you) for (?:subscribing|signing up|registering)[.!]?",
    r"(?:want|like) (?:more|stories|this)\b.{0,40}\?.{0,80}",
    r"don['’]?t miss (?:a|any|the|our)\b.{0,80}",
    r"(?:subscribe|join|sign up)\b.{0,30}(?:\$|£|€)\s?\d.{0,60}",
    r"(?:support|fund) (?:independent|quality|local) journalism\b.{0,100}",
    r"[\w'’&+ -]{1,40} newsletters?",
    r"sorry!?|an error (?:has )?occurred\b.{0,60}|please try again(?: later)?[.!]?",
    r"order (?:a )?reprints?|reprints?(?: (?:and|&) permissions)?|licensing (?:and|&) reprints?",
    r"(?:this (?:article|story) has been sent to|email this (?:article|story)"
    r"|send (?:this )?to a friend)\b.{0,60}",
    r"(?:write to|contact|e-?mail) (?:the author|us|me|him|her|them|[A-Z][\w.'’-]+"
    r"(?: [A-Z][\w.'’-]+){0,3})(?: at|:)? \S+@\S+",
    r"(?:already (?:a )?(?:subscriber|member|registered)\??|log ?in|sign ?in)\b.{0,60}",
    r"(?:we value your privacy|manage (?:consent|cookies|preferences|settings)"
    r"|accept(?: all)?(?: and close)?|reject all|privacy (?:settings|policy)|cookie settings)",
    # image alt text and gallery controls
    r"image may contain:.{0,200}",
    r"(?:image|photo|picture|slide) \d+ of \d+",
    r"(?:open|view|expand|enlarge|see|show|hide|toggle|close)(?: this| the| all)?"
    r" (?:image|images|gallery|photo|photos|caption|slideshow)\b.{0,30}",
    r"click (?:to|here to) (?:enlarge|expand|zoom|view).{0,30}",
    r"(?:image|images|photo|photos|video|play video|watch video|gallery|caption)",
    r"\[(?:image|photo|picture|video)s?\s*:?.{0,150}\]",
    r"(?:photo|video|image) gallery\s*:.{0,120}",
    # bylines and datelines with a site's name: see _is_dateline
    # breadcrumbs: "You are here: Home > Politics", "Home » News » World", "Sport · Football"
    r"(?:you are here\s*:?\s*)(?:[\w&'’ -]{2,30}\s*[/>»›|·]?\s*){1,6}",
    r"(?:(?-i:[A-Z])[\w&'’-]*(?: (?-i:[A-Z])[\w&'’-]*){0,2}\s*[/>»›|·]\s*){2,6}"
    r"(?:(?-i:[A-Z])[\w&'’-]*(?: (?-i:[A-Z])[\w&'’-]*){0,2}|\d{1,3} min(?:ute)?s? read)",
]
_STRONG = re.compile(r"^(?:" + "|".join(_STRONG_CHROME) + r")$", re.IGNORECASE)
# Words one of which every strong pattern holds: an ASCII line without any (most lines) skips
# _STRONG's costly backtracking over its leading ".{0,150}". (The test is for ASCII lines only:
# under IGNORECASE a pattern's "s" also matches a long s, which lower() does not give.)
_STRONG_WORDS = ("cookies", "newsletter", "(c)", "copyright", "all rights reserved",
                 "may not be", "listen", "audio", "continue", "advertisement", "free art",
                 "free stor", "subscri", "members", "by signing", "by clicking",
                 "by registering", "commercial use", "your inbox",
                 "error processing")  # fmt: skip
_READING_TIME = re.compile(r"\d\s*-?\s*min")  # "5 min read": "min" alone is in "minister"


# The same words as one pattern: on a short line one regex scan is faster than a loop of
# ``in`` tests, on a long one slower (measured: 2x either way).
_STRONG_GATE = re.compile("|".join(re.escape(word) for word in _STRONG_WORDS))
GATE_SHORT_CHARS = 120


def _may_be_strong(line: str) -> bool:
    if not line.isascii():
        return True
    lower = line.lower()
    if len(lower) < GATE_SHORT_CHARS:
        found = _STRONG_GATE.search(lower) is not None
    else:
        found = any(word in lower for word in _STRONG_WORDS)
    return found or ("min" in lower and _READING_TIME.search(lower) is not None)


_WEAK = re.compile(r"^(?:" + "|".join(_WEAK_CHROME) + r")$", re.IGNORECASE)
CHROME_MAX_WORDS = 40
CHROME_MAX_CHARS = 1000  # a longer line is no chrome (and no pattern is tried on it)
# Headings of lists of other articles ("Most Read", "Trending"): the heading goes with the
# headline-like lines right under it.
_LIST_HEADING = re.compile(
    r"^(?:most (?:read|popular|viewed|shared|commented)(?: (?:stories|articles|now|today))?"
    r"|trending(?: now| stories| articles| topics)?|popular (?:now|stories|articles)"
    r"|editor'?s? picks|top stories|latest (?:news|stories|headlines)|in other news"
    r"|recommended(?: for you| stories| articles)?|more (?:stories|news|headlines)"
    r"|related(?: posts?| articles?| stories| news| content)?|you (?:may|might) also like)\s*:?$",
    re.IGNORECASE,
)
LIST_MAX_ITEMS = 12
HEADLINE_MAX_WORDS = 20
TEASER_MAX_BLURB_LINES = 2
BLURB_MAX_WORDS = 35
# A dateline glued to the first sentence: "WASHINGTON (Reuters) - The ...", "LONDON — ...",
# "Monday, March 2, 2020 The ...". Only at the start of one of the first lines kept.
_DATELINE_PREFIX = re.compile(
    r"^(?:(?:[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,3}(?:, [A-Z][\w.]+(?: [A-Z][\w.]+)?)?"
    r"|[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,2}(?:, [A-Z][\w.]+(?: [A-Z][\w.]+)?)?"
    r"(?= \((?:Reuters|AP|AFP|UPI|dpa|Bloomberg|CNN|Xinhua|IANS|PTI)\)))"
    r"(?: \((?:Reuters|AP|AFP|UPI|dpa|Bloomberg|CNN|Xinhua|IANS|PTI)\))? ?[-–—]{1,2} "
    r"|\((?:Reuters|AP|AFP|UPI|dpa|Bloomberg|CNN|Xinhua|IANS|PTI)\) ?[-–—]{1,2} "
    rf"|(?i:(?:{_WEEKDAY}\s+)?{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\s*[-–—:|]?\s+)"
    r"(?=[A-Z\"“‘'])"
)
# The same with a site's name: "NAIROBI (Valley Courier) — ", "LISBON, Aug 12 (Harbour Ledger)
# - ", "HANOI — Harbour Ledger — ", "(Valley Courier) — ".
_SITE_DATELINE_PREFIX = re.compile(
    r"^(?:(?:[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,3}"
    rf"(?:, (?:[A-Z][\w.]+(?: [A-Z][\w.]+)?|(?i:{_MONTH}) \d{{1,2}}))? )?"
    r"\([A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,3}\)"
    r"|[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,3} [-–—]{1,2} [A-Z][\w&'’-]*"
    r"(?: [A-Z][\w&'’-]*){0,3}) ?[-–—]{1,2} (?=[A-Z\"“‘'])"
)
DATELINE_LINES = 3  # among the first lines of text kept


def is_chrome_line(line: str) -> bool:
    """Whether ``line`` is site furniture: strong vocabulary, or weaker vocabulary on a line
    that does not read like a sentence."""
    if len(line) > CHROME_MAX_CHARS or _more_words_than(line, CHROME_MAX_WORDS):
        return False
    if _may_be_strong(line) and _STRONG.match(line):
        return True
    return not is_sentence(line) and bool(_WEAK.match(line) or _is_dateline(line))


def _more_words_than(line: str, n: int) -> bool:
    """Whether ``line`` has more than ``n`` words; on a normalized line (single spaces, no
    tabs, stripped) counted without splitting it (most lines are paragraphs of prose)."""
    if "  " in line or "\t" in line or line[:1].isspace() or line[-1:].isspace():
        return len(line.split(maxsplit=n)) > n
    return line.count(" ") >= n


# A date in a byline or dateline: "Nov 22, 2016", "22 November 2016", "2016-11-22".
_DATE = re.compile(
    rf"(?i:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+"
    rf"{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
)
# What else a byline or dateline holds besides names, dates and times.
_DATELINE_WORDS = frozenset(
    "by on at published updated posted last modified staff and | · • — – - / , :".split()
)
DATELINE_MAX_WORDS = 16
DATELINE_MAX_CHARS = 160  # a longer line is no dateline (and a date is not searched in it)
_DIGIT = re.compile(r"\d")


def _is_dateline(line: str) -> bool:
    """A byline or dateline with a site's name: a date, and otherwise only capitalized words,
    times and a few words such as "by", "updated", "staff" ("By Ana Lee | Valley Courier |
    Nov 22, 2016", "Last updated 11 April 2024 at 15:16 | Coastline Today")."""
    if len(line) > DATELINE_MAX_CHARS or _DIGIT.search(line) is None:
        return False  # (every date has digits)
    words = line.split()
    if len(words) > DATELINE_MAX_WORDS:
        return False
    if not all(w[0].isupper() or w[0].isdigit() or w.lower() in _DATELINE_WORDS for w in words):
        return False  # a lower-case word other than "by", "updated", ... (a date has none)
    return _DATE.search(line) is not None


def is_headline(line: str) -> bool:
    """Whether ``line`` reads as a headline: a few words, no sentence, no final full stop."""
    words = line.split()
    return (
        0 < len(words) <= HEADLINE_MAX_WORDS
        and not is_sentence(line)
        and not line.endswith((".", "!"))
    )


def remove_chrome(text: str, title: str | None) -> tuple[str, list[Removal]]:
    """Drop whole lines of site chrome, teasers of other articles (with a blurb that closes
    their block), lists of other articles under a "Most Read"-like heading, datelines glued to
    an opening sentence, and lines that repeat ``title`` after its first one. Prose lines are
    only removed by strong vocabulary (cookie, newsletter, copyright notices)."""
    lines = text.split("\n")
    block_end = _block_ends(lines)
    kept: list[str] = []
    removed: list[Removal] = []
    offset = 0
    tail = _tail_start(lines)
    opening = 0  # lines of text kept so far
    title_seen = False
    drop_until = -1  # lines up to this index are a teaser's blurb
    list_items = 0  # headline-like lines still allowed under a list heading
    for i, line in enumerate(lines):
        _tick()
        is_title = title is not None and line == title
        credit = 0  # where a credited caption's credit starts, once known to be one
        if not line:
            list_items = 0  # a list of headlines ends with its block
            kept.append(line)
        elif i <= drop_until:
            removed.append(Removal("chrome", line, offset, reason="teaser's blurb"))
        elif list_items and is_headline(line) and not is_title:
            list_items -= 1
            removed.append(Removal("chrome", line, offset, reason="list of other articles"))
        elif is_title and title_seen:
            removed.append(Removal("chrome", line, offset, reason="title repeated"))
        elif not is_title and (_TEASER.match(line) or _LIST_HEADING.match(line)):
            reason = "teaser of another article" if _TEASER.match(line) else "list heading"
            removed.append(Removal("chrome", line, offset, reason=reason))
            blurb = lines[i + 1 : block_end[i]]
            if _TEASER.match(line) and _teaser_blurb(line, blurb, i == 0 or not lines[i - 1]):
                drop_until = block_end[i] - 1
            list_items = LIST_MAX_ITEMS if _LIST_HEADING.match(line) else 0
        elif not is_title and is_chrome_line(line) and not (credit := _credited_caption(line)):
            removed.append(Removal("chrome", line, offset, reason=chrome_reason(line)))
        elif i >= tail and _is_bio(line):
            removed.append(Removal("chrome", line, offset, reason=_BIO_REASON))
        else:
            list_items = 0
            title_seen = title_seen or is_title
            line = _kept_line(line, credit, offset, opening < DATELINE_LINES, removed)
            opening += 1
            kept.append(line)
        offset += len(lines[i]) + 1
    return _tidy("\n".join(kept)), removed


def _block_ends(lines: list[str]) -> list[int]:
    """For each line, the index of the blank line (or end) that closes its block."""
    block_end = [len(lines)] * len(lines)
    end = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        if not lines[i]:
            end = i
        block_end[i] = end
    return block_end


def _kept_line(line: str, credit: int, offset: int, opening: bool, removed: list[Removal]) -> str:
    """A line kept, without the credit of a credited caption (``credit``: where it starts; the
    caption describes the story) and, among the ``opening`` lines, without a dateline glued to
    the first sentence; what goes is added to ``removed``."""
    if credit:
        removed.append(Removal("chrome", line[credit:], offset + credit, reason=_CREDIT))
        line = line[:credit].rstrip()
    prefix = None
    if opening:
        prefix = _SITE_DATELINE_PREFIX.match(line) or _DATELINE_PREFIX.match(line)
    if prefix and len(line[prefix.end() :].split()) >= 3:
        removed.append(Removal("chrome", prefix.group(), offset, reason=_DATED))
        line = line[prefix.end() :]
    return line


def _is_bio(line: str) -> bool:
    return len(line) <= CHROME_MAX_CHARS and bool(_BIO.match(line) and _BIO_CUE.search(line))


_CREDIT = "photo credit, alt text or gallery control"
_BIO_REASON = "author bio or contact"
_DATED = "byline or dateline"
# What kind of chrome a removed line is, for the audit (the first that fits; looked up only for
# lines already found to be chrome).
_REASONS = [
    (_BIO_REASON, re.compile(r"\S@\S+\.\w|^(?:write to|contact)\b", re.I)),
    ("copyright or redistribution notice", re.compile(
        r"©|\(c\)|copyright|rights reserved|may not be|non-?commercial|personal use|reprint",
        re.I)),
    (_DATED, re.compile(rf"(?-i:^(?:By|BY)\s+[A-Z])|{_DATE.pattern}"
                        r"|^(?:published|updated|posted|last updated)\b"
                        r"|^\d{4}-\d{2}-\d{2}|(?-i:^[A-Z][A-Z .,'’()-]+[-–—]\s*$)", re.I)),
    ("cookie, consent or paywall banner", re.compile(
        r"cookie|privacy|consent|subscribers?\b|members?\b|free (?:articles?|stories)|log ?in"
        r"|sign ?in|journalism|accept|reject", re.I)),
    ("newsletter or sign-up prompt", re.compile(
        r"newsletter|sign up|subscrib|inbox|e-?mail address|briefing|alerts|don['’]?t miss"
        r"|want more|register|subscription", re.I)),
    ("share or follow row", re.compile(
        rf"^(?:\d[\d,.]*k?\s+)?(?:{_SHARE_WORD}|follow|like|send)\b|has been sent to", re.I)),
    (_CREDIT, re.compile(
        r"image|photo|picture|gallery|caption|enlarge|video|slide|getty|reuters|afp|credit", re.I)),
    ("breadcrumb", re.compile(r"[/>»›|·].*[/>»›|·]|you are here|^(?:home|news|world)\s*[/>»›|]",
                              re.I)),
    ("teaser of another article", re.compile(r"^(?:related|read|see also|also read|more|watch"
                                             r"|recommended|next|previous)\b", re.I)),
]  # fmt: skip


REASON_MAX_CHARS = 300  # of a chrome line, read to name its kind


@lru_cache(maxsize=4096)  # a site's chrome lines repeat from article to article
def chrome_reason(line: str) -> str:
    """What kind of site furniture a chrome line is ("share or follow row", "breadcrumb",
    ...), or "site label" for the rest (reading time, ad breaks, toolbars, labels)."""
    for reason, pattern in _REASONS:
        if pattern.search(line[:REASON_MAX_CHARS]):
            return reason
    return "site label"


def _teaser_blurb(line: str, blurb: list[str], opens_block: bool) -> bool:
    """Whether the lines under a teaser, up to the end of their block, are its blurb: short,
    under a teaser that opens its block, and either in a text of paragraphs or repeating the
    teaser's words (in a text of single lines, the lines under a teaser are the article's)."""
    return (
        opens_block
        and 0 < len(blurb) <= TEASER_MAX_BLURB_LINES
        and all(len(b.split()) <= BLURB_MAX_WORDS for b in blurb)
        and (len(blurb) < TEASER_MAX_BLURB_LINES or _is_blurb(blurb[0], line))
    )


# An author's bio at the end of the article: a name, then what the author does or how to reach
# them ("Ana Lee is a reporter at the Valley Courier", "About the author: ...").
_BIO = re.compile(
    r"^(?:(?i:about the author)\b.{0,400}|[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3},? (?:is|was"
    r"|writes|covers|reports|has (?:covered|reported|written|worked))\b.{0,400})$"
)
_BIO_CUE = re.compile(
    r"\b(?:reporter|correspondent|(?:staff |contributing )?writer|editor|journalist|columnist"
    r"|contributor|writes (?:about|for)|covers|covering|has covered|(?:reach|contact|follow|email)"
    r" (?:him|her|them|me)|about the author)\b|\S@\S",
)
BIO_TAIL_LINES = 4  # a bio is one of the article's last lines


def _tail_start(lines: list[str]) -> int:
    """The index of the first of the last ``BIO_TAIL_LINES`` lines of text."""
    seen = 0
    for i in range(len(lines) - 1, -1, -1):
        seen += bool(lines[i])
        if seen == BIO_TAIL_LINES:
            return i
    return 0


# A photo credit in brackets closing a caption: "Sirhan in 1969 (Image: CDCR)".
_CAPTION_CREDIT = re.compile(
    r"(?:\S+\s+){2,}?\s*(\((?:photo|image|picture|video|graphic|illustration)s?"
    r"(?: credit)?\s*:\s*[^()]{1,60}\))$",
    re.IGNORECASE,
)


def _credited_caption(line: str) -> int:
    """Where the credit of a credited caption starts (0: the line is not one). The caption
    is at least two words, and not chrome itself."""
    match = _CAPTION_CREDIT.match(line) if line.endswith(")") else None
    if not match or is_chrome_line(line[: match.start(1)].rstrip()):
        return 0
    return match.start(1)


def _tidy(text: str) -> str:
    """Collapse the blank lines a removal leaves behind; keep paragraph breaks."""
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- word lists --------------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]*")


_WORDLIST_LOCK = threading.Lock()


@cache
def _zipf_frequency() -> Callable[[str, str], float]:
    """wordfreq's lookup, with its English list loaded once. wordfreq loads the list lazily
    behind an unlocked cache: sixteen batch threads cleaning their first article at once each
    loaded a copy (about 13 MB apiece, measured). Loading it here, under a lock, once, avoids
    that."""
    from wordfreq import zipf_frequency

    with _WORDLIST_LOCK:
        zipf_frequency("the", "en")
    return zipf_frequency


@cache
def _frequencies() -> dict[str, float]:
    """wordfreq's English list as a plain dict, loaded once (under the same lock): a dict
    lookup for a plain lower-case word is some twenty times faster than ``zipf_frequency``,
    which tokenizes every word it is asked about, and gives the same value."""
    from wordfreq import get_frequency_dict

    with _WORDLIST_LOCK:
        return dict(get_frequency_dict("en"))


@cache
def zipf(word: str) -> float:
    """How common an English word is (wordfreq's Zipf scale: 0 unknown, 3 = once per million)."""
    lower = word.lower()
    if lower.isascii() and lower.isalpha():  # [a-z]+: lower() leaves no A-Z
        frequency = _frequencies().get(lower, 0.0)
        return round(math.log10(frequency) + 9, 2) if frequency > 0 else 0.0
    return float(_zipf_frequency()(word, "en"))


def _is_word(word: str, vocabulary: Counter[str], threshold: float = 2.5) -> bool:
    return vocabulary[word] > 0 or zipf(word) >= threshold


def _is_repaired_word(word: str, vocabulary: Counter[str]) -> bool:
    """A word a repair may produce: known, or spelled so elsewhere; never one or two letters
    that merely look known ("gt", "ua")."""
    return vocabulary[word] > 0 or (len(word) >= 3 and zipf(word) >= 2.5)


# Frequent function words of other languages written in Latin letters (German, Dutch,
# Portuguese, Spanish, French, Italian, Indonesian), none of them an English word as common.
_FOREIGN = frozenset(
    "der die das und ist nicht ein eine einen zu den mit sich auf für von im dem auch wird "
    "het een van niet zijn ook "
    "que os um uma para com não mais como em da do das dos ao pelo pela são foi "
    "el la los las y en es del se al lo por su con más pero fue "
    "le les et des du une est pour dans qui pas sur au ce sont avec "
    "il di che è della sono nel alla gli "
    "yang dan dengan untuk tidak ini itu dari dalam akan pada juga".split()
)
ENGLISH_SAMPLE_WORDS = 3000


def looks_english(text: str) -> bool:
    """Whether ``text`` reads as English: the word passes judge words by an English word list,
    and on another language they would "repair" its ordinary words ("diesen" -> "dies en").
    A text is taken for English unless the function words of other languages outnumber
    English ones (a short or odd text gets the benefit of the doubt)."""
    words = [w.lower() for w in _TOKEN.findall(text[: ENGLISH_SAMPLE_WORDS * 12])]
    words = words[:ENGLISH_SAMPLE_WORDS]
    english = sum(w in _FUNCTION for w in words)
    foreign = sum(w in _FOREIGN for w in words)
    return foreign <= english


# --- 5. watermarks -----------------------------------------------------------------------------

# Words that introduce a legitimate mention of an outlet: "told the World Times".
_MENTION = {
    "the", "a", "an", "to", "told", "in", "by", "from", "of", "said", "says", "with", "at",
    "for", "on", "and", "or", "per", "via", "as",
}  # fmt: skip
WATERMARK_MIN_REPAIRS = 2
# A word carrying a watermark is unknown to the word list ("mutWorld", "Timesual"); one the
# list knows ("MacBook" 3.4, "Nationally" 3.8, even "Meridia" 1.6) is a word, not noise.
WATERMARK_WORD_MAX_ZIPF = 1.0
# A one-word mark that is an ordinary English word ("Book", "Phone", "Fire") is far likelier a
# part of compound names ("MacBook", "FatFIRE") than a site's watermark.
WATERMARK_PLAIN_WORD_MAX_ZIPF = 3.0


def _capitalized_before(words: list[str], i: int) -> list[str]:
    """Up to three capitalized words right before ``words[i]``."""
    before: list[str] = []
    for previous in reversed(words[max(0, i - 3) : i]):
        if not re.fullmatch(r"[A-Z][a-z]+", previous):
            break
        before.insert(0, previous)
    return before


# Bounds that keep the watermark search linear: a watermark is a short phrase, glued once into
# a word of ordinary length; longer tokens, and words with many case changes, are not looked at.
MARK_MAX_CHARS = 48
WORD_MAX_CHARS = 64
WORD_MAX_JOINS = 3
WATERMARK_MAX_ROUNDS = 8


# What a word can contribute to the candidates, from the word alone: its core (without
# punctuation), where a capital is glued inside it, a mark with digits at its start, and the
# capitalized heads it may start with. None: nothing.
_Shape = tuple[str, list[int], str | None, list[str]]


def _candidates(text: str, shapes: dict[str, _Shape | None] | None = None) -> Counter[str]:
    """Capitalized phrases seen glued to other letters, counted by how often they recur.

    Three shapes: glued inside a word ("mutWorld Timesual": a lowercase letter runs into a
    capital), glued before a capitalized word ("World TimesGovernment"), and glued to the start
    of a word ("World Timesmeasures": a rare token that splits into a capitalized word and a
    known word). ``shapes`` keeps what each distinct word contributes, across calls.
    """
    seen: Counter[str] = Counter()
    shapes = {} if shapes is None else shapes
    words = text.split()
    # Every shape needs a capital: a word whose letters are all lower case holds no mark
    # (most words; one test in C instead of the steps below for each).
    for i in [i for i, word in enumerate(words) if not word.islower()]:
        _tick()
        word = words[i]
        if word in shapes:
            shape = shapes[word]
        else:
            shape = shapes[word] = _word_shape(word)
        if shape is None:
            continue
        core, joins, digits, heads = shape
        for j in joins:
            phrase = " ".join([core[j:], *words[i + 1 : i + 4]])[:MARK_MAX_CHARS]
            for k in range(len(phrase), 3, -1):
                seen[phrase[:k]] += 1
            if core[0].isupper():
                before = _capitalized_before(words, i)
                for start in range(len(before) + 1):
                    seen[" ".join([*before[start:], core[:j]])[-MARK_MAX_CHARS:]] += 1
        if digits is not None:
            seen[digits] += 1
        for head in heads:
            before = _capitalized_before(words, i)
            for start in range(len(before) + 1):
                seen[" ".join([*before[start:], head])] += 1
    return seen


def _word_shape(word: str) -> _Shape | None:
    core = word.strip(".,;:!?\"'“”‘’()")
    if len(core) > WORD_MAX_CHARS or len(core) < 2:
        return None
    if core[1:].islower() or core.islower():  # no capital inside: only the start shapes
        if not core[0].isupper():
            return None
        joins: list[int] = []
    else:
        joins = [
            j
            for j in range(1, len(core))
            # "mutWorld", or "MWorld" (a capital glued before a capitalized word)
            if core[j].isupper()
            and (core[j - 1].islower() or (core[j - 1].isupper() and core[j + 1 : j + 2].islower()))
        ]
        if len(joins) > WORD_MAX_JOINS:
            return None
    digits, heads = _start_shapes(core)
    if not joins and digits is None and not heads:
        return None
    return core, joins, digits, heads


_DIGIT_MARK = re.compile(r"([A-Z][A-Za-z]*\d+)([a-z]{3,})")
_CAPITALIZED = re.compile(r"[A-Z][a-z]{2,}")


def _start_shapes(core: str) -> tuple[str | None, list[str]]:
    """Marks glued to the start of a word: with digits ("Post365several"), or the heads of a
    rare capitalized token that splits into a capitalized word and a known word."""
    digits = _DIGIT_MARK.fullmatch(core)
    heads: list[str] = []
    if len(core) <= 30 and _CAPITALIZED.fullmatch(core) and zipf(core) < 2.0:
        heads = [
            core[:j]
            for j in range(2, len(core) - 1)
            if zipf(core[:j]) >= 2.0 and zipf(core[j:]) >= 3.0
        ]
    return (digits.group(1) if digits else None), heads


@dataclass(frozen=True)
class _Occurrence:
    start: int
    end: int
    replacement: str
    glued: bool  # touches letters on at least one side
    repairs_words: bool  # removing it leaves known words (the evidence that it is noise)
    mention: bool  # stands alone after "the", "told", ...: a legitimate mention
    lower_glue: bool = False  # touches a lower-case letter ("mutWorld", "Timesual")


def _occurrences(
    text: str, mark: str, vocabulary: Counter[str], starts: list[int] | None = None
) -> list[_Occurrence]:
    """Every occurrence of ``mark`` in ``text``, with what removing it would do.

    With ``starts`` (every position where ``mark`` may begin, ascending: see
    :func:`_mark_starts`), only those glued to letters, all that judging a candidate needs."""
    found: list[_Occurrence] = []
    first, last = mark.split(" ")[0], mark.split(" ")[-1]
    spans: Iterator[tuple[int, int]]
    if starts is None:
        spans = ((m.start(), m.end()) for m in re.finditer(re.escape(mark), text))
    else:
        spans = _spans(text, mark, starts)
    for start, end in spans:
        glued_left = start > 0 and text[start - 1].isalpha()
        glued_right = end < len(text) and text[end].isalpha()
        if starts is not None and not (glued_left or glued_right):
            continue
        before = text[max(0, start - 80) : start]  # bounded windows keep this linear
        if not (glued_left or glued_right):
            word = re.search(r"(\S+)\s+$", before)
            previous = word.group(1).strip('"“(') if word else ""
            glued = _split(previous, vocabulary) if previous else None  # "withthe World Times"
            last_word = (glued or previous).split(" ")[-1]
            mention = last_word.lower() in _MENTION
            found.append(_Occurrence(start, end, "", False, False, mention))
            continue
        lefts = _run_before(before, _WORDISH)
        right = _WORDISH_RUN.match(text, end, end + 80)
        rights = right.group() if right else ""
        # The word as it stands must be unknown: "MacBook", "iPhone", "Nationally" are words.
        if " " not in mark:
            as_written = [lefts + mark + rights]
        else:  # either side of a phrase may happen to make a word ("Hubers"); one must not
            as_written = [w for w in ((lefts + first) * glued_left, (last + rights) * glued_right)]
        unknown = any(
            zipf(_POSSESSIVE.sub("", w).lower()) < WATERMARK_WORD_MAX_ZIPF for w in as_written if w
        )
        # Glued only after a capital ("USSecretary"), it is two words run together, not
        # evidence of noise; inside a word ("MWorld Timesonday") it is.
        lower = glued_right or not glued_left or text[start - 1].islower()
        if glued_left and glued_right:
            joined = lefts + rights
            repaired = [p for p in re.split(r"[-'’]", joined) if p]
        else:
            piece = rights if glued_right else lefts
            # Glued at one end, the other piece stood as a word already: it must be a common
            # one ("measures"), not a name's remnant ("dia" of "Meridia").
            repaired = (
                [piece] if len(piece) >= 3 and (vocabulary[piece] or zipf(piece) >= 3.0) else []
            )
        if not (unknown and lower):
            repaired = []
        if glued_left and not glued_right and lefts.lower() in _FUNCTION:
            repaired = []  # "saidTarvia": a function word run into a name (the glued pass)
        # A repair may leave two glued words ("theMetro Ledgertown" -> "thetown"), which the
        # glued pass then splits.
        repairs_words = bool(repaired) and all(
            _is_repaired_word(p, vocabulary) or _splits_into_words(p, vocabulary) for p in repaired
        )
        replacement = " " if glued_left and not glued_right else ""
        lower_glue = (glued_left and text[start - 1].islower()) or (
            glued_right and text[end].islower()
        )
        found.append(
            _Occurrence(start, end, replacement, True, repairs_words, False, bool(lower_glue))
        )
    return found


MARK_KEY = 4  # characters of a mark's start by which the positions it may begin are found


def _mark_starts(text: str, marks: list[str]) -> dict[str, list[int]]:
    """For each distinct start (first ``MARK_KEY`` characters) of ``marks``, where it occurs in
    ``text``, ascending: one scan for all marks instead of one per mark."""
    keys = sorted({mark[:MARK_KEY] for mark in marks})
    starts: dict[str, list[int]] = {key: [] for key in keys}
    if keys:  # the positions of the keys' first characters, then the key there
        firsts = re.compile("[" + re.escape("".join({key[0] for key in keys})) + "]")
        for match in firsts.finditer(text):
            at = match.start()
            found = starts.get(text[at : at + MARK_KEY])
            if found is not None:
                found.append(at)
    return starts


def _spans(text: str, mark: str, starts: list[int]) -> Iterator[tuple[int, int]]:
    """The occurrences of ``mark`` that ``re.finditer`` would give (leftmost first, none
    overlapping the one before), among ``starts``."""
    last = 0
    for start in starts:
        if start >= last and text.startswith(mark, start):
            last = start + len(mark)
            yield start, last


def _splits_into_words(piece: str, vocabulary: Counter[str]) -> bool:
    """Two glued words of three letters or more ("thetown"; not "froma" of "fromTarvia")."""
    split = _split(piece, vocabulary) if piece.islower() else None
    return bool(split) and all(len(w) >= 3 for w in (split or "").split())


_WORDISH = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'’-")
_WORDISH_RUN = re.compile(r"[A-Za-z'’-]*")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_LETTERS_RUN = re.compile(r"[A-Za-z]*")
_POSSESSIVE = re.compile(r"['’]s?$")


def _run_before(window: str, chars: frozenset[str]) -> str:
    """What ``re.search(f"[{chars}]*$", window)`` finds, read from the end (the search tried
    every position): the run of ``chars`` ending the window, or, when the window ends with a
    newline (where ``$`` also matches), the run right before that newline."""
    end = len(window)
    if end and window[end - 1] == "\n":
        end -= 1
    start = end
    while start and window[start - 1] in chars:
        start -= 1
    return window[start:end]


def _letters_before(text: str, start: int) -> str:
    return _run_before(text[max(0, start - 40) : start], _LETTERS)


def _letters_after(text: str, end: int) -> str:
    match = _LETTERS_RUN.match(text, end, end + 40)
    return match.group() if match else ""


def _edited(text: str, edits: list[_Occurrence], start: int, end: int) -> str:
    """``text[start:end]`` with each of ``edits`` (in order, inside it) replaced."""
    pieces: list[str] = []
    last = start
    for o in edits:
        pieces += [text[last : o.start], o.replacement]
        last = o.end
    return "".join([*pieces, text[last:end]])


VOCABULARY_WINDOW_MAX = 256  # letters around an edit re-read to update the vocabulary


def _vocabulary_after(
    vocabulary: Counter[str], text: str, edits: list[_Occurrence]
) -> Counter[str]:
    """The plain vocabulary of ``text`` once ``edits`` are made, from ``vocabulary`` (that of
    ``text``): only the words around each edit are read again (the runs of letters it
    touches), not the whole text; a run longer than ``VOCABULARY_WINDOW_MAX`` is not followed,
    and the whole edited text is read instead."""
    windows: list[tuple[int, int, list[_Occurrence]]] = []
    for o in edits:
        a, b = o.start, o.end
        while a and text[a - 1] in _WORDISH_LETTERS and o.start - a <= VOCABULARY_WINDOW_MAX:
            a -= 1
        while b < len(text) and text[b] in _WORDISH_LETTERS and b - o.end <= VOCABULARY_WINDOW_MAX:
            b += 1
        if o.start - a > VOCABULARY_WINDOW_MAX or b - o.end > VOCABULARY_WINDOW_MAX:
            return _plain_vocabulary(_edited(text, edits, 0, len(text)))
        if windows and a <= windows[-1][1]:  # touching the window before: one window
            windows[-1] = (windows[-1][0], max(b, windows[-1][1]), [*windows[-1][2], o])
        else:
            windows.append((a, b, [o]))
    updated = Counter(vocabulary)
    for a, b, inside in windows:
        updated.subtract(_PLAIN_TOKEN.findall(text[a:b]))
        updated.update(_PLAIN_TOKEN.findall(_edited(text, inside, a, b)))
    return +updated  # no word counted zero times


_WORDISH_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'’")


def _plain_vocabulary(text: str) -> Counter[str]:
    """Tokens of ``text`` with no capital inside them: what the article itself spells as words.

    Tokens such as "mutWorld" are left out, so noise never vouches for noise.
    """
    return Counter(_PLAIN_TOKEN.findall(text))


# A token of _TOKEN's shape with no capital after its first letter (one regex pass).
_PLAIN_TOKEN = re.compile(r"(?<![A-Za-z'’])[A-Za-z][a-z'’]*(?![A-Za-z'’])")


def remove_watermarks(text: str) -> tuple[str, list[Removal]]:
    """Find strings injected into the text (often inside words) and remove them.

    A candidate is a capitalized phrase seen glued to other letters at least twice. It is a
    watermark when removing it repairs words next to at least ``WATERMARK_MIN_REPAIRS``
    different neighbours (so "Northwind" four times is a name, not "North" injected); of the
    candidates, the one with the most such repairs goes first (then the longest), and the
    search repeats until no candidate qualifies. Once a watermark is established, every
    occurrence glued to letters goes, including inside rare names ("IbWorld Timesarra"), and so
    do free-standing ones, except after a word that introduces a legitimate mention ("told
    the World Times").
    """
    removed: list[Removal] = []
    shapes: dict[str, _Shape | None] = {}  # what each word contributes, kept across rounds
    vocabulary = _plain_vocabulary(text)  # then updated where each round changed the text
    for _ in range(WATERMARK_MAX_ROUNDS):
        _check_budget()
        best: tuple[int, int, str] | None = None
        marks = [
            mark
            for mark, count in _candidates(text, shapes).most_common(200)
            if count >= WATERMARK_MIN_REPAIRS and len(mark) >= 4 and mark == mark.strip()
        ]
        starts = _mark_starts(text, marks)
        for mark in marks:
            _tick()
            plain = mark.isalpha() and mark[1:] in (mark[1:].lower(), mark[1:].upper())
            if plain and zipf(mark.lower()) >= WATERMARK_PLAIN_WORD_MAX_ZIPF:
                continue
            occurrences = _occurrences(text, mark, vocabulary, starts[mark[:MARK_KEY]])
            # The letters each repairing occurrence touches. A name such as "Northwind"
            # repeats with the same neighbours every time; a watermark lands by different ones.
            contexts = {
                (_letters_before(text, o.start).lower(), _letters_after(text, o.end).lower())
                for o in occurrences
                if o.glued and o.repairs_words
            }
            # Glued only before capitals ("Ocasio-CortezSanders"), a mark cannot be told from
            # names run together by a page's markup: at least one glue must touch lower case.
            touches_lower = any(o.lower_glue and o.repairs_words for o in occurrences)
            if len(contexts) >= WATERMARK_MIN_REPAIRS and touches_lower:
                score = (len(contexts), len(mark), mark)
                if best is None or score[:2] > best[:2]:
                    best = score
        if best is None:
            break
        edits = [o for o in _occurrences(text, best[2], vocabulary) if not o.mention]
        removed += [Removal("watermark", text[o.start : o.end], o.start, o.replacement)
                    for o in edits]  # fmt: skip
        vocabulary = _vocabulary_after(vocabulary, text, edits)
        text = _edited(text, edits, 0, len(text))
    return re.sub(r"  +", " ", text), sorted(removed, key=lambda r: r.position)


# --- 6. glued words ----------------------------------------------------------------------------

GLUE_PART_MIN_ZIPF = 3.0  # both halves must be words ("rallying" 3.2)
GLUE_MAX_ZIPF = 3.5  # the glued token itself must be rare ("theyhave" 1.1, web-typo "ofthe" 3.3)
# Two words glued must be likelier than the token as one word, by this many Zipf units: under a
# unigram model, log10 P(left) P(right) against log10 P(token). "theyhave": 6.5 + 6.7 - 9 = 4.2
# against 1.1; "fireside": 5.3 + 5.3 - 9 = 1.6 against 2.7 (a word: kept).
GLUE_MARGIN = 2.5
# Or, for a token no list knows, one half is a function word or very common ("beenrallying",
# "morebikes"; not "panational"); or, for a rare one, a function word ("willbe", "hasbeen").
GLUE_COMMON_ZIPF = 6.0
# "theXinhua", "saidTrump": only a function word runs into a capitalized word ("watchOS",
# "iSight" stay).
_INFLECTIONS = ("s", "es", "ed", "d", "ing", "er", "ers", "ly")
# Two common English words glued together are rarely longer than 25 letters; a longer run of
# letters is not split (trying every split point of a 3 MB "word" was quadratic).
GLUE_MAX_CHARS = 40
# Two capitalized words run together ("NoemKristi", "USSecretary"): split only when the token
# is unknown, appears once, and each part stands alone elsewhere in the article (brands such as
# "SunExpress" or "StackAdapt" have parts that do not).
_CAPS_JOIN = re.compile(r"([A-Z][a-z]+|[A-Z]{2,4})([A-Z][a-z]{2,})")
GLUE_UNKNOWN_ZIPF = 1.0
# Function words that are also prefixes still forming words ("overdrew", "inefficacy",
# "upsample"): no evidence. Not "with": it formed its words long ago (withdraw, withhold,
# withstand, all in the word list), and as a prefix it blocked the commonest glue of all (four
# in five of "with" + a common word were left unsplit: "withwings", "withborrowed").
_PREFIXES = frozenset(
    "over in up out under on off after be a no for by to here there then so an".split()
)
# Function words that end few English words, so one glued after a word is evidence ("pestis",
# "torpor", "holdover" end in "is", "or", "over"). Words ending in "than" are names (Jonathan,
# Rajasthan) or known words ("leviathan"): a comparative glued to it ("morethan", "lessthan",
# web typos the list knows) is split.
_GLUED_AFTER = frozenset(
    "the they their have has been will would that this with from which said were was and "
    "than".split()
)
# Short function words glued after a very common word ("accordingto", "doesnot", "outof"):
# rarer words end in them ("pimento", "hereof"), very common ones rarely ("in", "on", "at"
# end too many names: "plantin", "boughton").
_GLUED_AFTER_SHORT = frozenset("of to for by not".split())
GLUE_SHORT_LEFT_ZIPF = 4.5
GLUE_TYPO_ZIPF = 2.5  # a function word glued on is a common web typo ("willbe" 1.8)
GLUE_FUNCTION_PART_MIN_ZIPF = 2.0  # next to a function word, a rarer word ("vaccinating" 2.4)
_GLUE_LOWEST_PART_ZIPF = min(GLUE_PART_MIN_ZIPF, GLUE_FUNCTION_PART_MIN_ZIPF)


def _split(token: str, vocabulary: Counter[str], depth: int = 0) -> str | None:
    """The words ``token`` is glued from (two, or three with a function word first), or None
    when it should stay as it is."""
    if len(token) > GLUE_MAX_CHARS:
        return None
    rarity = zipf(token)
    # A token the article repeats is a word, unless a function word is glued on ("thetwo").
    repeated = vocabulary[token] > 1
    if rarity >= GLUE_MAX_ZIPF:
        return None
    if _inflected(token):
        return None  # an inflected word ("downturns", "outsourced"), not two glued ones
    camel = [j for j in range(1, len(token)) if token[j - 1].islower() and token[j].isupper()]
    if token[0].islower() and len(camel) == 1:
        return _split_camel(token[: camel[0]], token[camel[0] :], rarity, repeated)
    caps = _CAPS_JOIN.fullmatch(token)
    if caps and zipf(token.lower()) < GLUE_UNKNOWN_ZIPF and not repeated:
        left, right = caps.groups()
        if vocabulary[left] and vocabulary[right]:
            return f"{left} {right}"
        return None
    if not token.islower() or camel:
        return None  # names and other capitalized words are never split
    best: tuple[float, str] | None = None
    for j in range(1, len(token)):
        left, right = token[:j], token[j:]
        if (len(left) == 1 and left != "a") or (len(right) == 1 and right != "a"):
            continue
        left_zipf = zipf(left)
        if left_zipf < _GLUE_LOWEST_PART_ZIPF:
            continue  # too rare a part whatever the other is (a lookup saved per split point)
        low, high = sorted((left_zipf, zipf(right)))
        function = (
            left in _FUNCTION and left not in _PREFIXES and (len(right) >= 3 or right in _FUNCTION)
        ) or (right in _GLUED_AFTER and len(left) >= 3)
        function = function or (
            right in _GLUED_AFTER_SHORT and len(left) >= 4 and left_zipf >= GLUE_SHORT_LEFT_ZIPF
        )
        if low < (GLUE_FUNCTION_PART_MIN_ZIPF if function else GLUE_PART_MIN_ZIPF):
            continue
        likelier = not repeated and low + high - 9 - rarity >= GLUE_MARGIN
        common = (
            rarity < GLUE_UNKNOWN_ZIPF
            and (function or (high >= GLUE_COMMON_ZIPF and not repeated and left not in _PREFIXES))
        ) or (rarity < GLUE_TYPO_ZIPF and function)
        if (likelier or common) and (best is None or low + high > best[0]):
            best = (low + high, f"{left} {right}")
    if best is None and rarity < GLUE_UNKNOWN_ZIPF and not repeated:
        best = _split_unknown(token)
    if best is None and depth == 0 and rarity < GLUE_UNKNOWN_ZIPF:
        # Three words: a function word, then two more glued ("saidtheyopposed").
        for j in range(2, min(len(token) - 4, 6)):
            left, rest = token[:j], token[j:]
            if left in _FUNCTION and left not in _PREFIXES:
                inner = _split(rest, vocabulary, depth + 1)
                if inner:
                    return f"{left} {inner}"
    return best[1] if best else None


def _inflected(token: str) -> bool:
    return any(
        token.endswith(suffix)
        and len(token) - len(suffix) >= 4
        and zipf(token[: -len(suffix)]) >= 2.5
        for suffix in _INFLECTIONS
    )


def _split_camel(left: str, right: str, rarity: float, repeated: bool) -> str | None:
    """A lower-case word run into a capitalized one: after a function word ("theXinhua",
    "saidTrump"), or, when the token is unknown and seen once, after a common word of three
    letters or more ("claimedHouthis", "northernPhilippines"). Brands start with a letter or
    a short or rare word ("iPhone", "eBay", "watchOS") and stay."""
    if not (len(right) >= 2 and right[1:].isalpha()):
        return None
    if left in _FUNCTION:
        return f"{left} {right}"
    named = len(right) >= 3 and right[1:].islower()
    unknown = rarity < GLUE_UNKNOWN_ZIPF and not repeated
    if named and unknown and len(left) >= 3 and left not in _PRODUCTIVE:
        return f"{left} {right}" if zipf(left) >= GLUE_PART_MIN_ZIPF else None
    return None


# Prefixes that still form new words ("upsample", "outcompete", "overfund", "asymmetric"): an
# unknown token starting with one is likelier a new word than two glued ones.
_PRODUCTIVE = frozenset("over in up out under on off after be a un re non de pre co".split())
GLUE_UNKNOWN_MAX_CHARS = 24  # an unknown token is read as up to three words only this long


def _split_unknown(token: str) -> tuple[float, str] | None:
    """A token no word list knows, read as two common words: "rescuework",
    "significanthuman", "lookat". Each part is a function word or a word of four letters or
    more and Zipf 3 or more; the first is no productive prefix, the second no head that forms
    compounds ("keywoman", "sealdown"); of the readings, the one with the commonest parts
    wins."""
    if len(token) > GLUE_UNKNOWN_MAX_CHARS:
        return None
    best: tuple[float, str] | None = None
    for j in range(2, len(token) - 1):
        left, right = token[:j], token[j:]
        if left in _PRODUCTIVE or right in _COMPOUND_HEADS:
            continue
        if _common_part(left) and _common_part(right, second=True):
            score = zipf(left) + zipf(right)
            if best is None or score > best[0]:
                best = (score, f"{left} {right}")
    return best


# Second parts that make compounds of nearly any word ("spokeman", "coastdown", "lifelike").
_COMPOUND_HEADS = frozenset(
    "man men woman women down up out off over like less ship hood wide ward wards way ways "
    "side".split()
)


# A second part of three letters must be a common word ("cannotpay"); a first part of three
# letters starts too many compounds ("eyepatches", "lawmaker") to count.
GLUE_SHORT_PART_MIN_ZIPF = 4.0


def _common_part(word: str, second: bool = False) -> bool:
    if word in _FUNCTION:
        return word not in _PRODUCTIVE
    if len(word) == 3 and second:
        return zipf(word) >= GLUE_SHORT_PART_MIN_ZIPF
    return len(word) >= 4 and zipf(word) >= GLUE_PART_MIN_ZIPF


# A run of letters that may be two words glued (in a capturing group: re.split keeps it); not
# part of an address ("name@site.example", "www.site.example/path").
_GLUE_TOKEN = re.compile(r"(?<![\w'’@./-])([A-Za-z]{5,})(?![\w'’@/-]|\.\w)")


def split_glued(text: str) -> tuple[str, list[Removal]]:
    """Split words run together ("theyhave" -> "they have", "theXinhua" -> "the Xinhua")."""
    vocabulary = Counter(_TOKEN.findall(text))
    parts = _GLUE_TOKEN.split(text)  # text, token, text, token, ..., text
    splits: dict[str, str] = {}  # each distinct token is judged once
    for token in set(parts[1::2]):
        _tick()
        split = _split(token, vocabulary)
        if split:
            splits[token] = split
    if not splits:
        return text, []
    offsets = [0, *accumulate(map(len, parts))]
    removed: list[Removal] = []
    for k in range(1, len(parts), 2):
        split = splits.get(parts[k])
        if split:
            removed.append(Removal("glued", parts[k], offsets[k], split))
            parts[k] = split
    return "".join(parts), removed


def diff(raw: str, cleaned: str, name: str = "article", removed: Sequence[Removal] = ()) -> str:
    """A unified diff, line by line, from the raw input to the cleaned text; with ``removed``
    (the clean's audit) it ends with why each piece went, one ``#`` line per removal (its pass,
    the kind of text where the pass says, and the text), which patch tools skip."""
    import difflib

    before = [line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip()]
    after = [line for line in cleaned.split("\n") if line]
    lines = difflib.unified_diff(before, after, f"{name} (raw)", f"{name} (clean)", n=0)
    out = [line.rstrip("\n") for line in lines]
    if removed:
        out.append(f"# why: {len(removed)} removals (pass · kind: text)")
        for r in removed:
            why = f"{r.kind} · {r.reason}" if r.reason else r.kind
            text = " ".join(r.text.split())
            shown = text if len(text) <= 120 else text[:117] + "..."
            out.append(f"# {why}: {shown}" + (f" -> {r.replacement}" if r.replacement else ""))
    return "\n".join(out)


# --- the pipeline ------------------------------------------------------------------------------

_DATELINE = re.compile(rf"^(?:{_WEEKDAY}\s+)?{_MONTH}\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}$", re.I)


def guess_title(text: str) -> str | None:
    """The first line that reads like a headline: several words, no final full stop."""
    for line in text.splitlines()[:8]:
        words = line.split()
        if (
            4 <= len(words) <= 25
            and not line.endswith((".", "?", "!", ":"))
            and not _DATELINE.match(line)
            and not is_chrome_line(line)
            and not _TEASER.match(line)
            and sum(c.isalpha() for c in line) > 0.6 * len(line)
        ):
            return line
    return None


@cache
def cleaner_version() -> str:
    """Identifies this cleaner: its source and the word lists and extractors it relies on.

    A stored cleaning result is reused only under the same version, so changing a pass (or
    upgrading wordfreq, ftfy or trafilatura) invalidates it without anyone remembering to.
    """
    import hashlib
    from importlib import metadata
    from pathlib import Path

    digest = hashlib.sha256(Path(__file__).read_bytes())
    for package in ("wordfreq", "ftfy", "trafilatura"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()[:16]


def clean_article(
    raw: str, content_type: str = "text/plain", *, max_text: int | None = None
) -> CleanArticle:
    """Clean an article of either content type: HTML is extracted first, then cleaned as text.
    Text longer than ``max_text`` (plain text as given, or what a page's HTML holds) is an
    input error raised before the text passes run: the size budget of a batch article."""
    if content_type != "text/html":
        _check_size(len(raw), max_text, "")
        return clean_text(raw)
    with _budgeted():
        text, metadata = extract_html(raw)
        _check_size(len(text), max_text, " in its HTML")
        _check_budget()
        cleaned = clean_text(text, title=metadata.pop("title", None))
    stats = {"html_chars": len(raw), "extracted_chars": len(text), **cleaned.stats}
    return replace(cleaned, stats=stats, metadata=metadata)


def _check_size(size: int, limit: int | None, where: str) -> None:
    if limit is not None and size > limit:
        raise InputError(
            f"the article holds {size:,} characters of text{where} before cleaning, over the "
            f"limit of {limit:,}",
            TOO_LONG_HINT,
        )


def clean_text(raw: str, *, title: str | None = None) -> CleanArticle:
    """Run every cleaning pass over ``raw``; ``title`` when the source gave one (HTML)."""
    with _budgeted():
        return _clean_text(raw, title)


def _clean_text(raw: str, title: str | None) -> CleanArticle:
    removed: list[Removal] = []
    text = raw
    settled: set[str] = set()  # lines the mojibake repair left as they were
    for rounds in range(3):  # repairing mojibake can expose more of it; stop at a fixed point
        before = text
        text, found = fix_mojibake(text, settled)
        removed += found
        _check_budget()
        if rounds and text == before:
            break  # normalized text the repair leaves alone normalizes to itself
        text, found = normalize(text)
        removed += found
        _check_budget()
        if text == before:
            break
    text, found = cut_footer(text)
    removed += found
    title = title or guess_title(text)
    text, found = remove_chrome(text, title)
    removed += found
    if looks_english(text):  # the word passes judge words by an English list
        for step in (remove_watermarks, split_glued):
            _check_budget()
            text, found = step(text)
            removed += found
    title = title or guess_title(text)
    kinds = Counter(r.kind for r in removed)
    stats = {
        "raw_chars": len(raw),
        "clean_chars": len(text),
        "paragraphs": text.count("\n\n") + 1 if text else 0,
        "words": len(text.split()),
        "removed": len(removed),
        **{f"removed_{kind}": n for kind, n in sorted(kinds.items())},
    }
    return CleanArticle(title=title, text=text, removed=removed, stats=stats)
