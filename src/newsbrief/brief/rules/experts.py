"""Experts: the people an article introduces, their role and affiliation, and their quotes.

Finds the people introduced next to a speech verb ("NAME, ROLE at ORG, said"), tells
independent specialists from officials, and reads the quotes the article attributes to a name
(direct quotation, reported speech, interview answers). Everything returned is a span of the
article, so it is grounded by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..schemas import Quote, QuotedExpert
from .actors import CAPITALIZED, NOT_ACTORS
from .sentences import QUOTE_MARK, is_question, split_sentences

_QUOTED = re.compile(r"[“\"]([^”\"]{12,}?)[”\"]")


_SAID = re.compile(
    r"\b(said|says|told|added|noted|argued|warned|stressed|explained|according to|wrote|stated"
    r"|declared|commented|cautioned|predicted|believes|went on to (?:say|add))\b",
    re.IGNORECASE,
)


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
        names_before = [m for m in CAPITALIZED.finditer(before) if m.group() not in NOT_ACTORS]
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
    if len(words) > 6 or any(w.endswith((",", ";", ":")) or QUOTE_MARK.search(w) for w in words):
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
    if verb is None or not QUOTE_MARK.search(sentence[verb.end() :]):
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
                if not QUOTE_MARK.search(sentence) or _reports(sentence):
                    quote = Quote(text=sentence, kind="indirect")
                    found.append((offset + paragraph.find(sentence), quote))
        offset += len(paragraph) + 2
    return [quote for _, quote in sorted(found, key=lambda f: f[0])][:limit]


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
            or words[0] in NOT_ACTORS
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


def speaks(name: str, sentence: str) -> bool:
    """Whether ``sentence`` gives ``name`` (in full or by surname) a speech verb."""
    return _speaks(_full_or_surname(name), name, sentence)
