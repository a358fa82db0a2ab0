"""Word lists the passes judge words by: wordfreq's English frequencies (:func:`zipf`), the
function words of English prose, and whether a text is English at all (:func:`looks_english`)."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from functools import cache

from .options import DEFAULT, CleanOptions

# A word as the passes count them: letters, then letters and apostrophes.
TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]*")
# Function words: prose is full of them in lower case; menus, labels and headlines are not.
FUNCTION_WORDS = frozenset(
    "the a an of to in on for with by from at as and or but that this these those is are was "
    "were be been being has have had will would could should may might can not no it its he "
    "she they we you his her their our your who which what when where while after before than "
    "then so if because about over into said says told also there here".split()
)

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


def looks_english(text: str, options: CleanOptions = DEFAULT) -> bool:
    """Whether ``text`` reads as English: the word passes judge words by an English word list,
    and on another language they would "repair" its ordinary words ("diesen" -> "dies en").
    A text is taken for English unless the function words of other languages outnumber
    English ones (a short or odd text gets the benefit of the doubt)."""
    sample = options.english_sample_words
    words = [w.lower() for w in TOKEN.findall(text[: sample * 12])]
    words = words[:sample]
    english = sum(w in FUNCTION_WORDS for w in words)
    foreign = sum(w in _FOREIGN for w in words)
    return foreign <= english
