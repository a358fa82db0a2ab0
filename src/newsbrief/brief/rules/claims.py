"""Pledges and positions from an article's parse and attributions (:mod:`.attribution`).

Cue-word sentence rules find a pledge only where a listed word stands ("will", "pledged") and a
position only where a stance verb does ("supports", "condemned"); most claims in real articles
carry neither. Here every attribution is a candidate, and the parse says what it holds:

- a **pledge** is a future action that its actor binds itself to: a verb with "will"/"shall", the
  complement of a commitment verb ("vowed to", "plans to", "agreed to", "is ready to"), or a
  "would" reported by the actor itself ("the ministry said it would open ..."). The actor is the
  verb's subject, resolved: "we" in someone's quotation is that speaker, "it" and "he" in a
  report are its source when they can be, a name is the article's fullest form of it. A subject
  that names nobody who can act ("prices will rise") makes a forecast, not a pledge, and so does
  a subject that someone else expects something of ("analysts expect the bank to cut");
- a **position** is a view that an attribution gives its source: its statement is the content
  in the article's words, its stance the cue's (supports for "backed", opposes for "condemned",
  reversed by a negation) or else the polarity of the content's evaluative words.

Every text returned is a span of the article, so the brief stays grounded by construction.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..schemas import Pledge, Position, Quote, Stance
from .attribution import Analysis, Attribution, Span
from .statements import without_dangling

if TYPE_CHECKING:
    from spacy.tokens import Token

FUTURE = {"will", "shall", "'ll", "’ll", "wo"}  # "wo" is "won't" split by the tokenizer
# Heads whose "to"-complement is a commitment of their subject.
COMMIT_HEADS = {
    "pledge", "vow", "promise", "commit", "plan", "intend", "aim", "agree", "undertake",
    "resolve", "decide", "prepare", "threaten", "offer", "refuse", "ready", "willing",
    "determined", "prepared", "go", "set", "seek", "want", "hope", "expect",
}  # fmt: skip
# Of those, the ones that state an intention only when said of oneself: "wants to", "hopes to",
# "expects to" commit the speaker ("we expect to finish by May"), not a subject described by
# somebody else.
_SOFT_HEADS = {"want", "hope", "expect", "seek"}
# Of those, the ones that say the act will not be done.
_REFUSALS = {"refuse", "refusal"}
# Verbs whose act is done by saying them, and verbs of wishing: no act to commit to.
_SAID_NOT_DONE = {
    "thank", "congratulate", "apologize", "apologise", "urge", "express", "like", "love",
    "prefer", "wish",
}  # fmt: skip
# Nouns whose "to"-complement is a commitment of their possessor ("his plan to ...").
NOMINAL_HEADS = {
    "plan", "pledge", "promise", "commitment", "intention", "intent", "vow", "decision",
    "refusal", "offer", "threat",
}  # fmt: skip
_POSSESSIVE = {"his", "her", "its"}
_PERSON_NOUNS = {
    "mayor", "president", "minister", "governor", "leader", "chancellor", "premier", "senator",
    "secretary", "chief", "director", "candidate", "spokesman", "spokeswoman", "founder", "owner",
    "official", "chairman", "chairwoman", "judge", "prosecutor", "ambassador", "commissioner",
    "lawmaker", "congressman", "congresswoman", "king", "queen", "prince", "pope", "coach",
    "manager", "executive", "spokesperson",
}  # fmt: skip
_PROMISING = {"promise", "pledge", "vow", "guarantee", "assure"}
# Heads whose "to" takes a gerund that their subject commits to.
_GERUND_HEADS = {
    "commit": "to", "committed": "to", "dedicate": "to", "dedicated": "to", "pledge": "to",
    "plan": "on", "bent": "on",
}  # fmt: skip
# Verbs whose reported passive future is their subject's decision: "the mayor announced
# classes would be cancelled". Not "said": after it a passive future is as often a forecast
# ("the analyst said the law would be tested by the first drought").
_DECLARING = {
    "announce", "declare", "promise", "pledge", "vow", "confirm", "decide", "order",
    "guarantee", "assure",
}  # fmt: skip
# "is going to" commits; "was going to" does not (any more).
_PRESENT_BE = {"is", "are", "am", "'s", "’s", "'re", "’re", "'m", "’m"}
_CONDITION_MARKS = {"if", "unless", "provided", "once", "as", "until", "when"}
# Nouns that name bodies or people able to act, besides named entities.
AGENT_NOUNS = {
    "government", "ministry", "minister", "department", "agency", "authority", "authorities",
    "council", "committee", "commission", "board", "company", "firm", "group", "bank", "court",
    "party", "union", "administration", "city", "state", "country", "nation", "police", "army",
    "military", "officials", "official", "leader", "leaders", "president", "mayor", "governor",
    "premier", "chancellor", "prime", "cabinet", "parliament", "congress", "senate", "house",
    "lawmakers", "legislature", "campaign", "spokesman", "spokeswoman", "spokesperson", "team",
    "club", "school", "university", "hospital", "organization", "organisation", "federation",
    "league", "alliance", "coalition", "regulator", "fed", "reserve", "secretary", "chief",
    "director", "executive", "ceo", "founder", "owner", "operator", "developers", "developer",
    "sides", "countries", "governments", "companies", "states", "members", "delegates",
}  # fmt: skip
# Sources whose words about another's future are forecasts, not that other's commitments.
_FORECASTERS = re.compile(
    r"\b(?:analysts?|economists?|experts?|observers?|strategists?|forecasters?|researchers?"
    r"|scientists?|professors?|scholars?|commentators?|pundits?|pollsters?|traders?|investors?"
    r"|markets?)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = {"i", "we", "us", "me"}
_PERSONAL = {"he", "she", "him", "her"}
_IMPERSONAL = {"it", "they", "them"}
_PRONOUNS = _FIRST_PERSON | _PERSONAL | _IMPERSONAL | {"you"}
NOT_ACTORS = {"who", "which", "that", "this", "these", "those", "there", "what", "you"}

_NEGATION = re.compile(r"^n[’']t\s+", re.IGNORECASE)
_WORD = re.compile(r"[\w’']+")


Item = TypeVar("Item", Pledge, Position)


@dataclass(frozen=True)
class Found(Generic[Item]):
    """A candidate with the character spans it rests on (for offsets and the brief page)."""

    item: Item
    evidence: Span
    attribution: Attribution | None


# --- actors ----------------------------------------------------------------------------------


def _subject(verb: Token) -> Token | None:
    node = verb
    for _ in range(4):
        for child in node.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        if node.dep_ in ("xcomp", "conj", "acomp") and node.head.i != node.i:
            node = node.head
            continue
        if node.dep_ == "pcomp" and node.head.dep_ == "prep":  # "committed to proceeding"
            node = node.head.head
            continue
        if node.dep_ == "acl":
            return _owner(node.head)
        break
    return None


def _owner(noun: Token) -> Token | None:
    """Whose commitment a noun of commitment states: its possessor ("Trump's refusal to ...",
    "the company's decision to ..."); a possessive pronoun is the subject of the verb the noun
    is the object of ("Biden announced his plan to ..."), when that subject names someone."""
    if noun.lemma_.lower() not in NOMINAL_HEADS:
        return None
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None or owner.pos_ != "PRON":
        return owner
    if noun.dep_ in ("dobj", "pobj") and owner.lower_ in _POSSESSIVE:
        verb = noun.head.head if noun.dep_ == "pobj" else noun.head
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is not None and _can_act(subject) and subject.pos_ != "PRON":
            # the pronoun must agree: "his"/"her" a person, "its" a body ("their" is too
            # often another party: "the unions welcomed their decision to ...")
            person_noun = subject.lemma_.lower() in _PERSON_NOUNS
            if owner.lower_ == "its":
                agrees = subject.ent_type_ != "PERSON" and not person_noun
            else:  # a name (the recogniser mislabels some people) or a person's title
                agrees = person_noun or subject.pos_ == "PROPN"
            if agrees:
                return subject
    return None


def _phrase(head: Token) -> list[Token]:
    """A subject's words without a relative clause or appositive after them (or a possessor's
    "'s")."""
    skip = {d.i for c in head.children if c.dep_ in ("relcl", "appos", "acl") for d in c.subtree}
    skip |= {c.i for c in head.children if c.dep_ == "case"}
    words = [t for t in head.subtree if t.i not in skip and not t.is_punct]
    return words or [head]


def _can_act(head: Token) -> bool:
    if head.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or head.pos_ == "PROPN":
        return True  # a name, even one the recogniser did not label
    if head.lower_ in _FIRST_PERSON | _PERSONAL | _IMPERSONAL:
        return True
    words = {t.lower_ for t in head.subtree if t.dep_ in ("compound", "amod") or t.i == head.i}
    return head.lemma_.lower() in AGENT_NOUNS or bool(words & AGENT_NOUNS)


def _matches_speaker(pronoun: str, attribution: Attribution, analysis: Analysis) -> bool:
    """Whether a third-person pronoun in a report can be its own source ("the ministry said it
    will ...", "Smith said he would ...")."""
    if attribution.source is None:
        return False
    source = attribution.source
    inside = analysis.resolver.inside(source)
    offset, doc = analysis.block_at(source.start)
    words = doc.char_span(source.start - offset, source.end - offset, alignment_mode="expand")
    source_is_person = (
        any(m.label == "PERSON" for m in inside)
        or source.text.lower() in _PERSONAL
        # a bare name the recogniser left unlabelled ("Rosselló said"): proper nouns only
        or (words is not None and 1 <= len(words) <= 3 and all(t.pos_ == "PROPN" for t in words)
            and not inside)
        # a person named by a role ("the mayor said she would ..."; "the ministers" are "they")
        or (words is not None and words.root.tag_ == "NN"
            and words.root.lemma_.lower() in _PERSON_NOUNS)
    )  # fmt: skip
    return (pronoun in _PERSONAL) == source_is_person


def _named_speaker(attribution: Attribution, analysis: Analysis) -> str:
    """The attribution's speaker, or, when that is "I" or "we" quoted inside another report
    ("saying: 'I commit that I will ...'"), the speaker of the report around it."""
    speaker, seen = attribution.speaker or "", set()
    while speaker.lower() in _FIRST_PERSON and attribution.within is not None:
        if attribution.within in seen:  # never loop, whatever the indices say
            break
        seen.add(attribution.within)
        attribution = analysis.attributions[attribution.within]
        speaker = attribution.speaker or speaker
    return speaker


def _in_quotes(at: int, analysis: Analysis) -> bool:
    """Whether character ``at`` sits inside quotation marks (the article's quote regions, as
    the attribution layer found and indexed them)."""
    return any(True for _ in analysis.resolver.quotes.holding(at, at + 1))


def _quoting(at: int, analysis: Analysis) -> Attribution | None:
    """The report whose quotation goes on past its content to hold character ``at`` ('"...,"
    wrote Trump, "and I will ..."'): the one whose cue is nearest ``at`` in the same paragraph,
    with a named speaker, when ``at`` sits inside quotation marks there. None otherwise."""
    start, doc = analysis.block_at(at)
    if not _in_quotes(at, analysis):
        return None
    end = start + len(doc.text)
    reports = [
        a
        for a in analysis.attributions
        if start <= a.cue.start < end
        and not _in_quotes(a.cue.start, analysis)  # the reporting words stand outside
        and a.speaker
        and any(word[:1].isupper() for word in a.speaker.split())  # a name, not "people"
        and a.speaker.lower() not in _PRONOUNS | NOT_ACTORS
    ]
    return min(reports, key=lambda a: abs(a.cue.start - at), default=None)


def actor_of(head: Token, offset: int, analysis: Analysis) -> tuple[str, Attribution | None]:
    """Who a subject is, and the attribution whose content it sits in (if any)."""
    span = analysis.char_span(_phrase(head), offset)
    inside = analysis.containing(span.start, span.end)
    word = head.lower_
    if inside is None and word in _FIRST_PERSON:
        quoting = _quoting(offset + head.idx, analysis)
        if quoting is not None:
            return quoting.speaker or "", quoting
    if inside is not None and inside.speaker:
        if word in _FIRST_PERSON:
            return _named_speaker(inside, analysis), inside
        if (word in _PERSONAL | _IMPERSONAL) and _matches_speaker(word, inside, analysis):
            return inside.speaker, inside
    return analysis.resolver.speaker(span), inside


# --- pledges ---------------------------------------------------------------------------------


def _future(verb: Token) -> bool:
    """Whether ``verb`` states a future act: "will"/"shall", a commitment head's "to"-complement,
    or a reported "would"."""
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & {"have", "'ve", "’ve"} and "would" in aux:  # "would have": counterfactual
        return False
    if aux & FUTURE:
        return True
    if verb.dep_ == "acl" and "to" in aux:  # "his plan to ...", "Trump's refusal to ..."
        return verb.head.lemma_.lower() in NOMINAL_HEADS
    if verb.dep_ == "xcomp" and "to" in aux:
        head = verb.head
        lemma = head.lemma_.lower()
        if lemma in _SOFT_HEADS and head.tag_ == "VBD":
            return False  # "we wanted to study it": a wish that was, not a commitment
        if lemma == "be":  # not "is to be sentenced", "was to have given": done to, or undone
            return _arranged(head) and not aux & {"be", "have"}
        return lemma in COMMIT_HEADS and not (
            lemma == "go" and not any(c.lower_ in _PRESENT_BE for c in head.children)
        )
    # "committed to proceeding with the trial", "is dedicated to cutting fares"
    return (
        verb.dep_ == "pcomp"
        and verb.tag_ == "VBG"
        and _GERUND_HEADS.get(verb.head.head.lemma_.lower()) == verb.head.lower_
    )


def _arranged(be: Token) -> bool:
    """ "Maryland is to switch to postal voting", "he is to present the plans on Monday": an act
    arranged by a named actor or a person. Not "it is possible to ...", "it is one of my goals
    to ..." (a complement of "be", an empty "it") nor "Super Tuesday is to include ..." (no
    actor: an event)."""
    if any(c.dep_ in ("acomp", "attr") for c in be.children):
        return False
    if any(c.lower_ in ("here", "there", "yet") for c in be.children):
        return False  # "I'm not here to ...", "it has yet to ..."
    subject = next((c for c in be.children if c.dep_ == "nsubj"), None)
    return subject is not None and (
        subject.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")
        or subject.lower_ in {"he", "she", "we", "i"}  # "they are to pay": often others' order
    )


def _open_question(verb: Token) -> bool:
    """An act asked about, not committed to: "has not decided whether to ...", "cannot say
    whether we will ...", "it is unclear if the council will ...", "did not announce whom they
    would support" (a relative clause is no question: "the bridge which it will build")."""
    marks = {c.lower_ for c in verb.children if c.dep_ == "mark"}
    clause = verb
    while clause.dep_ in ("xcomp", "conj") and clause.head.i != clause.i:
        clause = clause.head
    asked = (
        verb.dep_ in ("ccomp", "xcomp")
        and clause.dep_ != "relcl"  # "the law, which the government plans to introduce"
        and any(c.tag_ in ("WP", "WDT", "WRB") and c.i < verb.i for c in verb.children)
    )
    return asked or "whether" in marks or ("if" in marks and verb.dep_ == "ccomp")


def _no_act(verb: Token) -> bool:
    """A verb that is no act to commit to: a speech act done by saying it ("I want to thank",
    "I would urge anyone to"), or a wish ("we would like to")."""
    return verb.lemma_.lower() in _SAID_NOT_DONE


def _reported_would(verb: Token, attribution: Attribution | None, quoted: bool) -> bool:
    """A "would" that reports a "will" ("the ministry said it would open ..."). Said inside
    quotation marks (its subject too) it is the speaker's own "would": no report but a
    hypothetical or a courtesy ("if I did I wouldn't discuss it")."""
    aux = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    return (
        attribution is not None
        and not quoted
        and "would" in aux
        and not aux & {"have", "'ve", "’ve"}
        and attribution.cue_class in ("say", "commit")
    )


def _in_condition(verb: Token) -> bool:
    node = verb
    while node.head.i != node.i:
        if node.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in node.children
        ):
            return True
        node = node.head
    return False


