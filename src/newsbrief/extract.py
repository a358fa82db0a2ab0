"""Pure text helpers for the focused prompt strategy: sentences, candidate actors, experts.

A tiny model cannot read a 2,000-word article and write a faithful list of pledges or quotes, but
it can answer a short question about one sentence, and it can choose among options that a grammar
offers it. These functions find the sentences worth asking about, the actors a sentence names (the
options), and the verbatim quotes and profile of an expert the model has named. Everything they
return is a span of the article, so it is grounded by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .schemas import Position, Quote, QuotedExpert

# A sentence ends at . ! ? or … (or an editor's "[.]" closing a trimmed quote) and up to two
# closing quotation marks or brackets, which stay with it; the space after it goes, before a
# capital, a digit or an opening mark.
_CLOSE = "[\"'”’)]"
_SENTENCE_END = re.compile(
    "(?:"
    + "|".join(
        f"(?<={end}{close})"
        for end in (r"[.!?…]", r"\[[.!?]\]")
        for close in ("", _CLOSE, _CLOSE * 2)
    )
    + ")"
    + r"\s+(?=[\"'“‘(]?[A-Z0-9])"
)
_ABBREVIATIONS = (
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Prof.",
    "St.",
    "U.S.",
    "U.N.",
    "No.",
    "Jan.",
    "Feb.",
)
_INITIAL = re.compile(r"(?:^|\s)[A-Z]\.$")
_CAPITALIZED = re.compile(
    r"(?:[A-Z][\w’'.-]*[\w]|[A-Z])(?:\s+(?:of|for|and|the|de|von|van|al)?\s*[A-Z][\w’'.-]*[\w])*"
)
_GROUPS = re.compile(
    r"\b(?:the two (?:sides|countries|nations|governments|leaders|parties|companies)"
    r"|both (?:sides|countries|nations|governments|parties|companies))\b",
    re.IGNORECASE,
)
# Actors named by their role, not a name: "the mayor", "the central bank", "officials".
_ROLES = (
    r"mayor|governor|minister|ministry|government|president|premier|council|cabinet|company"
    r"|companies|union|unions|court|bank|committee|agency|regulator|party|authorities|officials?"
    r"|spokes(?:man|woman|person)|leaders?|chief|board|police|army|military|parliament|senate"
    r"|administration|firm|operators?|employers?|workers|farmers|teachers|doctors|residents"
    r"|negotiators|lawmakers|ministers|commission|association|alliance|bloc|league|city|state"
)
_ROLE_ACTOR = re.compile(
    rf"\b(?:[Tt]he\s+)(?:[a-z][a-z-]+\s+){{0,2}}(?:{_ROLES})\b|\b(?:officials|negotiators"
    r"|lawmakers|ministers|regulators|unions)\b"
)
_NOT_ACTORS = {
    "The", "A", "An", "In", "On", "At", "It", "He", "She", "They", "We", "I", "This", "That",
    "These", "Those", "According", "Both", "Through", "Noting", "During", "After", "Before",
    "While", "When", "As", "But", "And", "Also", "However", "Its", "Their", "His", "Her",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Internet",
}  # fmt: skip
_QUOTED = re.compile(r"[“\"]([^”\"]{12,}?)[”\"]")
_QUOTE_MARK = re.compile('[“”"]')
_SAID = re.compile(
    r"\b(said|says|told|added|noted|argued|warned|stressed|explained|according to|wrote|stated"
    r"|declared|commented|cautioned|predicted|believes|went on to (?:say|add))\b",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` in order; each is a verbatim span of one paragraph."""
    sentences: list[str] = []
    for paragraph in text.split("\n\n"):
        paragraph = " ".join(paragraph.split("\n"))
        pieces = _SENTENCE_END.split(paragraph)
        merged: list[str] = []
        for piece in pieces:
            # "Dr." or an initial ("J. R. Smith") does not end a sentence
            if merged and (merged[-1].endswith(_ABBREVIATIONS) or _INITIAL.search(merged[-1])):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        sentences.extend(s.strip() for s in merged if s.strip())
    return sentences


