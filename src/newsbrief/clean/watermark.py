"""5. Watermarks: a string injected over and over, often inside words ("mutWorld Timesual"),
found because removing it turns non-words back into words; legitimate mentions ("told the
World Times") stay."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .. import budget
from .glued import split_token
from .options import DEFAULT, CleanOptions
from .records import Removal
from .words import FUNCTION_WORDS, zipf

# Words that introduce a legitimate mention of an outlet: "told the World Times".
_MENTION = {
    "the", "a", "an", "to", "told", "in", "by", "from", "of", "said", "says", "with", "at",
    "for", "on", "and", "or", "per", "via", "as",
}  # fmt: skip


def _capitalized_before(words: list[str], i: int) -> list[str]:
    """Up to three capitalized words right before ``words[i]``."""
    before: list[str] = []
    for previous in reversed(words[max(0, i - 3) : i]):
        if not re.fullmatch(r"[A-Z][a-z]+", previous):
            break
        before.insert(0, previous)
    return before


# What a word can contribute to the candidates, from the word alone: its core (without
# punctuation), where a capital is glued inside it, a mark with digits at its start, and the
# capitalized heads it may start with. None: nothing.
_Shape = tuple[str, list[int], str | None, list[str]]


def _candidates(
    text: str, shapes: dict[str, _Shape | None] | None = None, options: CleanOptions = DEFAULT
) -> Counter[str]:
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
        budget.tick()
        word = words[i]
        if word in shapes:
            shape = shapes[word]
        else:
            shape = shapes[word] = _word_shape(word, options)
        if shape is None:
            continue
        core, joins, digits, heads = shape
        for j in joins:
            phrase = " ".join([core[j:], *words[i + 1 : i + 4]])[: options.mark_max_chars]
            for k in range(len(phrase), 3, -1):
                seen[phrase[:k]] += 1
            if core[0].isupper():
                before = _capitalized_before(words, i)
                for start in range(len(before) + 1):
                    seen[" ".join([*before[start:], core[:j]])[-options.mark_max_chars :]] += 1
        if digits is not None:
            seen[digits] += 1
        for head in heads:
            before = _capitalized_before(words, i)
            for start in range(len(before) + 1):
                seen[" ".join([*before[start:], head])] += 1
    return seen


def _word_shape(word: str, options: CleanOptions) -> _Shape | None:
    core = word.strip(".,;:!?\"'“”‘’()")
    if len(core) > options.word_max_chars or len(core) < 2:
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
        if len(joins) > options.word_max_joins:
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
    text: str,
    mark: str,
    vocabulary: Counter[str],
    options: CleanOptions,
    starts: list[int] | None = None,
) -> list[_Occurrence]:
    """Every occurrence of ``mark`` in ``text``, with what removing it would do.

    With ``starts`` (every position where ``mark`` may begin, ascending: see
    :func:`_mark_starts`), only those glued to letters, all that judging a candidate needs."""
    found: list[_Occurrence] = []
    spans: Iterator[tuple[int, int]]
    if starts is None:
        spans = ((m.start(), m.end()) for m in re.finditer(re.escape(mark), text))
    else:
        spans = _spans(text, mark, starts)
    for start, end in spans:
        glued_left = start > 0 and text[start - 1].isalpha()
        glued_right = end < len(text) and text[end].isalpha()
        if glued_left or glued_right:
            found.append(
                _glued(text, mark, (start, end), (glued_left, glued_right), vocabulary, options)
            )
        elif starts is None:
            found.append(_standing(text, start, end, vocabulary, options))
    return found


def _standing(
    text: str, start: int, end: int, vocabulary: Counter[str], options: CleanOptions
) -> _Occurrence:
    """An occurrence that touches no letters: a mention when the word before it introduces
    one ("told the World Times", or glued: "withthe World Times")."""
    before = text[max(0, start - 80) : start]  # bounded windows keep this linear
    word = re.search(r"(\S+)\s+$", before)
    previous = word.group(1).strip('"“(') if word else ""
    glued = split_token(previous, vocabulary, options) if previous else None
    last_word = (glued or previous).split(" ")[-1]
    mention = last_word.lower() in _MENTION
    return _Occurrence(start, end, "", False, False, mention)


def _glued(
    text: str,
    mark: str,
    span: tuple[int, int],
    sides: tuple[bool, bool],
    vocabulary: Counter[str],
    options: CleanOptions,
) -> _Occurrence:
    """An occurrence glued to letters on the ``sides`` (left, right) it touches, and whether
    removing it repairs the words around it."""
    (start, end), (glued_left, glued_right) = span, sides
    lefts = _run_before(text[max(0, start - 80) : start], _WORDISH)
    right = _WORDISH_RUN.match(text, end, end + 80)
    rights = right.group() if right else ""
    # The word as it stands must be unknown: "MacBook", "iPhone", "Nationally" are words.
    if " " not in mark:
        as_written = [lefts + mark + rights]
    else:  # either side of a phrase may happen to make a word ("Hubers"); one must not
        first, last = mark.partition(" ")[0], mark.rpartition(" ")[2]
        as_written = [w for w in ((lefts + first) * glued_left, (last + rights) * glued_right)]
    unknown = any(
        zipf(_POSSESSIVE.sub("", w).lower()) < options.watermark_word_max_zipf
        for w in as_written
        if w
    )
    # Glued only after a capital ("USSecretary"), it is two words run together, not
    # evidence of noise; inside a word ("MWorld Timesonday") it is.
    lower = glued_right or not glued_left or text[start - 1].islower()
    if not (unknown and lower):
        repaired: list[str] = []
    elif glued_left and glued_right:
        repaired = [p for p in re.split(r"[-'’]", lefts + rights) if p]
    else:
        piece = rights if glued_right else lefts
        # Glued at one end, the other piece stood as a word already: it must be a common
        # one ("measures"), not a name's remnant ("dia" of "Meridia").
        common = len(piece) >= 3 and (vocabulary[piece] or zipf(piece) >= 3.0)
        repaired = [piece] if common else []
    if glued_left and not glued_right and lefts.lower() in FUNCTION_WORDS:
        repaired = []  # "saidTarvia": a function word run into a name (the glued pass)
    # A repair may leave two glued words ("theMetro Ledgertown" -> "thetown"), which the
    # glued pass then splits.
    repairs_words = bool(repaired) and all(
        _is_repaired_word(p, vocabulary) or _splits_into_words(p, vocabulary, options)
        for p in repaired
    )
    replacement = " " if glued_left and not glued_right else ""
    lower_glue = (glued_left and text[start - 1].islower()) or (glued_right and text[end].islower())
    return _Occurrence(start, end, replacement, True, repairs_words, False, bool(lower_glue))


# Characters of a mark's start by which the positions it may begin are found (speed only: the
# marks found are the same for any length).
MARK_KEY = 4


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


def _splits_into_words(piece: str, vocabulary: Counter[str], options: CleanOptions) -> bool:
    """Two glued words of three letters or more ("thetown"; not "froma" of "fromTarvia")."""
    split = split_token(piece, vocabulary, options) if piece.islower() else None
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


# Letters around an edit re-read to update the vocabulary (speed only: past it, the whole text
# is read again).
VOCABULARY_WINDOW_MAX = 256


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


def remove_watermarks(text: str, options: CleanOptions = DEFAULT) -> tuple[str, list[Removal]]:
    """Find strings injected into the text (often inside words) and remove them.

    A candidate is a capitalized phrase seen glued to other letters at least twice. It is a
    watermark when removing it repairs words next to at least ``watermark_min_repairs``
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
    repairs = options.watermark_min_repairs
    for _ in range(options.watermark_max_rounds):
        budget.check()
        best: tuple[int, int, str] | None = None
        marks = [
            mark
            for mark, count in _candidates(text, shapes, options).most_common(200)
            if count >= repairs and len(mark) >= 4 and mark == mark.strip()
        ]
        starts = _mark_starts(text, marks)
        for mark in marks:
            budget.tick()
            plain = mark.isalpha() and mark[1:] in (mark[1:].lower(), mark[1:].upper())
            if plain and zipf(mark.lower()) >= options.watermark_plain_word_max_zipf:
                continue
            occurrences = _occurrences(text, mark, vocabulary, options, starts[mark[:MARK_KEY]])
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
            if len(contexts) >= repairs and touches_lower:
                score = (len(contexts), len(mark), mark)
                if best is None or score[:2] > best[:2]:
                    best = score
        if best is None:
            break
        edits = [o for o in _occurrences(text, best[2], vocabulary, options) if not o.mention]
        removed += [Removal("watermark", text[o.start : o.end], o.start, o.replacement)
                    for o in edits]  # fmt: skip
        vocabulary = _vocabulary_after(vocabulary, text, edits)
        text = _edited(text, edits, 0, len(text))
    return re.sub(r"  +", " ", text), sorted(removed, key=lambda r: r.position)


def _is_repaired_word(word: str, vocabulary: Counter[str]) -> bool:
    """A word a repair may produce: known, or spelled so elsewhere; never one or two letters
    that merely look known ("gt", "ua")."""
    return vocabulary[word] > 0 or (len(word) >= 3 and zipf(word) >= 2.5)