def _modals(verb: Token) -> set[str]:
    return {c.lower_ for c in verb.children if c.dep_ == "aux"} & (FUTURE | {"would"})


def _own_pledge(child: Token, verb: Token) -> bool:
    """A coordinated verb that the rules find as a pledge of its own, so it is not also part of
    ``verb``'s commitment: one with a modal of the same kind as ``verb``'s ("will build the
    bridge and will fund two schools"), or one whose own complement commits ("will review its
    holdings and is prepared to adjust them", "and plans to fund two schools")."""
    if child.dep_ != "conj":
        return False
    if _modals(child) and _modals(verb) & _modals(child):
        return True
    heads = [child, *(c for c in child.children if c.dep_ == "acomp")]  # "is prepared to"
    return any(g.dep_ == "xcomp" and _future(g) for h in heads for g in h.children)


def _says_what(purpose: Token, verb: Token) -> bool:
    """A "to" clause that is what a verb without an object commits to: "will work to make him
    president", "will act to protect the coast" (a condition or a clause after an object is
    not: "will cut taxes to help families")."""
    is_purpose = any(c.dep_ == "aux" and c.lower_ == "to" for c in purpose.children) and not any(
        c.dep_ == "mark" for c in purpose.children
    )
    objects = ("dobj", "attr", "prep", "xcomp", "ccomp", "oprd", "dative", "acomp")
    return is_purpose and not any(c.dep_ in objects for c in verb.children)


