"""4. Chrome: whole lines that are site furniture (datelines and bylines, share and follow rows,
newsletter prompts, banners, credits, breadcrumbs, teasers of other articles, author bios),
datelines glued to the first sentence, and repeats of the title. Each removal names its kind
in ``reason`` (:func:`chrome_reason`)."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import budget
from .options import DEFAULT, CleanOptions
from .prose import is_blurb, is_sentence
from .records import Removal

# A teaser of another article ("Read more: <title>"): the chrome pass drops the line, and the
# blurb lines under it when they close their block (see remove_chrome).
TEASER = re.compile(
    r"^[(\[»›>•*]*\s*(?:(?:related(?: suggestion| story| stories| article| coverage| content"
    r"| reading)?|read (?:more|next|also)|see also|also read)\s*(?::|\||[-–—]{1,2}|>>|»|›)"
    r"|(?:watch|video|more|recommended)\s*(?::|\|))\s*\S.*$",
    re.IGNORECASE,
)

_SHARE_WORD = (
    r"share(?:s| this(?: story| article| page)?| on| via| via email)?|tweet|email|e-mail"
    r"|facebook|twitter|x|linkedin|reddit|whatsapp|telegram|pinterest|pin|print"
    r"|copy link|copy|link|save|comments?|instagram|tiktok|youtube|flipboard"
    r"|messenger|sms|bluesky|threads|mail"
)
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?"
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
    rf"(?:{WEEKDAY}\s+)?(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+"
    rf"{MONTH}),?\s+\d{{4}}(?:,?\s+\d{{1,2}}:\d{{2}}\s*(?:am|pm)?(?:\s+[a-z]{{2,4}})?)?",
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
# Headings of lists of other articles ("Most Read", "Trending"): the heading goes with the
# headline-like lines right under it.
LIST_HEADING = re.compile(
    r"^(?:most (?:read|popular|viewed|shared|commented)(?: (?:stories|articles|now|today))?"
    r"|trending(?: now| stories| articles| topics)?|popular (?:now|stories|articles)"
    r"|editor'?s? picks|top stories|latest (?:news|stories|headlines)|in other news"
    r"|recommended(?: for you| stories| articles)?|more (?:stories|news|headlines)"
    r"|related(?: posts?| articles?| stories| news| content)?|you (?:may|might) also like)\s*:?$",
    re.IGNORECASE,
)
# A dateline glued to the first sentence: "WASHINGTON (Reuters) - The ...", "LONDON — ...",
# "Monday, March 2, 2020 The ...". Only at the start of one of the first lines kept.
_DATELINE_PREFIX = re.compile(
    r"^(?:(?:[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,3}(?:, [A-Z][\w.]+(?: [A-Z][\w.]+)?)?"
    r"|[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,2}(?:, [A-Z][\w.]+(?: [A-Z][\w.]+)?)?"
    r"(?= \((?:Reuters|AP|AFP|UPI|dpa|Bloomberg|CNN|Xinhua|IANS|PTI)\)))"
    r"(?: \((?:Reuters|AP|AFP|UPI|dpa|Bloomberg|CNN|Xinhua|IANS|PTI)\))? ?[-–—]{1,2} "
    r"|\((?:Reuters|AP|AFP|UPI|dpa|Bloomberg|CNN|Xinhua|IANS|PTI)\) ?[-–—]{1,2} "
    rf"|(?i:(?:{WEEKDAY}\s+)?{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\s*[-–—:|]?\s+)"
    r"(?=[A-Z\"“‘'])"
)
# The same with a site's name: "NAIROBI (Valley Courier) — ", "LISBON, Aug 12 (Harbour Ledger)
# - ", "HANOI — Harbour Ledger — ", "(Valley Courier) — ".
_SITE_DATELINE_PREFIX = re.compile(
    r"^(?:(?:[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,3}"
    rf"(?:, (?:[A-Z][\w.]+(?: [A-Z][\w.]+)?|(?i:{MONTH}) \d{{1,2}}))? )?"
    r"\([A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,3}\)"
    r"|[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,3} [-–—]{1,2} [A-Z][\w&'’-]*"
    r"(?: [A-Z][\w&'’-]*){0,3}) ?[-–—]{1,2} (?=[A-Z\"“‘'])"
)


def is_chrome_line(line: str, options: CleanOptions = DEFAULT) -> bool:
    """Whether ``line`` is site furniture: strong vocabulary, or weaker vocabulary on a line
    that does not read like a sentence."""
    if len(line) > options.chrome_max_chars or _more_words_than(line, options.chrome_max_words):
        return False
    if _may_be_strong(line) and _STRONG.match(line):
        return True
    return not is_sentence(line, options) and bool(_WEAK.match(line) or _is_dateline(line, options))


def _more_words_than(line: str, n: int) -> bool:
    """Whether ``line`` has more than ``n`` words; on a normalized line (single spaces, no
    tabs, stripped) counted without splitting it (most lines are paragraphs of prose)."""
    if "  " in line or "\t" in line or line[:1].isspace() or line[-1:].isspace():
        return len(line.split(maxsplit=n)) > n
    return line.count(" ") >= n


# A date in a byline or dateline: "Nov 22, 2016", "22 November 2016", "2016-11-22".
DATE = re.compile(
    rf"(?i:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+"
    rf"{MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
)
# What else a byline or dateline holds besides names, dates and times.
_DATELINE_WORDS = frozenset(
    "by on at published updated posted last modified staff and | · • — – - / , :".split()
)
_DIGIT = re.compile(r"\d")


def _is_dateline(line: str, options: CleanOptions) -> bool:
    """A byline or dateline with a site's name: a date, and otherwise only capitalized words,
    times and a few words such as "by", "updated", "staff" ("By Ana Lee | Valley Courier |
    Nov 22, 2016", "Last updated 11 April 2024 at 15:16 | Coastline Today")."""
    if len(line) > options.dateline_max_chars or _DIGIT.search(line) is None:
        return False  # (every date has digits)
    words = line.split()
    if len(words) > options.dateline_max_words:
        return False
    if not all(w[0].isupper() or w[0].isdigit() or w.lower() in _DATELINE_WORDS for w in words):
        return False  # a lower-case word other than "by", "updated", ... (a date has none)
    return DATE.search(line) is not None


def is_headline(line: str, options: CleanOptions = DEFAULT) -> bool:
    """Whether ``line`` reads as a headline: a few words, no sentence, no final full stop."""
    words = line.split()
    return (
        0 < len(words) <= options.headline_max_words
        and not is_sentence(line, options)
        and not line.endswith((".", "!"))
    )


def remove_chrome(
    text: str, title: str | None, options: CleanOptions = DEFAULT
) -> tuple[str, list[Removal]]:
    """Drop whole lines of site chrome, teasers of other articles (with a blurb that closes
    their block), lists of other articles under a "Most Read"-like heading, datelines glued to
    an opening sentence, and lines that repeat ``title`` after its first one. Prose lines are
    only removed by strong vocabulary (cookie, newsletter, copyright notices)."""
    lines = text.split("\n")
    block_end = _block_ends(lines)
    kept: list[str] = []
    removed: list[Removal] = []
    offset = 0
    tail = _tail_start(lines, options)
    opening = 0  # lines of text kept so far
    title_seen = False
    drop_until = -1  # lines up to this index are a teaser's blurb
    list_items = 0  # headline-like lines still allowed under a list heading
    for i, line in enumerate(lines):
        budget.tick()
        is_title = title is not None and line == title
        credit = 0  # where a credited caption's credit starts, once known to be one
        if not line:
            list_items = 0  # a list of headlines ends with its block
            kept.append(line)
        elif i <= drop_until:
            removed.append(Removal("chrome", line, offset, reason="teaser's blurb"))
        elif list_items and is_headline(line, options) and not is_title:
            list_items -= 1
            removed.append(Removal("chrome", line, offset, reason="list of other articles"))
        elif is_title and title_seen:
            removed.append(Removal("chrome", line, offset, reason="title repeated"))
        elif not is_title and (TEASER.match(line) or LIST_HEADING.match(line)):
            reason = "teaser of another article" if TEASER.match(line) else "list heading"
            removed.append(Removal("chrome", line, offset, reason=reason))
            blurb = lines[i + 1 : block_end[i]]
            opens_block = i == 0 or not lines[i - 1]
            if TEASER.match(line) and _teaser_blurb(line, blurb, opens_block, options):
                drop_until = block_end[i] - 1
            list_items = options.list_max_items if LIST_HEADING.match(line) else 0
        elif (
            not is_title
            and is_chrome_line(line, options)
            and not (credit := _credited_caption(line, options))
        ):
            removed.append(Removal("chrome", line, offset, reason=chrome_reason(line, options)))
        elif i >= tail and _is_bio(line, options):
            removed.append(Removal("chrome", line, offset, reason=_BIO_REASON))
        else:
            list_items = 0
            title_seen = title_seen or is_title
            line = _kept_line(line, credit, offset, opening < options.dateline_lines, removed)
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


def _is_bio(line: str, options: CleanOptions) -> bool:
    return len(line) <= options.chrome_max_chars and bool(
        _BIO.match(line) and _BIO_CUE.search(line)
    )


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
    (_DATED, re.compile(rf"(?-i:^(?:By|BY)\s+[A-Z])|{DATE.pattern}"
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


def chrome_reason(line: str, options: CleanOptions = DEFAULT) -> str:
    """What kind of site furniture a chrome line is ("share or follow row", "breadcrumb",
    ...), or "site label" for the rest (reading time, ad breaks, toolbars, labels), read from
    its first ``reason_max_chars``."""
    return _reason(line[: options.reason_max_chars])


@lru_cache(maxsize=4096)  # a site's chrome lines repeat from article to article
def _reason(start: str) -> str:
    for reason, pattern in _REASONS:
        if pattern.search(start):
            return reason
    return "site label"


def _teaser_blurb(line: str, blurb: list[str], opens_block: bool, options: CleanOptions) -> bool:
    """Whether the lines under a teaser, up to the end of their block, are its blurb: short,
    under a teaser that opens its block, and either in a text of paragraphs or repeating the
    teaser's words (in a text of single lines, the lines under a teaser are the article's)."""
    return (
        opens_block
        and 0 < len(blurb) <= options.teaser_max_blurb_lines
        and all(len(b.split()) <= options.blurb_max_words for b in blurb)
        and (len(blurb) < options.teaser_max_blurb_lines or is_blurb(blurb[0], line, options))
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


def _tail_start(lines: list[str], options: CleanOptions) -> int:
    """The index of the first of the last ``bio_tail_lines`` lines of text."""
    seen = 0
    for i in range(len(lines) - 1, -1, -1):
        seen += bool(lines[i])
        if seen == options.bio_tail_lines:
            return i
    return 0


# A photo credit in brackets closing a caption: "Sirhan in 1969 (Image: CDCR)".
_CAPTION_CREDIT = re.compile(
    r"(?:\S+\s+){2,}?\s*(\((?:photo|image|picture|video|graphic|illustration)s?"
    r"(?: credit)?\s*:\s*[^()]{1,60}\))$",
    re.IGNORECASE,
)


def _credited_caption(line: str, options: CleanOptions) -> int:
    """Where the credit of a credited caption starts (0: the line is not one). The caption
    is at least two words, and not chrome itself."""
    match = _CAPTION_CREDIT.match(line) if line.endswith(")") else None
    if not match or is_chrome_line(line[: match.start(1)].rstrip(), options):
        return 0
    return match.start(1)


def _tidy(text: str) -> str:
    """Collapse the blank lines a removal leaves behind; keep paragraph breaks."""
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def is_byline(text: str, options: CleanOptions = DEFAULT) -> bool:
    """ "By Ana Lee and Tom Ek on Monday, November 18th, 2019 at 11:08 a.m.": a byline that
    ends as a sentence does (the chrome patterns let sentences be)."""
    opening = text[: options.dateline_max_chars]
    return text.startswith(("By ", "BY ")) and DATE.search(opening) is not None
