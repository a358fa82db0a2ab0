"""6. Glued words: two words run together ("theyhave", "theXinhua", "rescuework", "percentof")
are split, conservatively: never a word the lists know, a capitalized word (but a common word
run into a name: "claimedHouthis"), a word the article uses elsewhere, or an address."""

from __future__ import annotations

import re
from collections import Counter
from itertools import accumulate

from .. import budget
from .options import DEFAULT, CleanOptions
from .records import Removal
from .words import FUNCTION_WORDS, TOKEN, zipf

# "theXinhua", "saidTrump": only a function word runs into a capitalized word ("watchOS",
# "iSight" stay).
_INFLECTIONS = ("s", "es", "ed", "d", "ing", "er", "ers", "ly")
# Two capitalized words run together ("NoemKristi", "USSecretary"): split only when the token
# is unknown, appears once, and each part stands alone elsewhere in the article (brands such as
# "SunExpress" or "StackAdapt" have parts that do not).
_CAPS_JOIN = re.compile(r"([A-Z][a-z]+|[A-Z]{2,4})([A-Z][a-z]{2,})")
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


def split_token(
    token: str, vocabulary: Counter[str], options: CleanOptions = DEFAULT, depth: int = 0
) -> str | None:
    """The words ``token`` is glued from (two, or three with a function word first), or None
    when it should stay as it is; ``vocabulary`` counts the article's words."""
    if len(token) > options.glue_max_chars:
        return None
    rarity = zipf(token)
    # A token the article repeats is a word, unless a function word is glued on ("thetwo").
    repeated = vocabulary[token] > 1
    if rarity >= options.glue_max_zipf:
        return None
    if _inflected(token):
        return None  # an inflected word ("downturns", "outsourced"), not two glued ones
    camel = [j for j in range(1, len(token)) if token[j - 1].islower() and token[j].isupper()]
    if token[0].islower() and len(camel) == 1:
        return _split_camel(token[: camel[0]], token[camel[0] :], rarity, repeated, options)
    caps = _CAPS_JOIN.fullmatch(token)
    unknown = options.glue_unknown_zipf
    if caps and zipf(token.lower()) < unknown and not repeated:
        left, right = caps.groups()
        if vocabulary[left] and vocabulary[right]:
            return f"{left} {right}"
        return None
    if not token.islower() or camel:
        return None  # names and other capitalized words are never split
    best = _two_words(token, rarity, repeated, options)
    if best is None and rarity < unknown and not repeated:
        best = _split_unknown(token, options)
    if best is None and depth == 0 and rarity < unknown:
        # Three words: a function word, then two more glued ("saidtheyopposed").
        for j in range(2, min(len(token) - 4, 6)):
            left, rest = token[:j], token[j:]
            if left in FUNCTION_WORDS and left not in _PREFIXES:
                inner = split_token(rest, vocabulary, options, depth + 1)
                if inner:
                    return f"{left} {inner}"
    return best[1] if best else None


def _two_words(
    token: str, rarity: float, repeated: bool, options: CleanOptions
) -> tuple[float, str] | None:
    """The likeliest reading of a lower-case ``token`` (Zipf ``rarity``) as two words, with
    the sum of their Zipf values: both parts words, and the pair likelier than the token by
    ``glue_margin``, or the token unknown (or rare) and a function word or a very common word
    one of its parts."""
    best: tuple[float, str] | None = None
    lowest = options.glue_lowest_part_zipf
    unknown = options.glue_unknown_zipf
    for j in range(1, len(token)):
        left, right = token[:j], token[j:]
        if (len(left) == 1 and left != "a") or (len(right) == 1 and right != "a"):
            continue
        left_zipf = zipf(left)
        if left_zipf < lowest:
            continue  # too rare a part whatever the other is (a lookup saved per split point)
        low, high = sorted((left_zipf, zipf(right)))
        function = (
            left in FUNCTION_WORDS
            and left not in _PREFIXES
            and (len(right) >= 3 or right in FUNCTION_WORDS)
        ) or (right in _GLUED_AFTER and len(left) >= 3)
        function = function or (
            right in _GLUED_AFTER_SHORT
            and len(left) >= 4
            and left_zipf >= options.glue_short_left_zipf
        )
        if low < (options.glue_function_part_min_zipf if function else options.glue_part_min_zipf):
            continue
        likelier = not repeated and low + high - 9 - rarity >= options.glue_margin
        very_common = high >= options.glue_common_zipf and not repeated
        common = (rarity < unknown and (function or (very_common and left not in _PREFIXES))) or (
            rarity < options.glue_typo_zipf and function
        )
        if (likelier or common) and (best is None or low + high > best[0]):
            best = (low + high, f"{left} {right}")
    return best