def _commitment_tokens(verb: Token, subject: Token | None) -> list[Token]:
    skip: set[int] = set()
    if subject is not None:
        skip |= {t.i for t in subject.subtree}
    auxiliaries = []
    for child in verb.children:
        if child.dep_ in ("aux", "auxpass") and child.i < verb.i and child.lower_ != "not":
            auxiliaries.append(child)
            skip.add(child.i)
        own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children)
        if child.dep_ == "advcl" and _says_what(child, verb):
            continue
        if child.dep_ == "advcl" or (child.dep_ == "conj" and own_subject):
            skip |= {t.i for t in child.subtree}  # a condition, or another actor's clause
        elif _own_pledge(child, verb):
            skip |= {t.i for t in child.subtree}
    # Words before the auxiliary ("the council also will repair ...") qualify the sentence, not
    # what is committed to; a negation there ("never will") keeps the auxiliary with it so the
    # commitment stays one span of the article that still says "never".
    first = min((a.i for a in auxiliaries), default=verb.i)
    early = [c for c in verb.children if c.i < first and c.dep_ in ("advmod", "neg")]
    if any(c.dep_ == "neg" or c.lower_ == "never" for c in early):
        skip -= {a.i for a in auxiliaries}
    else:
        skip |= {c.i for c in early if subject is None or c.i > subject.i}
    words = [t for t in verb.subtree if t.i not in skip and t.i >= verb.i - 2]
    # an aside before the verb ("will, as always, take account"; "will, in January, resume")
    commas = [t.i for t in words if t.i < verb.i and t.text == ","]
    if commas and not any(t.dep_ == "neg" for t in words if t.i < commas[-1]):
        words = [t for t in words if t.i > commas[-1]]
    while words and (words[0].is_punct or words[0].dep_ in ("aux", "mark", "cc")):
        words = words[1:]
    while words and (words[-1].is_punct or words[-1].dep_ == "cc"):
        words = words[:-1]
    # contiguous: stop at the first gap (a dropped clause)
    run = words[:1]
    for token in words[1:]:
        if token.i != run[-1].i + 1:
            break
        run.append(token)
    return _with_negated_head(verb, run)


