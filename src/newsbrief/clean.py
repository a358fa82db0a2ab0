"""Cleaning passes: pure functions from raw article text to :class:`CleanArticle`, no I/O.

The passes run in this order, each on the output of the one before:

1. ``mojibake``: text decoded with the wrong codec is repaired (ftfy; quotes are left alone);
2. ``invisible`` / ``control``: zero-width and control characters go; whitespace is normalized,
   lines are kept and blank lines separate paragraphs;
3. ``footer``: everything from the first footer line on ("Related Post", "Leave a Reply",
   "Content comes from ...") after the first 30% of the text, with other articles' teasers;
4. ``chrome``: whole lines that are site furniture: datelines, "Breaking", photo credits,
   share/follow/subscribe prompts, cookie and newsletter notices, "Advertisement", copyright
   lines, bylines, "Read more" teasers, repeats of the title;
5. ``watermark``: a string injected over and over, often inside words ("mutWorld Timesual"),
   found because removing it turns non-words back into words; legitimate mentions ("told the
   World Times") stay;
6. ``glued``: two words run together ("theyhave", "theXinhua") are split, conservatively: never
   a capitalized word or a word the article uses elsewhere.

Every removal or repair is recorded as a :class:`Removal` with the text it removed, what
replaced it, and its offset in the text that pass worked on. Nothing is removed silently.

Every pass runs in time linear in the text, whatever it holds (one 3 MB word, 5 MB of short
lines, deeply nested HTML): the word-level passes look at bounded windows only, and words too
long to be words are left as they are. Under :func:`time_budget` a clean that still takes too
long stops with :class:`~newsbrief.errors.TimeBudgetError` instead of stalling its caller.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from typing import Any

from .errors import TimeBudgetError

# --- time budget ---------------------------------------------------------------------------------

_BUDGET = threading.local()  # per thread: batch workers clean their own articles
CHECK_EVERY = 2048  # ticks (lines, words) between two looks at the clock


def _monotonic() -> float:
    return time.monotonic()


@contextmanager
def time_budget(seconds: float | None, clock: Callable[[], float] | None = None) -> Iterator[None]:
    """Inside this block, each :func:`clean_article` or :func:`clean_text` call in this thread
    must finish within ``seconds`` (``None``: no limit), or it raises
    :class:`~newsbrief.errors.TimeBudgetError`. The passes look at ``clock`` (default: the
    monotonic clock) between steps."""
    previous = getattr(_BUDGET, "limit", None)
    _BUDGET.limit = (seconds, clock or _monotonic) if seconds is not None else None
    try:
        yield
    finally:
        _BUDGET.limit = previous


@contextmanager
def _budgeted() -> Iterator[None]:
    """Start the clock of one clean (an outer call's clock keeps running for inner calls)."""
    limit = getattr(_BUDGET, "limit", None)
    if limit is None or getattr(_BUDGET, "deadline", None) is not None:
        yield
        return
    seconds, clock = limit
    _BUDGET.deadline, _BUDGET.ticks = clock() + seconds, 0
    try:
        yield
    finally:
        _BUDGET.deadline = None


def _check_budget() -> None:
    deadline = getattr(_BUDGET, "deadline", None)
    if deadline is None:
        return
    seconds, clock = _BUDGET.limit
    if clock() > deadline:
        raise TimeBudgetError(
            f"cleaning the article took over its time budget of {seconds:g} s",
            "it is pathological (check it with `newsbrief clean`), or raise "
            "NEWSBRIEF_CLEAN_BUDGET (clean_budget in config.toml)",
        )


def _tick() -> None:
    """One step of a pass; every ``CHECK_EVERY`` steps the budget is checked."""
    if getattr(_BUDGET, "deadline", None) is None:
        return
    _BUDGET.ticks += 1
    if _BUDGET.ticks >= CHECK_EVERY:
        _BUDGET.ticks = 0
        _check_budget()


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Removal:
    kind: str  # the pass: mojibake, invisible, control, footer, chrome, watermark, glued
    text: str  # the text removed or replaced, verbatim
    position: int  # offset in the text the pass worked on
    replacement: str = ""  # what took its place ("" for a removal)


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
    """Main text of an HTML page (no navigation, comments or tables) and its title/author/date.

    Each block trafilatura finds becomes a paragraph.
    """
    import trafilatura

    document = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, with_metadata=True
    )
    if document is None or isinstance(document, dict) or not document.text:
        return "", {}
    metadata = {
        key: str(value)
        for key in ("title", "author", "date")
        if (value := getattr(document, key, None))
    }
    blocks = (line.strip() for line in str(document.text).split("\n"))
    return "\n\n".join(b for b in blocks if b), metadata