def whole_sentences(text: str) -> str:
    """``text`` without a trailing unfinished sentence (kept whole if it has no full stop)."""
    text = " ".join(text.split())
    sentences = split_sentences(text)
    if len(sentences) > 1 and not sentences[-1].endswith((".", "!", "?", "”", '"', "’")):
        sentences = sentences[:-1]
    return " ".join(sentences)


def select_sentences(
    text: str,
    pattern: re.Pattern[str],
    limit: int,
    exclude: Callable[[str], object] | None = None,
) -> list[str]:
    """Up to ``limit`` sentences that ``pattern`` matches (see :func:`cue_pattern`), in order,
    leaving out those for which ``exclude`` is true (:func:`not_a_commitment`)."""
    chosen: list[str] = []
    for sentence in split_sentences(text):
        if len(sentence.split()) < 6 or (exclude is not None and exclude(sentence)):
            continue
        if pattern.search(sentence) and sentence not in chosen:
            chosen.append(sentence)
            if len(chosen) == limit:
                break
    return chosen


def cue_pattern(cues: Iterable[str]) -> re.Pattern[str]:
    """A pattern matching any of ``cues`` as whole words, in any case."""
    words = sorted((re.escape(c) for c in cues), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)


# Words that may follow an actor's name: its verb, an auxiliary, an adverb before the verb.
_VERBISH = re.compile(
    r"(?:will|would|shall|must|can|could|may|might|should|has|have|had|is|are|was|were|also"
    r"|and|or|firmly|jointly|said|says|pledged|pledges|agreed|agrees|vowed|promised|signed"
    r"|announced|reiterated|expressed|supports?|opposes?|welcomed?|rejected|condemned)\b"
)


def _modifier(sentence: str, match: re.Match[str]) -> bool:
    """A two-name compound before a noun modifies it and acts on nothing: "China-Belarus" in
    "the China-Belarus joint communique", "US-China" in "US-China trade talks"."""
    if not re.fullmatch(r"[A-Z][\w’'.]*-[A-Z][\w’'.-]*", match.group().split()[-1]):
        return False
    following = re.match(r"\s+([a-z][\w-]*)", sentence[match.end() :])
    if following is None:
        return False
    word = following.group(1)  # "Ocasio-Cortez criticized", "Rolls-Royce opposes": a verb
    return not (_VERBISH.fullmatch(word) or word.endswith(("ed", "s")))


def actor_candidates(sentence: str, before: int | None = None, limit: int = 4) -> list[str]:
    """Names and groups a sentence mentions: the options a model may choose an actor from.

    With ``before`` (the offset of the verb), names ending before it come first, nearest first,
    because in English the one who acts usually stands just before the verb.
    """
    found: list[tuple[int, int, str]] = []
    for match in _CAPITALIZED.finditer(sentence):
        if _modifier(sentence, match):
            continue
        words = match.group().split()
        while words and words[0] in _NOT_ACTORS:
            words = words[1:]
        while words and words[-1] in {"of", "for", "and", "the"}:
            words = words[:-1]
        if not words:
            continue
        name = " ".join(words).rstrip(".’'")
        if len(name) > 1 and name not in _NOT_ACTORS:
            found.append((match.start(), match.end(), name))
    for match in _GROUPS.finditer(sentence):
        found.append((match.start(), match.end(), match.group()))
    for match in _ROLE_ACTOR.finditer(sentence):
        if not any(start <= match.start() < end for start, end, _ in found):
            found.append((match.start(), match.end(), match.group()))
    found.sort()
    if before is not None:
        preceding = [f for f in found if f[1] <= before]
        following = [f for f in found if f[1] > before]
        found = sorted(preceding, key=lambda f: -f[1]) + following
    unique: list[str] = []
    for _, _, name in found:
        if name not in unique:
            unique.append(name)
    return unique[:limit]


_QUOTE_MARK = re.compile(r'["“”]')
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
    quote = _QUOTE_MARK.search(rest)
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