def _with_negated_head(verb: Token, run: list[Token]) -> list[Token]:
    """``run`` with the words that turn the act down before it: a negation of the verb left
    out by an aside ("will not, in any case, raise fares"), or a head that refuses or is
    negated ("refused to sign the deal", "did not agree to repair the bridge", "is not
    prepared to risk ..."). Those commit to not doing it, so the commitment starts at the
    refusal or the negation, not at the act."""
    if not run:
        return run
    holders = [verb]
    head = verb.head
    if verb.dep_ in ("xcomp", "acl") and head.i < run[0].i:
        # "is not willing to": the negation hangs on the copula the adjective completes
        holders += [head, head.head] if head.dep_ == "acomp" else [head]
    negations = [
        c.i
        for h in holders
        for c in h.children
        if (c.dep_ == "neg" or c.lower_ == "never") and c.i < run[0].i
    ]
    if negations:
        start = min(negations)
    elif len(holders) > 1 and head.lemma_.lower() in _REFUSALS:
        start = head.i
    else:
        return run
    return list(verb.doc[start : run[0].i]) + run


def _condition(verb: Token, offset: int, analysis: Analysis) -> str | None:
    for child in verb.children:
        marks = {c.lower_ for c in child.children if c.dep_ == "mark"}
        if child.dep_ == "advcl" and marks & {"if", "unless", "provided", "once"}:
            words = [t for t in child.subtree if not t.is_punct]
            if words:
                return analysis.char_span(words, offset).text
    return None