# --- 1. mojibake -------------------------------------------------------------------------------


def fix_mojibake(text: str) -> tuple[str, list[Removal]]:
    """Repair text that went through the wrong codec ("doesnâ€™t" -> "doesn’t"), line by line."""
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
        fixed = ftfy.fix_text(line, config) if not line.isascii() else line
        if fixed != line:
            removed.append(Removal("mojibake", line, offset, fixed))
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


# --- 3. footer ---------------------------------------------------------------------------------

# Lines that start a site's footer: what follows them is not the article (comment forms,
# syndication notes, lists of other articles). Whole line, any case.
_FOOTER = re.compile(
    r"^(?:related(?:\s+(?:posts?|articles?|stories|news|reading|content|links?))?"
    r"|more (?:from|on|stories)\b.{0,40}|you (?:may|might) also (?:like|enjoy)\b.{0,20}"
    r"|recommended(?: for you)?|trending(?: now)?|most (?:read|popular)"
    r"|leave a (?:reply|comment)|post a comment|add a comment|(?:\d+\s+)?comments?"
    r"|your email address will not be published.*|content comes from\b.*"
    r"|(?:this article|this story) (?:was|is|first) (?:originally )?(?:published|appeared)\b.*"
    r"|tags?\s*:.*|filed under\b.*)\s*:?$",
    re.IGNORECASE,
)
# A teaser of another article ("Read more: <title>"): the chrome pass drops the line and the
# blurb lines under it, up to the next blank line.
_TEASER = re.compile(
    r"^(?:related(?: suggestion| story| article)?|read (?:more|next|also)|see also|also read"
    r"|watch|video)\s*:\s*\S.*$",
    re.IGNORECASE,
)
# A footer marker only counts after this share of the text, so an article that merely mentions
# "related stories" early on is not cut.
FOOTER_MIN_SHARE = 0.3


def cut_footer(text: str) -> tuple[str, list[Removal]]:
    """Drop everything from the first footer line on (after ``FOOTER_MIN_SHARE`` of the text)."""
    offset = 0
    for line in text.split("\n"):
        _tick()
        if offset >= FOOTER_MIN_SHARE * len(text) and _FOOTER.match(line):
            return text[:offset].rstrip(), [Removal("footer", text[offset:], offset)]
        offset += len(line) + 1
    return text, []


# --- 4. chrome lines ---------------------------------------------------------------------------

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?"
_CHROME_LINES = [
    # labels and navigation
    r"(?:breaking(?: news)?|live(?: updates)?|exclusive|advertisement|advertising|sponsored"
    r"(?: content)?|skip to (?:main )?content|menu|home|search|top stories|latest news)",
    # datelines
    rf"(?:{_WEEKDAY}\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+"
    rf"{_MONTH}),?\s+\d{{4}}(?:,?\s+\d{{1,2}}:\d{{2}}\s*(?:am|pm)?(?:\s+[a-z]{{2,4}})?)?",
    r"\d{4}-\d{2}-\d{2}(?:[ t]\d{2}:\d{2}(?::\d{2})?)?",
    r"(?:published|updated|posted|last updated)(?: on| at)?:?\s+.{0,40}\d{4}.{0,20}",
    # photo and video credits
    r".{0,100}\b(?:photo|image|picture|video|graphic|illustration)s?(?: credit)?\s*:"
    r"\s*[^.!?]{0,60}",
    r"(?:photo|image|picture|video)s? (?:by|courtesy of|credit)\b.{0,80}",
    r".{0,100}/\s*(?:getty images|reuters|afp|ap|ap photo|epa|xinhua|shutterstock)",
    # share, follow, subscribe, newsletters, cookies
    r"(?:share|share this(?: article| story)?|share on|tweet|email|print|copy link):?"
    r"(?:\s*(?:[|/·•,]\s*)?(?:facebook|twitter|x|linkedin|whatsapp|email|print|telegram))*",
    r"(?:follow us|like us|subscribe|sign up|join us|join our|download (?:our|the) app"
    r"|get the app|click here)\b.{0,100}",
    r".{0,150}\b(?:we use cookies|this (?:site|website) uses cookies|accept (?:all )?cookies)"
    r".{0,150}",
    r".{0,100}\bnewsletter\b.{0,100}\b(?:sign up|subscribe|inbox)\b.{0,60}",
    r".{0,60}\b(?:sign up|subscribe)\b.{0,60}\bnewsletter\b.{0,60}",
    # copyright, bylines, teasers
    r"(?:©|\(c\)|copyright\b).{0,150}",
    r".{0,100}\ball rights reserved\.?",
    r"by\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and|\|)\s*[A-Z][\w.'’ -]{0,60})?",
    r"(?:related|read more|read also|see also|also read|more|recommended|watch)\s*:.{0,200}",
]
_CHROME = re.compile(r"^(?:" + "|".join(_CHROME_LINES) + r")$", re.IGNORECASE)
CHROME_MAX_WORDS = 40