def _name_pattern(name: str) -> re.Pattern[str]:
    """The full name, or any part of it of three letters or more (surnames, given names)."""
    parts = [p for p in name.split() if len(p) >= 3]
    options = [re.escape(name)] + [re.escape(p) for p in parts]
    return re.compile(r"\b(?:" + "|".join(options) + r")\b")


def _full_or_surname(name: str) -> re.Pattern[str]:
    """The full name or its last word: "John Smith" is not "John Kerry"."""
    return re.compile(rf"\b(?:{re.escape(name)}|{re.escape(name.split()[-1])})\b")


def ground_names(names: Iterable[str], text: str) -> list[str]:
    """Names written in ``text``, in the article's order, without duplicates or parts of a
    longer kept name ("Zhao" when "Zhao Huirong" is kept)."""
    cleaned = [" ".join(n.split()).strip(" .,;:") for n in names]
    present = [n for n in cleaned if len(n) > 2 and re.search(rf"\b{re.escape(n)}\b", text)]
    kept: list[str] = []
    for name in sorted(set(present), key=lambda n: (-len(n), present.index(n))):
        if not any(name in longer for longer in kept):
            kept.append(name)
    return sorted(kept, key=text.find)


def expert_profile(name: str, text: str) -> tuple[str | None, str | None]:
    """Role and affiliation from the apposition that introduces ``name``.

    "Zhao Huirong, an Eastern European studies expert from the Chinese Academy of Social
    Sciences, said ..." gives ("Eastern European studies expert", "Chinese Academy of Social
    Sciences"). Returns (None, None) when the article introduces the name differently.
    """
    match = re.search(
        re.escape(name) + r",\s+(?:an?|the)\s+([^.;“\"]+?),?\s+(?:said|says|told)\b", text
    )
    if not match:
        return None, None
    return split_profile(match.group(1))


_OFFICIAL = re.compile(
    r"\b(?:president|vice president|premier|prime minister|minister|chancellor|secretary"
    r"|spokes(?:person|man|woman)|governor|mayor|senator|congress(?:man|woman)|ambassador"
    r"|king|queen|prince|lawmaker|mp|official|commissioner|general|admiral|ceo|chairman"
    r"|chairwoman|chief executive|director-general)\b",
    re.IGNORECASE,
)


def is_official(name: str, text: str) -> bool:
    """True when the article introduces ``name`` with an office ("Premier Li Qiang",
    "Lukashenko, the president, said"): officials state positions and pledges, they are not
    the independent experts a brief lists as quoted."""
    first = text.find(name)
    if first < 0:
        return False
    before = " ".join(text[max(0, first - 60) : first].split()[-3:])
    role, _ = expert_profile(name, text)
    return bool(_OFFICIAL.search(before) or (role and _OFFICIAL.search(role)))


def _speaks(pattern: re.Pattern[str], name: str, sentence: str) -> bool:
    """Whether ``sentence`` reports the person matched by ``pattern`` speaking.

    The speaker is the nearest name before a speech verb ("Zhao said"), the name whose
    apposition ends at the verb ("Zhao Huirong, an expert at X, said"), or the name right
    after it ("said Zhao", "according to Yang").
    """
    apposition = re.compile(re.escape(name) + r",\s+(?:an?|the)\s+[^.;“\"]+?,?\s+$")
    # Any words set off by commas or dashes between the name (or its surname) and the verb:
    # "NAME, Director General of X, said", "NAME, in remarks to Example.com, said" (a dot
    # inside a word does not end it), "Smith — who has studied trade — said".
    parenthetical = re.compile(
        _full_or_surname(name).pattern
        + r"(?:,|\s+[—–]|\s+-)\s+(?:[^.;“”\",—–]|\.(?=\S))+(?:,|\s*[—–]|\s+-)\s*$"
    )
    for verb in _SAID.finditer(sentence):
        before = sentence[: verb.start()]
        names_before = [m for m in _CAPITALIZED.finditer(before) if m.group() not in _NOT_ACTORS]
        nearest = names_before[-1] if names_before else None
        if nearest and verb.start() - nearest.end() <= 3 and pattern.search(nearest.group()):
            return True
        if apposition.search(before) or parenthetical.search(before):
            return True
        if _named_after(pattern, sentence, verb):
            return True
    return False