def _is_question(sentence: str) -> bool:
    return sentence.rstrip(" ”\"'’").endswith("?")


def pledge_candidates(analysis: Analysis) -> Iterator[Found[Pledge]]:
    """Every commitment the article states, in reading order (see the module docstring)."""
    seen: set[tuple[str, str]] = set()
    for offset, doc in analysis.docs:
        for verb in doc:
            if verb.pos_ not in ("VERB", "AUX") or verb.dep_ in ("amod", "compound"):
                continue
            subject = _subject(verb)
            if subject is None or subject.is_punct or subject.lower_ in NOT_ACTORS:
                continue  # "• says the plan will work": a bullet the tagger took for a name
            if not _can_act(subject):
                declared = _declared_passive(verb, subject, offset, analysis)
                if declared is not None and _first_time(declared.item, seen):
                    yield declared
                continue
            actor, inside = actor_of(subject, offset, analysis)
            quoted = _in_quotes(offset + subject.idx, analysis)
            if not (_future(verb) or _reported_would(verb, inside, quoted)) or _no_act(verb):
                continue
            if _foretold_state(verb) and not _own_words(subject, actor, inside):
                continue  # "COVID-19 will not be the last": a state foretold, not an act
            if _in_condition(verb) or _open_question(verb) or _is_question(verb.sent.text):
                continue
            if _forecast(verb, subject, actor, inside):
                continue
            words = _commitment_tokens(verb, subject)
            if not words or (len(words) == 1 and words[0].pos_ != "VERB"):
                continue
            pledger = _pledged_for(subject, actor, inside, analysis)
            if pledger:  # "Pelosi pledged that the House will vote": hers, as the clause says it
                actor, words = pledger, list(verb.doc[subject.left_edge.i : words[-1].i + 1])
            commitment = analysis.char_span(words, offset)
            stated = _NEGATION.sub("not ", commitment.text)  # "won't raise" -> "not raise"
            evidence = analysis.char_span(list(verb.sent), offset)
            pledge = Pledge(
                actor=actor,
                commitment=stated,
                condition=_condition(verb, offset, analysis),
                evidence=evidence.text,
            )
            if not _first_time(pledge, seen):
                continue
            # the attribution that states it: the innermost whose content holds the commitment
            # ("vowed to repair the bridge", "said it would open 40 clinics")
            stating = analysis.containing(commitment.start, commitment.end)
            yield Found(pledge, evidence, stating or inside)