def remove_chrome(text: str, title: str | None) -> tuple[str, list[Removal]]:
    """Drop whole lines of site chrome, teasers of other articles with their blurbs, and lines
    that repeat ``title`` after its first one."""
    kept: list[str] = []
    removed: list[Removal] = []
    offset = 0
    title_seen = False
    in_teaser = False
    for line in text.split("\n"):
        _tick()
        is_title = title is not None and line == title
        in_teaser = bool(line) and (in_teaser or bool(_TEASER.match(line)))
        if in_teaser or (is_title and title_seen):
            removed.append(Removal("chrome", line, offset))
        elif not is_title and len(line.split()) <= CHROME_MAX_WORDS and _CHROME.match(line):
            # Blank separator lines are kept; _tidy() collapses them afterwards.
            removed.append(Removal("chrome", line, offset))
        else:
            title_seen = title_seen or is_title
            kept.append(line)
        offset += len(line) + 1
    return _tidy("\n".join(kept)), removed


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
def zipf(word: str) -> float:
    """How common an English word is (wordfreq's Zipf scale: 0 unknown, 3 = once per million)."""
    return float(_zipf_frequency()(word, "en"))


def _is_word(word: str, vocabulary: Counter[str], threshold: float = 2.5) -> bool:
    return vocabulary[word] > 0 or zipf(word) >= threshold


def _is_repaired_word(word: str, vocabulary: Counter[str]) -> bool:
    """A word a repair may produce: known, or spelled so elsewhere; never one or two letters
    that merely look known ("gt", "ua")."""
    return vocabulary[word] > 0 or (len(word) >= 3 and zipf(word) >= 2.5)


# --- 5. watermarks -----------------------------------------------------------------------------

# Words that introduce a legitimate mention of an outlet: "told the World Times".
_MENTION = {
    "the", "a", "an", "to", "told", "in", "by", "from", "of", "said", "says", "with", "at",
    "for", "on", "and", "or", "per", "via", "as",
}  # fmt: skip
WATERMARK_MIN_REPAIRS = 2


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


def _candidates(text: str) -> Counter[str]:
    """Capitalized phrases seen glued to other letters, counted by how often they recur.

    Three shapes: glued inside a word ("mutWorld Timesual": a lowercase letter runs into a
    capital), glued before a capitalized word ("World TimesGovernment"), and glued to the start
    of a word ("World Timesmeasures": a rare token that splits into a capitalized word and a
    known word).
    """
    seen: Counter[str] = Counter()
    words = text.split()
    for i, word in enumerate(words):
        _tick()
        core = word.strip(".,;:!?\"'“”‘’()")
        if len(core) > WORD_MAX_CHARS:
            continue
        joins = [
            j
            for j in range(1, len(core))
            # "mutWorld", or "MWorld" (a capital glued before a capitalized word)
            if core[j].isupper()
            and (core[j - 1].islower() or (core[j - 1].isupper() and core[j + 1 : j + 2].islower()))
        ]
        if len(joins) > WORD_MAX_JOINS:
            continue
        for j in joins:
            phrase = " ".join([core[j:], *words[i + 1 : i + 4]])[:MARK_MAX_CHARS]
            for k in range(len(phrase), 3, -1):
                seen[phrase[:k]] += 1
            if core[0].isupper():
                before = _capitalized_before(words, i)
                for start in range(len(before) + 1):
                    seen[" ".join([*before[start:], core[:j]])[-MARK_MAX_CHARS:]] += 1
        if len(core) <= 30 and re.fullmatch(r"[A-Z][a-z]{2,}", core) and zipf(core) < 2.0:
            for j in range(2, len(core) - 1):
                head, rest = core[:j], core[j:]
                if zipf(head) >= 2.0 and zipf(rest) >= 3.0:
                    before = _capitalized_before(words, i)
                    for start in range(len(before) + 1):
                        seen[" ".join([*before[start:], head])] += 1
    return seen