def _named_after(pattern: re.Pattern[str], sentence: str, verb: re.Match[str]) -> bool:
    """The name right after the speech verb is the speaker: "said Zhao", "according to Yang",
    "said lead author Professor David Livermore of ...", "according to Rutgers University
    political scholar Kelly Dittmar, ..." (up to six words of title first: capitalised words,
    or any words up to a title such as "scholar" or "Dr.", then capitalised words only)."""
    rest = sentence[verb.end() :]
    name = pattern.search(rest, 0, 100)
    if name is None:
        return False
    words = rest[: name.start()].split()
    if len(words) > 6 or any(w.endswith((",", ";", ":")) or _QUOTE_MARK.search(w) for w in words):
        return False
    titles = [i for i, w in enumerate(words) if _TITLE_WORD.fullmatch(w)]
    if not all(w[:1].isupper() for w in (words[titles[-1] + 1 :] if titles else words)):
        return False
    follows = rest[name.end() :]
    return (
        verb.group().lower() == "according to"
        or re.match(r"(?:[,.;]|\s+(?:of|at|from)\s|\s*$)", follows) is not None
    )


# "He went on to say ...", "She added that ...": the person of the sentence before speaks on;
# so does a sentence that ends in a tag (", he noted.") or carries one (", she said, ...").
_PRONOUN_SPEAKS = re.compile(
    r"(?:He|She)\s+(?:\w+\s+){0,2}?(?:said|says|told|added|noted|argued|warned|stressed"
    r"|explained|called|cautioned|predicted|believes|went on to say)\b"
)
_PRONOUN_TAG = re.compile(
    r",[”\"]?\s+(?:he|she)\s+(?:said|says|added|noted|argued|warned|stressed|explained"
    r"|cautioned|predicted|believes|wrote)\b"
)
# Reported words after the verb before any quotation mark: "said naming the virus ... would".
_REPORTED = re.compile(r"^[\s,]*(?:that\s+)?(?P<words>[^“”\",]+)")


def _reports(sentence: str) -> bool:
    """A sentence with quoted words that also reports speech in the article's words: five or
    more words between the speech verb and the first quotation mark."""
    verb = _SAID.search(sentence)
    if verb is None or not _QUOTE_MARK.search(sentence[verb.end() :]):
        return False
    reported = _REPORTED.match(sentence[verb.end() :])
    return reported is not None and len(reported.group("words").split()) >= 5


def interview_answers(name: str, text: str) -> list[tuple[int, str]]:
    """An interview's answers by ``name``: paragraphs that open with the person's label, the
    full name, the surname or the initials ("Michael Siegel I am ...", "MS Although ...",
    "SIEGEL: We ...", "Dr. Siegel — We ..."), as (offset, words after the label).

    A label a colon sets off counts alone. One set off by a dash or a space counts only in a
    transcript: it answers a question (the paragraph before ends with "?"), the answer opens
    with a capital, and at least two paragraphs are such answers ("U.S. President ..." or
    "Siegel — who has studied ... — said" are not answers of Ursula Smith or of Siegel).
    """
    words = name.split()
    if len(words) < 2:
        return []
    initials = "".join(w[0] for w in words if w[:1].isupper())
    forms = {name, words[-1], name.upper(), words[-1].upper()}
    labels = [re.escape(f) for f in forms if f.strip()]
    if len(initials) >= 2:
        labels += [re.escape(initials), r"\.?".join(initials) + r"\."]
    label = re.compile(
        r"(?:(?:Dr\.?|Prof\.|Professor|Mr\.|Ms\.|Mrs\.)\s+)?(?:"
        + "|".join(sorted(labels, key=len, reverse=True))
        + r")(?:(?P<colon>\s*:\s*)|\s*[—–]\s*|\s+-\s+|\s+)(?P<answer>\S.*)$",
        re.DOTALL,
    )
    colon: list[tuple[int, str]] = []
    other: list[tuple[int, str]] = []
    offset = 0
    before = ""
    for paragraph in text.split("\n\n"):
        match = label.match(paragraph)
        if match and len(match.group("answer").split()) >= 4:
            answer = match.group("answer").strip()
            at = offset + match.start("answer")
            if match.group("colon"):
                colon.append((at, answer))
            elif is_question(before) and re.match(r"[A-Z“\"]", answer):
                other.append((at, answer))
        if paragraph.strip():
            before = paragraph.strip()
        offset += len(paragraph) + 2
    return sorted(colon + (other if len(other) >= 2 else []))