def _pledged_for(
    subject: Token, actor: str, inside: Attribution | None, analysis: Analysis
) -> str | None:
    """Who pledges what the clause says another will do: the speaker of a commitment ("the
    minister promised that the hospital will open in May", "I pledge that this Congress will
    be transparent"), when that speaker is named and is not the clause's own subject."""
    if inside is None or inside.cue_class != "commit" or subject.lower_ in _FIRST_PERSON:
        return None
    if subject.dep_ not in ("nsubj", "nsubjpass"):  # a possessor owns its own "plan to"
        return None
    speaker = _named_speaker(inside, analysis)
    if not speaker or speaker == actor or speaker.lower() in _PRONOUNS:
        return None
    return speaker


def _foretold_state(verb: Token) -> bool:
    """A future "be" that names what something will be or where ("will not be the last",
    "will be a disaster", "will be near the end of the quarter"), not how its subject will
    act ("will be patient", "will be transparent": an adjective, which may be a pledge)."""
    return verb.lemma_ == "be" and not any(c.dep_ == "acomp" for c in verb.children)


def _own_words(subject: Token, actor: str, inside: Attribution | None) -> bool:
    """The subject speaks of itself ("we", "I", the report's own speaker), or the report is a
    commitment ("I pledge that this Congress will be transparent")."""
    if subject.lower_ in _FIRST_PERSON:
        return True
    return inside is not None and (actor == inside.speaker or inside.cue_class == "commit")


def _first_time(pledge: Pledge, seen: set[tuple[str, str]]) -> bool:
    key = (pledge.actor.lower(), pledge.commitment.lower())
    if key in seen:
        return False
    seen.add(key)
    return True


