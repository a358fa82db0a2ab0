"""Statements: the clause a commitment or a view says, its condition and its stance.

From a sentence and the cue that marks it, these rules cut the committed act or the stated view
("will cut rates by June" from "The bank said it will cut rates by June, if inflation eases"),
tell commitments from forecasts and reports, and choose a view's stance among the ones its cue
words allow. Everything returned is a span of the sentence, so it is grounded by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..schemas import Position
from .actors import actor_candidates
from .experts import speaks
from .sentences import QUOTE_MARK, is_question

_CLAUSE_END = re.compile(
    r",\s+(?:and|but|which|while|according|so as|as well as|adding|regardless)\b|;|:|, said\b"
    r"|\s+(?:said|according to)\b|,\s+(?:[A-Z][\w-]*\s+){1,3}(?:said|says)\b"
)


_TRAILING = re.compile(r"(?:[\s,]+(?:and|or|but|firmly|also|to|further))+$", re.IGNORECASE)


_LEAD_IN = re.compile(r"^(?:to|that|further|also|continue to|jointly|firmly|\s)+", re.IGNORECASE)


def clause_after(sentence: str, start: int, stop: int | None = None, max_words: int = 30) -> str:
    """The clause from ``start`` to its end (or ``stop``), cut to ``max_words`` at a comma.

    A quotation mark ends it too: what follows a closing quote is the attribution ("...,"
    Moreau told the Daily Planet), and a quote character in a choice broke llama.cpp's grammar.
    """
    rest = sentence[start:stop]
    quote = QUOTE_MARK.search(rest)
    if quote:
        rest = rest[: quote.start()]
    end = _CLAUSE_END.search(rest)
    clause = rest[: end.start()] if end else rest
    clause = _TRAILING.sub("", clause.strip().rstrip(".,!?"))
    words = clause.split()
    if len(words) > max_words:
        cut = " ".join(words[:max_words])
        clause = cut[: cut.rfind(",")] if "," in cut else cut
    return clause.strip(" ,")


def commitment_options(sentence: str, cues: re.Pattern[str], limit: int = 3) -> list[str]:
    """What follows each commitment cue ("will", "pledged to", ...): the possible commitments."""
    options: list[str] = []
    matches = list(cues.finditer(sentence))
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        stop = following.start() if following else None
        clause = _LEAD_IN.sub("", clause_after(sentence, match.end(), stop)).strip()
        if len(clause.split()) >= 2 and clause not in options:
            options.append(clause)
    return options[:limit]


def stance_options(sentence: str, cues: re.Pattern[str], limit: int = 3) -> list[str]:
    """Each stance cue with what follows it ("firmly opposes any form of ..."): the statements."""
    options: list[str] = []
    matches = list(cues.finditer(sentence))
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        stop = following.start() if following else None
        clause = clause_after(sentence, match.start(), stop)
        if len(clause.split()) >= 2 and clause not in options:
            options.append(clause)
    return options[:limit]


_DANGLING = {
    "to", "of", "in", "for", "on", "at", "by", "with", "from", "into", "the", "a", "an", "and",
    "or", "its", "their", "his", "her", "that", "which", "as", "than", "suited", "such",
}  # fmt: skip


def topic_of(statement: str, max_words: int = 12) -> str:
    """The object of a stance statement: what follows its verb, in a few words, never ending on
    a word that needs more after it ("... suited to", "... of the")."""
    words = statement.split()[1:]
    if words and words[0].lower() in {"for", "to", "of", "on"}:
        words = words[1:]
    return " ".join(without_dangling(words[:max_words])).rstrip(",")


def without_dangling(words: list[str]) -> list[str]:
    """``words`` without the trailing ones that need more after them ("suited to", "of the")."""
    words = list(words)
    while len(words) > 1 and words[-1].lower().strip(",;:") in _DANGLING:
        words.pop()
    return words


# Where a clause may start: the sentence's start, after punctuation, "that", "and" before a
# verb phrase ("and firmly supports", not "and Russia" or "and the EU"), or a speech verb
# ("said China would ...").
_CLAUSE_START = re.compile(
    r"^|[,;:]\s+|\b(?:that|but|while|whereas|as)\s+"
    r"|\band\s+(?=[a-z])(?!(?:the|a|an|its|their|his|her|both|all|each)\b)"
    r"|\b(?:said|says|stated|added|noted|stressed|reiterated|expressed)\s+(?=[A-Z])"
)


# A clause opening with a name or a determiner has its subject; a pronoun refers further back.
_SUBJECT = re.compile(r"(?:[A-Z][\w’'-]*|the|both|all|each|many|most|some|this|these|those)\b")


_PRONOUN = re.compile(r"(?:it|they|he|she|we)\b", re.IGNORECASE)


def whole_view(sentence: str, view: str) -> str:
    """``view`` through the quoted words it stops before: a clause cut at a quotation mark
    ("opposes any form of" before "“Taiwan independence”") ends on a word that needs more, so
    the quoted words belong to it. Otherwise ``view`` itself."""
    at = sentence.find(view)
    words = view.split()
    if at < 0 or not words or words[-1].lower() not in _DANGLING:
        return view
    quoted = re.match(r"\s*[“\"][^”\"]{1,80}[”\"]", sentence[at + len(view) :])
    return view + quoted.group() if quoted else view


def statement_of(sentence: str, view: str, cues: re.Pattern[str] | None = None) -> str:
    """The article's own clause that states ``view`` (a span of ``sentence`` that ends with it):
    from the start of its clause, or of the clause before when this one opens without a subject
    ("firmly supports ...", "they will support ..."), never actor and view glued together; and
    never back over another of the sentence's ``cues`` (another view is another position)."""
    at = sentence.find(view)
    if at < 0:
        return view
    starts = [m.end() for m in _CLAUSE_START.finditer(sentence) if m.end() <= at]
    span = view
    for index, start in enumerate(reversed(starts)):
        if cues is not None and index > 0 and cues.search(sentence[start:at]):
            break  # going back would take in another view
        span = sentence[start : at + len(view)].strip()
        if _SUBJECT.match(span) and not _PRONOUN.match(span):
            break
    conjunction = re.match(r"(?:and|but|or)\s+", span)  # ", and firmly opposes ..."
    if conjunction and conjunction.end() <= len(span) - len(view):
        span = span[conjunction.end() :]
    span = span.rstrip(" ,;:")
    return span if span.endswith((".", "!", "?")) else f"{span}."