@dataclass(frozen=True)
class _Occurrence:
    start: int
    end: int
    replacement: str
    glued: bool  # touches letters on at least one side
    repairs_words: bool  # removing it leaves known words (the evidence that it is noise)
    mention: bool  # stands alone after "the", "told", ...: a legitimate mention


def _occurrences(text: str, mark: str, vocabulary: Counter[str]) -> list[_Occurrence]:
    """Every occurrence of ``mark`` in ``text``, with what removing it would do."""
    found: list[_Occurrence] = []
    for match in re.finditer(re.escape(mark), text):
        start, end = match.start(), match.end()
        glued_left = start > 0 and text[start - 1].isalpha()
        glued_right = end < len(text) and text[end].isalpha()
        before = text[max(0, start - 80) : start]  # bounded windows keep this linear
        after = text[end : end + 80]
        left = re.search(r"[A-Za-z'’-]*$", before)
        right = re.match(r"[A-Za-z'’-]*", after)
        if glued_left and glued_right:
            joined = (left.group() if left else "") + (right.group() if right else "")
            repaired = [p for p in re.split(r"[-'’]", joined) if p]
        elif glued_left or glued_right:
            piece = right if glued_right else left
            repaired = [piece.group()] if piece else []
        else:
            word = re.search(r"(\S+)\s+$", before)
            previous = word.group(1).strip('"“(') if word else ""
            glued = _split(previous, vocabulary) if previous else None  # "withthe World Times"
            last = (glued or previous).split(" ")[-1]
            mention = last.lower() in _MENTION
            found.append(_Occurrence(start, end, "", False, False, mention))
            continue
        repairs_words = bool(repaired) and all(_is_repaired_word(p, vocabulary) for p in repaired)
        replacement = " " if glued_left and not glued_right else ""
        found.append(_Occurrence(start, end, replacement, True, repairs_words, False))
    return found


def _letters_before(text: str, start: int) -> str:
    match = re.search(r"[A-Za-z]*$", text[max(0, start - 40) : start])
    return match.group() if match else ""


def _letters_after(text: str, end: int) -> str:
    match = re.match(r"[A-Za-z]*", text[end : end + 40])
    return match.group() if match else ""


def _plain_vocabulary(text: str) -> Counter[str]:
    """Tokens of ``text`` with no capital inside them: what the article itself spells as words.

    Tokens such as "mutWorld" are left out, so noise never vouches for noise.
    """
    return Counter(t for t in _TOKEN.findall(text) if not any(c.isupper() for c in t[1:]))


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
    for _ in range(WATERMARK_MAX_ROUNDS):
        _check_budget()
        vocabulary = _plain_vocabulary(text)
        best: tuple[int, int, list[_Occurrence]] | None = None
        for mark, count in _candidates(text).most_common(200):
            _tick()
            if count < WATERMARK_MIN_REPAIRS or len(mark) < 4 or mark != mark.strip():
                continue
            occurrences = _occurrences(text, mark, vocabulary)
            # The letters each repairing occurrence touches. A name such as "Northwind"
            # repeats with the same neighbours every time; a watermark lands by different ones.
            contexts = {
                (_letters_before(text, o.start), _letters_after(text, o.end))
                for o in occurrences
                if o.glued and o.repairs_words
            }
            if len(contexts) >= WATERMARK_MIN_REPAIRS:
                score = (len(contexts), len(mark), occurrences)
                if best is None or score[:2] > best[:2]:
                    best = score
        if best is None:
            break
        pieces: list[str] = []
        last = 0
        for o in best[2]:
            if o.mention:
                continue
            removed.append(Removal("watermark", text[o.start : o.end], o.start, o.replacement))
            pieces += [text[last : o.start], o.replacement]
            last = o.end
        text = "".join([*pieces, text[last:]])
    return re.sub(r"  +", " ", text), sorted(removed, key=lambda r: r.position)


# --- 6. glued words ----------------------------------------------------------------------------