def _declared_passive(
    verb: Token, subject: Token, offset: int, analysis: Analysis
) -> Found[Pledge] | None:
    """A future of something that cannot act, which its reporter decides: "the mayor announced
    classes would be cancelled" (passive) or "promised that the ferry service will resume"
    (after a promise) is the reporter's pledge, stated as the clause itself; "scientists
    announced the comet will be seen" is nobody's (they are not agents here)."""
    aux = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    if not aux & (FUTURE | {"would"}) or verb.dep_ != "ccomp":
        return None
    head = verb.head
    if subject.dep_ != "nsubjpass" and head.lemma_.lower() not in _PROMISING:
        return None
    reporter = next((c for c in head.children if c.dep_ == "nsubj"), None)
    if head.lemma_.lower() not in _DECLARING or reporter is None or not _can_act(reporter):
        return None
    if _in_condition(verb) or _open_question(verb) or _is_question(verb.sent.text):
        return None
    skip = {t.i for c in verb.children if c.dep_ in ("advcl", "mark") for t in c.subtree}
    words = [t for t in verb.subtree if t.i not in skip]
    while words and (words[0].is_punct or words[0].dep_ == "cc"):
        words = words[1:]
    while words and (words[-1].is_punct or words[-1].dep_ == "cc"):
        words = words[:-1]
    if not words or any(b.i != a.i + 1 for a, b in itertools.pairwise(words)):
        return None  # only a clause that is one span of the article
    actor, inside = actor_of(reporter, offset, analysis)
    evidence = analysis.char_span(list(verb.sent), offset)
    pledge = Pledge(
        actor=actor,
        commitment=analysis.char_span(words, offset).text,
        condition=_condition(verb, offset, analysis),
        evidence=evidence.text,
    )
    return Found(pledge, evidence, inside)


def _forecast(verb: Token, subject: Token, actor: str, inside: Attribution | None) -> bool:
    """A future that somebody expects of another, not a commitment: "analysts expect the bank
    to cut", "officials fear the virus will spread", "he thinks prices will rise", "economists
    said the central bank will cut rates"."""
    head = verb.head.lemma_.lower() if verb.dep_ == "xcomp" else ""
    if head in _SOFT_HEADS and subject.lower_ not in _FIRST_PERSON and inside is None:
        # "the bank wants to ..." said by the article itself still commits nobody
        return head != "seek"
    if inside is None:
        return False
    same = inside.speaker is not None and actor == inside.speaker
    if inside.cue_class == "believe" and not same:
        return True
    if not same and inside.source is not None and _FORECASTERS.search(inside.source.text):
        return True  # "economists said the bank will cut": their forecast, not its pledge
    # "I" and "we" in a report are its speaker, however far out that speaker is named
    first = subject.lower_ in _FIRST_PERSON and actor.lower() not in _FIRST_PERSON
    return (
        not (same or first)
        and subject.ent_type_ not in ("PERSON", "ORG", "GPE", "NORP")
        and (subject.lemma_.lower() not in AGENT_NOUNS)
    )


# --- positions ---------------------------------------------------------------------------------


@cache
def _sentiment() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def stance_of(attribution: Attribution, threshold: float = 0.05) -> Stance:
    """The cue's stance, reversed by a negation ("backed" supports, "did not back" opposes);
    else the sign of VADER's compound valence of the content (a lexicon built for the job),
    neutral within ``threshold`` of zero. (A word list of our own scored 0.33 on the real set's
    matched positions and 0.26 in-repo; VADER 0.46 and 0.43; see the CHANGELOG.)"""
    if attribution.cue_class in ("support", "oppose"):
        supports = attribution.cue_class == "support"
        if attribution.negated:
            supports = not supports
        return "supports" if supports else "opposes"
    compound = float(_sentiment().polarity_scores(attribution.content_text)["compound"])
    if compound > threshold:
        return "supports"
    if compound < -threshold:
        return "opposes"
    return "neutral"


_LEAD = re.compile(r"^(?:that|to|of|about|for|on|against)\s+", re.IGNORECASE)


def statement_of(attribution: Attribution) -> str:
    """The view in the article's words: the content, its quotation marks and a leading "that"
    or "to" left out, its pieces joined."""
    pieces = [" ".join(c.text.split()).strip("“”\"' ,") for c in attribution.content]
    return _LEAD.sub("", " ".join(p for p in pieces if p))


def topic_of(statement: str, max_words: int = 10) -> str:
    """A few words of the statement, never ending on a word that needs more after it."""
    return " ".join(without_dangling(statement.split()[:max_words])).rstrip(",;:")


# Bodies that report, not hold, views: a view "according to Reuters" is the article's sourcing.
_OUTLET = re.compile(
    r"\b(?:news|times|post|daily|herald|journal|gazette|tribune|reuters|associated press|afp"
    r"|bbc|cnn|tv|television|radio|broadcaster|newspaper|media|magazine|press agency|agency"
    r"|wire|channel|outlet|website|twitter|facebook)\b",
    re.IGNORECASE,
)