def expert_quotes(name: str, text: str, limit: int = 4) -> list[Quote]:
    """What the article attributes to ``name``, in order: words in quotation marks (direct), and
    sentences that report the name speaking without quoting (indirect), including a next
    sentence that goes on with "He said ...", "She added ..." or ends in ", he noted.", and a
    sentence that reports before it quotes ("said naming it after Wuhan would place
    "tremendous ..."") as indirect too. In an interview, each answer by the name (see
    :func:`interview_answers`) is one direct quote.

    Quoted words count when their paragraph has a sentence in which the name speaks.
    """
    pattern = _name_pattern(name)
    found: list[tuple[int, Quote]] = [
        (at, Quote(text=answer, kind="direct")) for at, answer in interview_answers(name, text)
    ]
    answered = {at for at, _ in found}
    offset = 0
    for paragraph in text.split("\n\n"):
        if any(offset <= at < offset + len(paragraph) for at in answered):
            offset += len(paragraph) + 2
            continue
        speaking: list[str] = []
        spoke = False  # the sentence before names this person speaking
        for sentence in split_sentences(paragraph):
            spoke = _speaks(pattern, name, sentence) or (
                spoke
                and (
                    _PRONOUN_SPEAKS.match(sentence) is not None
                    or _PRONOUN_TAG.search(sentence) is not None
                )
            )
            if spoke:
                speaking.append(sentence)
        if speaking:
            for match in _QUOTED.finditer(paragraph):
                quote = Quote(text=match.group(1).strip(), kind="direct")
                found.append((offset + match.start(), quote))
            for sentence in speaking:
                if not _QUOTE_MARK.search(sentence) or _reports(sentence):
                    quote = Quote(text=sentence, kind="indirect")
                    found.append((offset + paragraph.find(sentence), quote))
        offset += len(paragraph) + 2
    return [quote for _, quote in sorted(found, key=lambda f: f[0])][:limit]


# --- sentences with a cue that state no commitment ---------------------------------------------

_COUNTERFACTUAL = re.compile(
    r"(?:would|could|should|might)(?:\s+not|n['’]t)?\s+have\b|would['’]ve\b"
)
_FORECASTERS = re.compile(
    r"\b(?:analysts?|experts?|economists?|observers|scholars|researchers)\s+(?:said|say|says"
    r"|believe|believes|expect|expects|predict|predicts|noted|warned)\b",
    re.IGNORECASE,
)