GLUE_PART_MIN_ZIPF = 3.5  # both halves must be common words ("they" 6.5, "have" 6.7)
GLUE_MAX_ZIPF = 3.5  # the glued token itself must be rare ("theyhave" 1.1, web-typo "ofthe" 3.3)
GLUE_MARGIN = 2.5  # and much rarer than its halves ("nowhere" 4.6 vs "no"/"where" 5.9: kept)
# "theXinhua": only a very common word may run into a name ("the" 7.7; not "por" 3.6).
GLUE_CAMEL_LEFT_MIN_ZIPF = 5.0
_INFLECTIONS = ("s", "es", "ed", "d", "ing", "er", "ers", "ly")
# Two common English words glued together are rarely longer than 25 letters; a longer run of
# letters is not split (trying every split point of a 3 MB "word" was quadratic).
GLUE_MAX_CHARS = 40


def _split(token: str, vocabulary: Counter[str]) -> str | None:
    """The two words ``token`` is glued from, or None when it should stay as it is."""
    if len(token) > GLUE_MAX_CHARS:
        return None
    rarity = zipf(token)
    if vocabulary[token] > 1 or rarity >= GLUE_MAX_ZIPF:
        return None
    if any(
        token.endswith(suffix)
        and len(token) - len(suffix) >= 4
        and zipf(token[: -len(suffix)]) >= 2.5
        for suffix in _INFLECTIONS
    ):
        return None  # an inflected word ("downturns", "outsourced"), not two glued ones
    camel = [j for j in range(1, len(token)) if token[j - 1].islower() and token[j].isupper()]
    if token[0].islower() and len(camel) == 1:
        left, right = token[: camel[0]], token[camel[0] :]
        if zipf(left) >= GLUE_CAMEL_LEFT_MIN_ZIPF and _is_word(right, vocabulary, 2.0):
            return f"{left} {right}"
        return None
    if not token.islower() or camel:
        return None  # names and capitalized words are never split
    best: tuple[float, str] | None = None
    for j in range(1, len(token)):
        left, right = token[:j], token[j:]
        if (len(left) == 1 and left != "a") or (len(right) == 1 and right != "a"):
            continue
        score = min(zipf(left), zipf(right))
        if (
            score >= GLUE_PART_MIN_ZIPF
            and score - rarity >= GLUE_MARGIN
            and (best is None or score > best[0])
        ):
            best = (score, f"{left} {right}")
    return best[1] if best else None


def split_glued(text: str) -> tuple[str, list[Removal]]:
    """Split words run together ("theyhave" -> "they have", "theXinhua" -> "the Xinhua")."""
    vocabulary = Counter(_TOKEN.findall(text))
    removed: list[Removal] = []
    out: list[str] = []
    last = 0
    for match in re.finditer(r"(?<![\w-])[A-Za-z]{5,}(?![\w-])", text):
        _tick()
        split = _split(match.group(), vocabulary)
        if split:
            removed.append(Removal("glued", match.group(), match.start(), split))
            out.append(text[last : match.start()] + split)
            last = match.end()
    out.append(text[last:])
    return "".join(out), removed


def diff(raw: str, cleaned: str, name: str = "article") -> str:
    """A unified diff, line by line, from the raw input to the cleaned text."""
    import difflib

    before = [line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip()]
    after = [line for line in cleaned.split("\n") if line]
    lines = difflib.unified_diff(before, after, f"{name} (raw)", f"{name} (clean)", n=0)
    return "\n".join(line.rstrip("\n") for line in lines)


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
            and not _CHROME.match(line)
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


def clean_article(raw: str, content_type: str = "text/plain") -> CleanArticle:
    """Clean an article of either content type: HTML is extracted first, then cleaned as text."""
    if content_type != "text/html":
        return clean_text(raw)
    with _budgeted():
        text, metadata = extract_html(raw)
        _check_budget()
        cleaned = clean_text(text, title=metadata.pop("title", None))
    stats = {"html_chars": len(raw), "extracted_chars": len(text), **cleaned.stats}
    return replace(cleaned, stats=stats, metadata=metadata)


def clean_text(raw: str, *, title: str | None = None) -> CleanArticle:
    """Run every cleaning pass over ``raw``; ``title`` when the source gave one (HTML)."""
    with _budgeted():
        return _clean_text(raw, title)


def _clean_text(raw: str, title: str | None) -> CleanArticle:
    removed: list[Removal] = []
    text = raw
    for _ in range(3):  # repairing mojibake can expose more of it; stop at a fixed point
        before = text
        for step in (fix_mojibake, normalize):
            text, found = step(text)
            removed += found
            _check_budget()
        if text == before:
            break
    text, found = cut_footer(text)
    removed += found
    title = title or guess_title(text)
    for step in (lambda t: remove_chrome(t, title), remove_watermarks, split_glued):
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