def agent_source(attribution: Attribution, analysis: Analysis) -> bool:
    """Whether an attribution's source is someone who can hold a view or make a promise: a
    person or body the parse names, a pronoun resolved to one, or a description with an agent
    noun ("officials", "the ministry"); not a thing ("the data", "inflation"), not a news
    outlet reporting it."""
    source = attribution.source
    if source is None or not attribution.speaker:
        return False
    if _OUTLET.search(attribution.speaker):
        return False
    words = {w.lower() for w in _WORD.findall(source.text)}
    if words & NOT_ACTORS and len(words) == 1:
        return False
    if words & (_FIRST_PERSON | _PERSONAL | _IMPERSONAL) and len(words) == 1:
        return attribution.speaker != source.text or words <= _FIRST_PERSON | _PERSONAL
    named = any(
        m.label in ("PERSON", "ORG", "NORP") or len(words) <= 3
        for m in analysis.resolver.inside(source)
    )
    return named or bool(words & AGENT_NOUNS)


def position_candidates(
    analysis: Analysis, pledged: Sequence[Found[Pledge]] = (), views_only: bool = True
) -> Iterator[Found[Position]]:
    """A position for each top-level attribution whose source can hold a view
    (:func:`agent_source`) and whose content is at least two words, except a report with no
    valence (a "say" cue and a neutral stance: a fact, not a view) and a commitment cue that
    states one of ``pledged`` ("vowed to repair": said once, as a pledge). A report that holds a
    pledge ("said it would open 40 clinics to fight a terrible outbreak") may also state a view,
    and stays: on both sets, dropping those lost more matched positions than it saved. With
    ``views_only`` False, the valence rule is not applied (every candidate a chooser could be
    offered: bench/reach.py)."""
    stating = {id(f.attribution) for f in pledged if f.attribution is not None}
    for attribution in analysis.attributions:
        if attribution.within is not None or attribution.quoted or not attribution.speaker:
            continue
        if not agent_source(attribution, analysis):
            continue
        if id(attribution) in stating and attribution.cue_class == "commit":
            continue  # a commitment cue ("vowed to") is said once, as a pledge
        if views_only and attribution.cue_class == "say" and stance_of(attribution) == "neutral":
            continue  # a report with no valence states a fact, not a view
        statement = statement_of(attribution)
        if len(statement.split()) < 2:
            continue
        evidence = _sentence_of(analysis, attribution)
        position = Position(
            actor=attribution.speaker,
            topic=topic_of(statement),
            stance=stance_of(attribution),
            statement=statement,
            evidence=evidence.text,
        )
        yield Found(position, evidence, attribution)


def _sentence_of(analysis: Analysis, attribution: Attribution) -> Span:
    """The sentence (or sentences, for a quotation that runs on) that holds the attribution."""
    start, end = attribution.start, attribution.end
    offset, doc = analysis.block_at(attribution.cue.start)
    sentences = [s for s in doc.sents if offset + s.start_char < end and
                 offset + s.end_char > start]  # fmt: skip
    if sentences:
        start = min(start, offset + sentences[0].start_char)
        end = max(end, offset + sentences[-1].end_char)
    return Span(start, end, analysis.text[start:end])


def attributed_quotes(analysis: Analysis, name: str, known: Sequence[str] = ()) -> list[Quote]:
    """What the attributions give ``name`` (their speaker) that ``known`` quotes do not hold
    yet: each quoted piece as a direct quote (its quotation marks left out), an unquoted content
    as an indirect one, in reading order."""
    seen = [" ".join(k.split()).lower() for k in known]
    found: list[Quote] = []
    for item in analysis.attributions:
        if item.speaker != name or item.within is not None or item.quoted:
            continue
        for piece in item.content:
            text = " ".join(piece.text.split())
            quoted = text[:1] in '“"' and text.rstrip()[-1:] in '”"'
            words = text.strip('“”" ,.').rstrip(",")
            lowered = words.lower()
            if len(words.split()) < 4 or any(lowered in k or k in lowered for k in seen):
                continue
            seen.append(lowered)
            found.append(Quote(text=words, kind="direct" if quoted else "indirect"))
    return found