# --- sentences with a cue that state no commitment ---------------------------------------------

_COUNTERFACTUAL = re.compile(
    r"(?:would|could|should|might)(?:\s+not|n['’]t)?\s+have\b|would['’]ve\b"
)


_FORECASTERS = re.compile(
    r"\b(?:analysts?|experts?|economists?|observers|scholars|researchers)\s+(?:said|say|says"
    r"|believe|believes|expect|expects|predict|predicts|noted|warned)\b",
    re.IGNORECASE,
)


def not_a_commitment(
    sentence: str, cues: re.Pattern[str], specialists: Iterable[str] = ()
) -> str | None:
    """Why a sentence with a commitment cue commits nobody to anything, or None: it is a
    question; its cue is counterfactual ("would have been", "would've"); or it is a forecast,
    said by analysts ("analysts said the deal will ...") or by one of the ``specialists`` the
    article quotes."""
    if is_question(sentence):
        return "a question"
    cue = cues.search(sentence)
    if cue is not None and _COUNTERFACTUAL.match(sentence.lower(), cue.start()):
        return "a counterfactual"
    if _FORECASTERS.search(sentence) or any(speaks(name, sentence) for name in specialists):
        return "a forecast by an analyst"
    return None


_CONDITION = re.compile(
    r"\b(?:if|unless|provided that|as long as|on condition that|once)\b[^,;.]*", re.IGNORECASE
)


def condition_of(sentence: str) -> str | None:
    """The conditional clause of a sentence ("if ...", "unless ...", "provided that ...")."""
    match = _CONDITION.search(sentence)
    return match.group().strip() if match else None


def stance_choices(views: list[str], polarity: Mapping[str, str]) -> list[str]:
    """The stances a model may give for ``views``: those their first words are known to carry.

    ``polarity`` maps lower-case cue words to a stance. A view whose cue is unknown allows
    "neutral"; views of different stances also allow "mixed".
    """
    found: list[str] = []
    for view in views:
        lowered = view.lower()
        stance = next(
            (
                s
                for word, s in sorted(polarity.items(), key=lambda kv: -len(kv[0]))
                if lowered == word or lowered.startswith(word + " ")
            ),
            "neutral",
        )
        if stance not in found:
            found.append(stance)
    if len(found) > 1:
        found.append("mixed")
    return found


def rule_positions(
    sentence: str,
    views: list[str],
    polarity: Mapping[str, str],
    cues: re.Pattern[str],
    actor: str | None = None,
) -> list[Position]:
    """A position for each of a sentence's ``views`` (see :func:`stance_options`), the stance
    its cue's polarity (:func:`view_stance`), the topic and the statement the article's own
    words (:func:`whole_view`, :func:`statement_of`). The actor: for a view whose clause has no
    subject of its own ("..., firmly opposes X and firmly supports Y") the actor of the view
    before it (or ``actor``, the one a model chose); else the nearest name before the view."""
    positions: list[Position] = []
    for view in views:
        position = view_position(sentence, view, "", view_stance(view, polarity), cues)
        own_subject = position.statement[:1].isupper() or _SUBJECT.match(position.statement)
        # the nearest name before the view (measured better on real articles than the first
        # name of the view's clause: 0.061 against 0.038 F1 for the floor)
        nearest = actor_candidates(sentence, sentence.find(view))[:1]
        chosen = (nearest[0] if nearest else None) if own_subject or not actor else actor
        if chosen is None:
            continue
        positions.append(position.model_copy(update={"actor": chosen}))
        actor = chosen
    return positions


def view_stance(view: str, polarity: Mapping[str, str]) -> str:
    """The stance a view's cue word carries ("condemns ..." opposes), "neutral" if unknown."""
    return stance_choices([view], polarity)[0]


def view_position(
    sentence: str, view: str, actor: str, stance: str, cues: re.Pattern[str]
) -> Position:
    """A position on ``view`` of ``sentence``: topic and statement in the article's words."""
    view = whole_view(sentence, view)
    return Position(actor=actor, topic=topic_of(view), stance=stance,
                    statement=statement_of(sentence, view, cues), evidence=sentence)  # fmt: skip