def _inflected(token: str) -> bool:
    return any(
        token.endswith(suffix)
        and len(token) - len(suffix) >= 4
        and zipf(token[: -len(suffix)]) >= 2.5
        for suffix in _INFLECTIONS
    )


def _split_camel(
    left: str, right: str, rarity: float, repeated: bool, options: CleanOptions
) -> str | None:
    """A lower-case word run into a capitalized one: after a function word ("theXinhua",
    "saidTrump"), or, when the token is unknown and seen once, after a common word of three
    letters or more ("claimedHouthis", "northernPhilippines"). Brands start with a letter or
    a short or rare word ("iPhone", "eBay", "watchOS") and stay."""
    if not (len(right) >= 2 and right[1:].isalpha()):
        return None
    if left in FUNCTION_WORDS:
        return f"{left} {right}"
    named = len(right) >= 3 and right[1:].islower()
    unknown = rarity < options.glue_unknown_zipf and not repeated
    if named and unknown and len(left) >= 3 and left not in _PRODUCTIVE:
        return f"{left} {right}" if zipf(left) >= options.glue_part_min_zipf else None
    return None


# Prefixes that still form new words ("upsample", "outcompete", "overfund", "asymmetric"): an
# unknown token starting with one is likelier a new word than two glued ones.
_PRODUCTIVE = frozenset("over in up out under on off after be a un re non de pre co".split())


def _split_unknown(token: str, options: CleanOptions) -> tuple[float, str] | None:
    """A token no word list knows, read as two common words: "rescuework",
    "significanthuman", "lookat". Each part is a function word or a word of four letters or
    more and Zipf 3 or more; the first is no productive prefix, the second no head that forms
    compounds ("keywoman", "sealdown"); of the readings, the one with the commonest parts
    wins."""
    if len(token) > options.glue_unknown_max_chars:
        return None
    best: tuple[float, str] | None = None
    for j in range(2, len(token) - 1):
        left, right = token[:j], token[j:]
        if left in _PRODUCTIVE or right in _COMPOUND_HEADS:
            continue
        if _common_part(left, options) and _common_part(right, options, second=True):
            score = zipf(left) + zipf(right)
            if best is None or score > best[0]:
                best = (score, f"{left} {right}")
    return best


# Second parts that make compounds of nearly any word ("spokeman", "coastdown", "lifelike").
_COMPOUND_HEADS = frozenset(
    "man men woman women down up out off over like less ship hood wide ward wards way ways "
    "side".split()
)


def _common_part(word: str, options: CleanOptions, second: bool = False) -> bool:
    if word in FUNCTION_WORDS:
        return word not in _PRODUCTIVE
    if len(word) == 3 and second:
        return zipf(word) >= options.glue_short_part_min_zipf
    return len(word) >= 4 and zipf(word) >= options.glue_part_min_zipf


# A run of letters that may be two words glued (in a capturing group: re.split keeps it); not
# part of an address ("name@site.example", "www.site.example/path").
_GLUE_TOKEN = re.compile(r"(?<![\w'’@./-])([A-Za-z]{5,})(?![\w'’@/-]|\.\w)")


def split_glued(text: str, options: CleanOptions = DEFAULT) -> tuple[str, list[Removal]]:
    """Split words run together ("theyhave" -> "they have", "theXinhua" -> "the Xinhua")."""
    vocabulary = Counter(TOKEN.findall(text))
    parts = _GLUE_TOKEN.split(text)  # text, token, text, token, ..., text
    splits: dict[str, str] = {}  # each distinct token is judged once
    for token in set(parts[1::2]):
        budget.tick()
        split = split_token(token, vocabulary, options)
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