def is_question(sentence: str) -> bool:
    """The sentence asks (an interviewer's question, a rhetorical one, a quoted question
    "...?" she asked): it states nothing."""
    return (
        sentence.rstrip("\"'”’) ").endswith("?") or re.search(r"\?[\"”’']\s", sentence) is not None
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
    if _FORECASTERS.search(sentence) or any(
        _speaks(_full_or_surname(name), name, sentence) for name in specialists
    ):
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


def pack(sizes: list[int], budget: int) -> list[tuple[int, int]]:
    """Greedy runs of consecutive items whose sizes add up to at most ``budget``.

    Returns (start, end) index ranges covering every item in order; an item larger than the
    budget gets a run of its own (the caller splits it further).
    """
    runs: list[tuple[int, int]] = []
    start, total = 0, 0
    for i, size in enumerate(sizes):
        if i > start and total + size > budget:
            runs.append((start, i))
            start, total = i, 0
        total += size
    if sizes:
        runs.append((start, len(sizes)))
    return runs


_NUMBER = re.compile(r"\d")


def summary_candidates(
    sentences: list[str], title: str | None, lead: int = 4, limit: int = 8
) -> list[str]:
    """The sentences a summary may be chosen from, in the article's order.

    The first ``lead`` sentences (news puts the main facts first), then the later sentences that
    carry the most of what a summary needs: names, numbers and the title's words.
    """
    title_words = {w.casefold() for w in re.findall(r"\w{4,}", title or "")}

    def weight(sentence: str) -> float:
        names = {m.group() for m in _CAPITALIZED.finditer(sentence)} - _NOT_ACTORS
        words = {w.casefold() for w in re.findall(r"\w{4,}", sentence)}
        numbers = len(_NUMBER.findall(sentence)) > 0
        return len(names) + float(numbers) + 2 * len(words & title_words) / max(1, len(title_words))

    rest = sorted(range(lead, len(sentences)), key=lambda i: -weight(sentences[i]))
    chosen = sorted([*range(min(lead, len(sentences))), *rest[: max(0, limit - lead)]])
    return [sentences[i] for i in chosen]


# --- people quoted, and how the article introduces them ---------------------------------------

# Two to four capitalised words on one line ("J." as an initial), after an optional honorific.
_NAME_WORD = r"(?:\b[A-Z][\w’'-]{1,40}|\b[A-Z]\.)"
_PERSON = rf"(?:(?:Professor|Prof\.|Dr\.?) +)?{_NAME_WORD}(?: +{_NAME_WORD}){{1,3}}"
_HONORIFIC = re.compile(r"^(?:Professor|Prof\.|Dr\.?) +")
# Words that make a capitalised run an organisation or a place, not a person.
_NOT_PERSON = re.compile(
    r"\b(?:Association|Conference|Foundation|Institute|University|Court|House|Journal|Council"
    r"|Committee|Ministry|Department|Agency|Bank|Group|Centre|Center|Organization|Organisation"
    r"|Union|Party|Federation|Forum|Office|Commission|Secretary|Minister|President|Street"
    r"|River|Sea|Republic|Kingdom|States|News|Times|Post)\b"
)
_SPEECH_VERB = (
    r"(?:said|says|told|added|noted|warned|explained|argued|wrote|declared|stated|commented"
    r"|observed|cautioned|estimated|predicted|believes|thinks)"
)
_PROFILE_TEXT = r"(?:an?\s+|the\s+)?(?P<profile>[^.;:“”\"()]{3,160}?)"
_ORG_NAME = r"\b[A-Z][\w’'-]{0,40}(?:\s+(?:of|for|and|the|on|de|du|der)?\s*[A-Z][\w’'-]{0,40}){0,8}"
_TITLE = (
    r"professor|lecturer|scholar|researcher|fellow|analyst|economist|expert|scientist"
    r"|specialist|consultant|strategist|historian|author|candidate|director|\w{1,20}ologist"
    r"|physician|doctor|correspondent|editor"
)
# One word of a title before a name: "scholar", "economist", "Professor", "Dr.".
_TITLE_WORD = re.compile(rf"(?:{_TITLE}|author|prof\.|dr\.?|mr\.|mrs\.|ms\.)s?", re.IGNORECASE)
_INTRODUCTIONS = (
    # "NAME, a ROLE at ORG, said" and "said NAME, a ROLE at ORG."
    re.compile(rf"(?P<name>{_PERSON}),\s+{_PROFILE_TEXT},?\s+{_SPEECH_VERB}\b"),
    re.compile(rf"\b(?:{_SPEECH_VERB}|according to)\s+(?P<name>{_PERSON}),\s+{_PROFILE_TEXT}[,.]"),
    # "ORG political scientist NAME said", "ORG expert, NAME, said": the title before the name.
    re.compile(
        rf"(?P<profile>\b(?:{_ORG_NAME}\s+)?(?:[a-z][\w-]{{0,30}}\s+){{0,3}}\b(?i:{_TITLE})s?)"
        rf"(?:\s+|,\s+)(?P<name>{_PERSON})(?=,?\s+(?:{_SPEECH_VERB})\b|,\s)"
    ),
    # "NAME of the University of X said" / "said NAME of ORG".
    # "... of Osterby officials said": the organisation's people speak, not a person of it.
    re.compile(
        rf"(?P<name>{_PERSON})\s+(?P<profile>of\s+(?:the\s+)?{_ORG_NAME})"
        rf"(?=[,.\s])(?!\s+[a-z]+\s+(?:{_SPEECH_VERB})\b)"
    ),
)
_SPECIALIST_ROLE = re.compile(
    r"\b(?:professor|prof\.|dr\.?|lecturer|scholar|researcher|research|fellow|analyst|economist"
    r"|expert|scientist|specialist|consultant|strategist|historian|\w+ologist|physician|doctor"
    r"|doctoral|academic|lead author|co-author|study|university|institute|institut|academy"
    r"|college|think tank|think-tank|forum|observatory|school of)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Introduced:
    """A person the article introduces and reports speaking: name, the words introducing them."""

    name: str
    profile: str
    at: int

    @property
    def specialist(self) -> bool:
        return _SPECIALIST_ROLE.search(self.profile) is not None


def introduced_people(text: str) -> list[Introduced]:
    """People introduced with a role or affiliation next to a speech verb, first mention first.

    A leading "Professor" or "Dr." is part of the introduction, not of the name.
    """
    found: dict[str, Introduced] = {}
    matches = sorted(
        (m for pattern in _INTRODUCTIONS for m in pattern.finditer(text)), key=lambda m: m.start()
    )
    for match in matches:
        words = match.group("name").split()
        titles: list[str] = []
        # "Professor Leila Haddad", "Economist Yuki Tanaka": the title is introduction.
        while words and (
            _HONORIFIC.match(words[0] + " ")
            or re.fullmatch(_TITLE, words[0].lower())
            or words[0] in _NOT_ACTORS
        ):
            titles.append(words.pop(0))
        name = " ".join(words)
        profile = " ".join([*titles, match.group("profile")]).strip(" ,")
        start = match.start("name")
        if (
            len(words) < 2
            or _NOT_PERSON.search(name)
            # "the Chinese Academy of ...", "of the Five Principles": a person needs no article.
            or re.search(r"\b(?:the|of|an?)\s+$", text[max(0, start - 5) : start], re.IGNORECASE)
            or name in found
            or not _spoken_near(name, text, match.end())
        ):
            continue
        found[name] = Introduced(name=name, profile=profile, at=match.start())
    return list(found.values())


def _spoken_near(name: str, text: str, at: int) -> bool:
    """The introduction's sentence reports speech: a name with a title but no statement is not
    quoted."""
    end = re.compile(r"[.!?](?=\s|$)").search(text, at)  # not the dot of "UOL.com.br"
    sentence = text[max(0, at - 200) : end.start() if end else len(text)]
    speech = re.search(rf"\b{_SPEECH_VERB}\b|\b[Aa]ccording to\b", sentence)
    return name in sentence and speech is not None


# What follows an organisation's name in an introduction and is not part of it: "who has
# studied ...", ", which ...", "in the capital".
_AFTER_ORG = re.compile(r"\s+(?:who|whose|which|that|where|in)\b.*$")
_ORG_WORD = re.compile(
    r"\b(?:University|Institute|Institut|Academy|College|School|Centre|Center|Observatory"
    r"|Forum|Foundation|Council|Group|Hospital|Agency|Association|Society|Laboratory)\b"
)


def split_profile(profile: str) -> tuple[str | None, str | None]:
    """(role, affiliation) of an introduction: "professor of law at X who ..." gives
    ("professor of law", "X"); "deputy director of the X Forum" gives ("deputy director",
    "X Forum"); "X Institute Director" gives ("Director", "X Institute"); "Professor of the
    University of X" gives ("Professor", "University of X"). An honorific ("Dr.") is no role."""
    profile = re.sub(r"^(?:(?:Dr\.?|Prof\.)\s+)+", "", profile.strip(" ,"))
    profile = re.sub(r"^(?:and|or)\s+", "", profile)
    profile = re.sub(r"\s+(?:who|whose|which|that)\b.*$", "", profile)  # "who has studied ..."
    title = ""
    lead = re.match(rf"^(?P<title>(?=[A-Z])(?i:{_TITLE}))\s+(?=\S)", profile)
    if lead:  # "Professor of Boston University", "Economist of the Harbour Research Group"
        title, profile = lead.group("title"), profile[lead.end() :]
    if profile.startswith("of "):
        affiliation = _organisation(profile[3:])
        return title or None, affiliation
    split = re.search(r"\s(?:at|from|with)\s+", profile) or re.search(
        r"\s(?:of)\s+(?=(?:the\s+)?[A-Z])", profile
    )
    if split:
        role = profile[: split.start()].strip(" ,")
        return role or title or None, _organisation(profile[split.end() :])
    named = re.search(rf"^(?P<org>{_ORG_NAME})\s+(?P<role>\S.*)$", profile)
    if named and _ORG_WORD.search(named.group("org")):  # "Rutgers University political scholar"
        return named.group("role").strip(), named.group("org").strip()
    return profile.strip() or title or None, None


def _organisation(text: str) -> str | None:
    """The organisation's name at the start of ``text``: without "the", a descriptor before the
    name ("the consultancy Eastbridge Risk"), or what follows it (see ``_AFTER_ORG``)."""
    text = re.sub(r"^the\s+", "", text.strip())
    text = re.sub(r"^(?:[a-z][\w-]*\s+){1,3}(?=[A-Z])", "", text)
    return _AFTER_ORG.sub("", text).strip(" ,.") or None


def introducing_quotes(text: str, at: int) -> list[Quote]:
    """What the sentence that introduces an expert says: its quoted words (direct), else the
    sentence itself (indirect)."""
    for sentence in split_sentences(text):
        start = text.find(sentence)
        if start <= at < start + len(sentence):
            region = text[start : start + len(sentence) + 2]  # with a closing quotation mark
            quoted = _QUOTED.finditer(region)
            direct = [m.group(1).strip() for m in quoted]
            if direct:
                return [Quote(text=q, kind="direct") for q in direct]
            return [Quote(text=sentence, kind="indirect")]
    return []


def person_quotes(name: str, text: str, at: int, limit: int = 4) -> list[Quote]:
    """The quotes of a person introduced at ``at``: :func:`introducing_quotes` first (the
    introduction may quote where no speech verb sits next to the name, as in "X, co-author of
    ..., declared rates to be "the strongest ..."") unless :func:`expert_quotes` has them, then
    :func:`expert_quotes`."""
    quotes = expert_quotes(name, text, limit)
    intro = [
        q for q in introducing_quotes(text, at)
        if not any(q.text in g.text or g.text in q.text for g in quotes)
    ]  # fmt: skip
    return [*intro, *quotes][:limit]


def specialists(text: str) -> list[Introduced]:
    """People the article introduces as specialists (:attr:`Introduced.specialist`), officials
    left out (:func:`is_official`)."""
    return [p for p in introduced_people(text) if p.specialist and not is_official(p.name, text)]


def as_expert(person: Introduced, text: str) -> QuotedExpert | None:
    """``person`` as a quoted expert: role and affiliation from the introduction, the quotes of
    :func:`person_quotes`; None when the article attributes no words to them."""
    quotes = person_quotes(person.name, text, person.at)
    if not quotes:
        return None
    role, affiliation = split_profile(person.profile)
    return QuotedExpert(name=person.name, role=role, affiliation=affiliation, quotes=quotes)
