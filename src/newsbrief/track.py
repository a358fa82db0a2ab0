"""Who promised what, and did it change: a pledge tracker over a batch's results (issue 23).

``track`` reads the results files of ``newsbrief batch`` (JSONL or SQLite, several at once), one
record at a time, and keeps only each pledge's mention (actor, commitment, condition, evidence,
article id, date). Then:

1. actors are merged across articles (:func:`resolve_actors`): titles and middle initials are
   dropped ("Mr. Trump", "Donald J. Trump" -> "Donald Trump"); a bare surname joins the full
   name of the same surname named in the same article, else the only person of that surname in
   the results (two of them, "Bill Clinton" and "Hillary Clinton": it stays on its own); an
   acronym joins the body whose initials it spells; a bare title ("the president") is never
   merged across articles, since only its article (the attribution layer's speaker) says who
   it is. Every merge keeps its reason.
2. each actor's mentions, in date order, are clustered into threads (:func:`thread_mentions`):
   a mention joins the thread whose recent wording is most similar, if similar enough. A
   mention is compared by what it commits to (:func:`compared`, :func:`core`): without a
   leading purpose, condition or connective clause, a condition or vague duration after it,
   or its actor's own name. Similarity is token overlap (Dice over content words, numbers and
   dates left out) by default, or the static word embeddings of ``wordllama``
   (``similarity="wordllama"``).
3. a mention whose amounts, dates (as months, relative ones against the article's date:
   :func:`date_terms`) or condition differ from those its thread last stated is flagged as a
   change, with both wordings; a mention that takes a pledge back ("will no longer", "dropped
   its plan") is flagged as a reversal.

Dates come from the record's ``article.date`` (the page's own metadata); else from a date in
the article's id or file name (``20081216``, ``2008-12-16``); else the mention is undated and
placed by its position in the results. Each mention says which (``date_from``).
"""

from __future__ import annotations

import functools
import gzip
import itertools
import json
import re
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, UsageError

TRACK_VERSION = 1
SIMILARITIES = ("overlap", "wordllama")
DEFAULT_SIMILARITY = "overlap"
# Thresholds per similarity, chosen on the FOMC 2008-2012 statements alone by the mean of two
# B-cubed F1s, threads given the labelled pledges and end to end from a floor batch
# (bench/track.py --sweep), and reported on the held-out 2013-2016 and on all of 2008-2016.
THRESHOLDS = {"overlap": 0.4, "wordllama": 0.6}
RECENT = 3  # a thread is compared by its mentions in its latest articles
RECENT_MENTIONS = 12  # at most this many of them
MAX_SKIPPED_LISTED = 50
# How deep one mention (and one change) sits in the document :func:`track` returns (document,
# actors, actor, threads, thread, mentions): ``--format json`` writes each on one line.
MENTION_DEPTH = 6

_SQLITE = (".sqlite", ".sqlite3", ".db")


# --- reading ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Mention:
    """One pledge of one article, as the tracker keeps it."""

    actor: str  # as the brief names it
    commitment: str
    condition: str | None
    evidence: str
    article: str
    date: str | None
    date_from: str  # metadata | name | order
    order: int  # position in the results (over every input, in the order given)
    source: str = ""  # the results file
    context: tuple[str, ...] = ()  # the full person names of the same article
    span: tuple[int, int] | None = None  # the evidence in the cleaned article (grounding's)
    # the commitments of the article's other pledges that its evidence also states ("will keep
    # the rate at 3 percent and will buy 40 billion of bonds"): not this pledge's terms
    others: tuple[str, ...] = ()
    actor_key: str = ""
    changed: list[str] = field(default_factory=list)
    reversal: bool = False


@dataclass
class Tally:
    """Records read but not tracked: failed articles, and bad records with why."""

    records: int = 0
    failed: int = 0
    bad: int = 0
    reasons: list[dict[str, Any]] = field(default_factory=list)

    def add(self, where: str, reason: str) -> None:
        self.bad += 1
        if len(self.reasons) < MAX_SKIPPED_LISTED:
            self.reasons.append({"where": where, "reason": reason})


def _jsonl_lines(path: Path) -> Iterator[tuple[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield f"{path.name}:{number}", line


def _sqlite_rows(path: Path) -> Iterator[tuple[str, str]]:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        rows = db.execute("SELECT rowid, record FROM results ORDER BY rowid")
    except sqlite3.Error as exc:
        raise InputError(f"{path} holds no batch results ({exc})", "pass a batch --out") from exc
    try:
        for rowid, record in rows:  # the cursor streams: one row in memory at a time
            yield f"{path.name}:row {rowid}", record
    finally:
        db.close()


def iter_raw(paths: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    """(file, where, raw JSON text) of every record of every results file, in order."""
    for given in paths:
        path = Path(given)
        if not path.is_file():
            what = "a folder, not a results file" if path.is_dir() else "no such results file"
            raise InputError(f"{given}: {what}", "pass the --out of a batch run")
        rows = _sqlite_rows(path) if path.suffix.lower() in _SQLITE else _jsonl_lines(path)
        for where, text in rows:
            yield str(path), where, text


_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
_ISO_DATE = re.compile(r"^((?:19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")


def record_date(article: dict[str, Any]) -> tuple[str | None, str]:
    """(ISO date, where it came from) of a record's article: its metadata, else its id or
    file name, else none (``order``)."""
    given = article.get("date")
    if isinstance(given, str) and (found := _ISO_DATE.match(given.strip())):
        return "-".join(found.groups()), "metadata"
    for name in (article.get("id"), Path(str(article.get("source") or "")).name):
        if isinstance(name, str) and (found := _NAME_DATE.search(name)):
            return "-".join(found.groups()), "name"
    return None, "order"


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} is not a non-empty string")
    return value


def mentions_of(record: object, order: int, source: str) -> list[Mention]:
    """The pledges of one ok record; ValueError saying what is wrong with a bad one."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    article, brief = record.get("article"), record.get("brief")
    if not isinstance(article, dict) or not isinstance(brief, dict):
        raise ValueError("no article or brief object")
    article_id = _text(article.get("id", record.get("id")), "article id")
    date, date_from = record_date(article)
    pledges = brief.get("pledges") or []
    if not isinstance(pledges, list):
        raise ValueError("brief.pledges is not a list")
    context = tuple(sorted(person_names(brief)))
    spans = grounded_spans(record)
    found = []
    for number, pledge in enumerate(pledges):
        if not isinstance(pledge, dict):
            raise ValueError(f"pledge {number} is not an object")
        condition = pledge.get("condition")
        found.append(Mention(
            actor=_text(pledge.get("actor"), f"pledge {number} actor"),
            commitment=_text(pledge.get("commitment"), f"pledge {number} commitment"),
            condition=condition if isinstance(condition, str) and condition.strip() else None,
            evidence=str(pledge.get("evidence") or ""),
            article=article_id, date=date, date_from=date_from, order=order, source=source,
            context=context, span=spans.get(f"pledges[{number}].evidence"),
        ))  # fmt: skip
    for mention in found:
        mention.others = tuple(
            other.commitment for other in found
            if other is not mention and other.commitment in mention.evidence
            and other.commitment not in mention.commitment
            and mention.commitment not in other.commitment
        )  # fmt: skip
    return found


def grounded_spans(record: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Where grounding found each excerpt in the cleaned article (``meta.grounding.spans``),
    by path ("pledges[0].evidence"); empty when the record does not say."""
    meta = record.get("meta")
    grounding = meta.get("grounding") if isinstance(meta, dict) else None
    spans = grounding.get("spans") if isinstance(grounding, dict) else None
    found: dict[str, tuple[int, int]] = {}
    for item in spans if isinstance(spans, list) else []:
        if (
            isinstance(item, dict)
            and isinstance(item.get("start"), int)
            and isinstance(item.get("end"), int)
        ):
            found[str(item.get("path"))] = (item["start"], item["end"])
    return found


def person_names(brief: dict[str, Any]) -> set[str]:
    """Every full person name (two words or more) the brief names: actors and experts."""
    names: set[str] = set()
    for part in ("pledges", "positions"):
        for item in brief.get(part) or []:
            if isinstance(item, dict) and isinstance(item.get("actor"), str):
                names.add(item["actor"])
    for expert in brief.get("quoted_experts") or []:
        if isinstance(expert, dict) and isinstance(expert.get("name"), str):
            names.add(expert["name"])
    return {key for name in names if (key := person_key(name)) and " " in key}


def read_mentions(paths: Iterable[str], skipped: Tally) -> list[Mention]:
    """Every pledge mention of the results files, streamed one record at a time; a failed
    record is counted, a bad one is skipped and counted with why."""
    mentions: list[Mention] = []
    for order, (source, where, text) in enumerate(iter_raw(paths)):
        skipped.records += 1
        try:
            record = json.loads(text)
        except ValueError as exc:
            skipped.add(where, f"not JSON ({exc.__class__.__name__})")
            continue
        if isinstance(record, dict) and record.get("status") == "failed":
            skipped.failed += 1
            continue
        try:
            mentions.extend(mentions_of(record, order, source))
        except ValueError as exc:
            skipped.add(where, str(exc))
    return mentions


# --- actors -------------------------------------------------------------------------------------

_TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "president", "vice", "prime", "minister", "chancellor", "senator", "sen", "rep",
    "representative", "governor", "gov", "mayor", "judge", "justice", "secretary", "general",
    "gen", "chairman", "chairwoman", "chair", "ceo", "king", "queen", "prince", "princess",
    "pope", "speaker", "leader", "former", "foreign", "finance", "defence", "defense", "state",
    "premier", "ambassador", "commissioner", "director", "chief", "executive", "reverend", "rev",
    "the", "u.s.", "u.s", "us", "attorney", "candidate", "democratic", "republican", "presidential",
}  # fmt: skip
_BODY_WORDS = {
    "committee", "council", "ministry", "department", "government", "party", "bank", "reserve",
    "union", "association", "company", "corporation", "corp", "inc", "ltd", "group", "agency",
    "court", "parliament", "congress", "senate", "house", "office", "commission", "board",
    "organization", "organisation", "administration", "police", "army", "force", "forces",
    "federation", "league", "university", "institute", "authority", "fund", "nations", "club",
    "states", "republic", "kingdom", "assembly", "service", "services", "city", "county",
}  # fmt: skip
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_ROLES = _TITLES - {"us", "u.s.", "u.s", "state"}  # words that make a name a role
_WORD = re.compile(r"[^\W_][\w'’.-]*")
# Words that name a kind of actor rather than one ("Officials", "the government"), and words
# that make a name a part of a group ("Both officers", "231 Democrats"): such an actor is
# whoever its article means, never merged across articles.
_GENERIC = {
    "official", "officials", "authorities", "police", "government", "company", "family", "team",
    "researchers", "army", "citizen", "citizens", "residents", "protesters", "officers", "sides",
    "people", "experts", "scientists", "spokesperson", "spokesman", "spokeswoman", "ministry",
    "department", "state", "schools", "millions", "project", "time", "critics", "lawmakers",
    "analysts", "sources", "investigators", "doctors", "witnesses", "students", "workers",
    "voters", "leaders", "members", "others", "group", "court", "committee", "council", "party",
}  # fmt: skip
_QUANTIFIERS = {"both", "other", "some", "many", "several", "all", "local", "most", "few"}


def fold(text: str) -> str:
    """``text`` without accents (Erdoğan -> Erdogan), for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def clean_name(name: str) -> tuple[str, str | None]:
    """A name without brackets or an appositive after a comma, and the acronym given beside
    it in parentheses: "the National Hurricane Center (NHC" -> ("the National Hurricane
    Center", "NHC")."""
    name = name.replace("[", "").replace("]", "").split(",")[0].strip()
    found = re.match(r"^(.*?\S)\s*\(\s*([A-Z][A-Z0-9&.-]{1,9})\s*\)?$", name)
    if found:
        return found.group(1), found.group(2)
    return name, None


def _words(name: str) -> list[str]:
    cleaned = re.sub(r"['’]s\b", "", name.strip())
    return _WORD.findall(cleaned)


def is_generic(name: str) -> bool:
    """A kind of actor, or part of a group, rather than one actor (see ``_GENERIC``)."""
    words = [w.lower().strip(".") for w in _words(name)]
    while words and words[0] in {"the", "a", "an"}:
        words = words[1:]
    if not words:
        return True
    if words[0] in _QUANTIFIERS or words[0][0].isdigit():
        return True
    return all(w in _GENERIC for w in words)


def is_body(name: str) -> bool:
    """A government, company or other body rather than a person."""
    return any(w.lower().strip(".") in _BODY_WORDS for w in _words(name))


_PRONOUNS = {"i", "we", "you", "he", "she", "it", "they", "who", "which", "that", "this"}


def person_key(name: str, *, folded: bool = True) -> str:
    """A person's name without titles, initials and suffixes ("Mr. Donald J. Trump Jr." ->
    "Donald Trump"); "" when it names no person (a body, an acronym, a bare title, a pronoun,
    a lowercase phrase)."""
    words = [w.strip(".") for w in _words(name)]
    if is_body(name) or not words or any(w[0].isdigit() for w in words):
        return ""
    if len(words) > 1 and words[-1].lower() in _ROLES:  # "Puerto Rico governor": a role
        return ""
    kept = [w for w in words if w.lower() not in _TITLES and w.lower() not in _SUFFIXES]
    kept = [w for w in kept if not (len(w) == 1 and w.isalpha())]  # middle initials
    if len(kept) == 1 and (kept[0].isupper() or kept[0].lower() in _PRONOUNS):
        return ""  # an acronym or a pronoun
    if not kept or not all(w[0].isupper() for w in kept) or len(kept) > 4:
        return ""
    return fold(" ".join(kept)) if folded else " ".join(kept)


def body_key(name: str) -> str:
    """A body's name, lowercased, without a leading article or punctuation."""
    words = [w.strip(".").lower() for w in _words(name)]
    while words and words[0] in {"the", "a", "an"}:
        words = words[1:]
    return fold(" ".join(words))


def _initials(key: str) -> str:
    small = {"of", "and", "for", "the", "on", "de", "du", "la"}
    return "".join(w[0] for w in key.split() if w not in small)


@dataclass
class Actor:
    key: str
    name: str  # the most frequent full form
    kind: str  # person | body | unresolved
    names: Counter[str] = field(default_factory=Counter)
    merges: dict[str, str] = field(default_factory=dict)  # name -> why it was merged


def _first_key(mention: Mention) -> tuple[str, str, str | None]:
    """(kind, key, acronym given beside it) of a mention's actor before merging names."""
    name, acronym = clean_name(mention.actor)
    person = person_key(name)
    if person and not is_generic(name):
        return "person", person, acronym
    words = _words(name)
    named = [w for w in words if w.lower() not in _PRONOUNS and w.lower() not in _ROLES]
    titled = len(words) > 1 and words[-1].lower() in _ROLES
    if (
        named
        and not titled
        and not is_generic(name)
        and (is_body(name) or any(w[0].isupper() for w in named))
    ):
        return "body", body_key(name), acronym
    # a kind of actor, a role or a pronoun: only its article knows who it is
    return "unresolved", f"{body_key(name)} [{mention.article}]", None


def _surname_owner(
    surname: str, context: tuple[str, ...], full: dict[str, set[str]]
) -> tuple[str, str] | None:
    same_article = [n for n in context if surname in _surnames(n)]
    if len(same_article) == 1:
        return same_article[0], f"the surname of {same_article[0]}, named in the same article"
    if not same_article and len(full.get(surname, ())) == 1:
        owner = next(iter(full[surname]))
        return owner, f"the surname of {owner}, the only person of that surname in the results"
    return None


def _surnames(key: str) -> set[str]:
    """The words of a full name that may be its surname: the last, and the one before it in a
    name of three words or more (Spanish and Portuguese names carry two)."""
    words = key.split()
    return set(words[-2:]) if len(words) > 2 else {words[-1]}


def _longer_owner(key: str, people: set[str]) -> tuple[str, str] | None:
    longer = [p for p in people if p.startswith(key + " ")]
    if len(longer) == 1:
        return longer[0], f"the same name without the last surname of {longer[0]}"
    return None


def _acronym_owner(key: str, bodies: set[str], given: dict[str, str]) -> tuple[str, str] | None:
    if " " in key or len(key) < 2:
        return None
    if key in given:
        return given[key], f"the acronym given beside {given[key]}"
    owners = [b for b in bodies if " " in b and _initials(b) == key]
    if len(owners) == 1:
        return owners[0], f"the initials of {owners[0]}"
    return None


def _owner(kind: str, key: str, mention: Mention, known: dict[str, Any]) -> tuple[str, str] | None:
    if kind == "person" and " " not in key:
        found = _surname_owner(key, tuple(fold(n) for n in mention.context), known["full"])
        longer = _longer_owner(found[0], known["people"]) if found else None
        return (longer[0], found[1]) if found and longer else found
    if kind == "person":
        return _longer_owner(key, known["people"])
    if kind == "body":
        return _acronym_owner(key, known["bodies"], known["acronyms"])
    return None


def _known(first: list[tuple[str, str, str | None]]) -> dict[str, Any]:
    full: dict[str, set[str]] = defaultdict(set)
    people = {key for kind, key, _ in first if kind == "person" and " " in key}
    for key in people:
        longer = _longer_owner(key, people)
        for surname in _surnames(key):
            full[surname].add(longer[0] if longer else key)
    acronyms: dict[str, set[str]] = defaultdict(set)
    for _, key, acronym in first:
        if acronym:
            acronyms[acronym.lower().replace(".", "")].add(key)
    return {
        "full": full,
        "people": people,
        "bodies": {key for kind, key, _ in first if kind == "body"},
        "acronyms": {a: next(iter(k)) for a, k in acronyms.items() if len(k) == 1},
    }


def resolve_actors(mentions: list[Mention]) -> dict[str, Actor]:
    """Set each mention's ``actor_key`` and return the actors by key (see the module doc)."""
    first = [_first_key(m) for m in mentions]
    known = _known(first)
    actors: dict[str, Actor] = {}
    for mention, (kind, key, _) in zip(mentions, first, strict=True):
        raw = mention.actor.strip()
        owner = _owner(kind, key, mention, known)
        why = ""
        if owner is not None:
            key, why = owner
        elif kind == "person" and key != raw:
            why = "the same name without titles, initials, suffixes, accents or a description"
        elif kind == "body" and key != raw:
            why = "the same name without case, a leading 'the', accents or punctuation"
        actor = actors.get(key)
        if actor is None:
            actor = actors[key] = Actor(key=key, name=key, kind=kind)
        mention.actor_key = key
        actor.names[raw] += 1
        if why and raw not in actor.merges:
            actor.merges[raw] = why
    for actor in actors.values():
        actor.name = _display_name(actor)
    return actors


def _display_name(actor: Actor) -> str:
    if actor.kind == "person":  # the fullest form as written (accents kept)
        forms = [person_key(clean_name(n)[0], folded=False) for n in actor.names]
        same = [f for f in forms if fold(f) == actor.key]
        return max(same, key=lambda f: (len(f), f != fold(f), f)) if same else actor.key
    best, _ = max(actor.names.items(), key=lambda item: (item[1], len(item[0])))
    best = clean_name(best)[0]
    words = best.split()
    if words and words[0].lower() == "the":
        best = " ".join(words[1:])
    return best


# --- similarity ---------------------------------------------------------------------------------

_STOP = set(
    "a an the and or of to in on at by for from with as is are be been being was were will would "
    "shall should can could may might must it its their his her our your they he she we i this "
    "that these those which who whom than then there also not no yet so such any some all more "
    "most very just only over under into about after before until while during again further "
    "per each other own same both between through up down out off above below do does did has "
    "have had having continue continues continued keep keeps kept make makes intend intends plan "
    "plans expect expects anticipate anticipates likely promise promises promised pledge pledged "
    "vow vowed commit commits committed decided decide agreed today now currently".split()
)  # fmt: skip
_MONTHS = set(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec mid early late end year years month "
    "months week weeks quarter quarters".split()
)  # fmt: skip
_TOKEN = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# A commitment's leading clauses that do not say what is committed to: why (a purpose, "To
# support the recovery, ..."), on what condition ("If the outlook does not improve, ...") and
# how the sentence links to the one before ("In particular, ...", "As previously announced,
# ..."). One actor gives one purpose for different commitments, and different purposes for one
# commitment; a condition is a term that may change within a thread. A clause is taken to end
# at the comma before the main clause's subject (an article, a pronoun or a capitalised word).
_OPENERS = re.compile(
    r"^\s*(?:"
    r"(?:to|in order to|so as to|if|unless|once|when|whenever|as long as|provided that|until)\b"
    r"[^;]*?,\s+(?=(?:the|a|an|it|its|we|they|he|she|this|these|our|their)\b|(?-i:[A-Z]))"
    r"|(?:in particular|in addition|moreover|furthermore|however|accordingly|specifically|also"
    r"|meanwhile|consequently|therefore|instead|as (?:previously |already )?(?:announced|agreed"
    r"|planned|promised)(?: [^,]{0,40})?)\s*,\s*"
    r")",
    re.IGNORECASE,
)


# Vague durations of everyday English ("for some time", "for an extended period", "for the
# foreseeable future"): a horizon without a date, a term of the commitment.
_DURATION = (
    r"\bfor (?:some time|a while|the time being|(?:a|an|the) (?:extended|long|longer|considerable"
    r"|prolonged|lengthy|short|brief|limited|indefinite|foreseeable) (?:time|period|while|future))"
    r"\b"
)
# A condition stated after the commitment ("... until the outlook improves", "... as long as
# unemployment stays above 6 percent", "... if circumstances warrant"), to the end of its
# sentence or clause: a term of the commitment, which may change within one thread.
_CONDITION = re.compile(
    r"\b(?:(?:at least )?(?:as|so) long as|until|unless|provided(?: that)?|if|only after)\b"
    r"[^;]*",
    re.IGNORECASE,
)
_TERMS = re.compile(rf"(?:,\s*)?(?:{_CONDITION.pattern})|{_DURATION}", re.IGNORECASE)


def main_clause(text: str) -> str:
    """``text`` without its leading purpose, condition or connective clauses (``_OPENERS``),
    however many there are."""
    while (found := _OPENERS.match(text)) and found.end() < len(text):
        text = text[found.end() :]
    return text


def core(text: str) -> str:
    """What ``text`` commits to: its main clause (:func:`main_clause`) without a condition or
    vague duration stated after it (``_CONDITION``, ``_DURATION``): those are terms, which may
    change within one thread."""
    return _TERMS.sub(" ", main_clause(text))


@functools.lru_cache(maxsize=1 << 16)
def content_words(text: str) -> frozenset[str]:
    """The words that say what a commitment is about: lowercased, crudely stemmed, without
    its leading purpose, condition or connective (:func:`core`), function words, numbers or
    dates (those are what may change within one thread)."""
    return plain_words(core(text))


def plain_words(text: str) -> frozenset[str]:
    """All of ``text``'s words but function words, numbers and dates, lowercased and crudely
    stemmed."""
    words = _TOKEN.findall(text.lower().replace("’", "'"))
    return frozenset(_stem(w) for w in words if w not in _STOP and w not in _MONTHS)


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


Similar = Callable[[int, int], float]  # indices of two mentions -> similarity


def overlap_similarity(texts: list[str]) -> Similar:
    words = [content_words(t) for t in texts]
    return lambda i, j: dice(words[i], words[j])


def load_wordllama() -> Any:
    """wordllama's static embeddings from the weights inside its wheel (no download)."""
    try:
        import wordllama
        from safetensors import safe_open
        from tokenizers import Tokenizer
        from wordllama.inference import WordLlamaInference
    except ImportError as exc:
        raise UsageError(
            "--similarity wordllama needs the wordllama package",
            "pip install 'wordllama>=0.4.0', or use --similarity overlap",
        ) from exc
    root = Path(wordllama.__file__).parent
    weights = root / "weights" / "l2_supercat_256.safetensors"
    with safe_open(str(weights), framework="np") as handle:
        embedding = handle.get_tensor("embedding.weight")
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    return WordLlamaInference(embedding, tokenizer)


def wordllama_similarity(texts: list[str]) -> Similar:
    model = load_wordllama()
    vectors = model.embed([core(t) for t in texts], norm=True) if texts else []
    return lambda i, j: float(vectors[i] @ vectors[j])


def similarity_for(name: str) -> Callable[[list[str]], Similar]:
    choices = {"overlap": overlap_similarity, "wordllama": wordllama_similarity}
    if name not in choices:
        raise UsageError(f"unknown similarity {name!r}", f"choose one of {', '.join(choices)}")
    return choices[name]


# --- threads ------------------------------------------------------------------------------------


@dataclass
class Thread:
    members: list[int] = field(default_factory=list)  # mention indices, in time order
    words: set[str] = field(default_factory=set)

    def recent(self, mentions: list[Mention], article: str) -> list[int]:
        """The members a mention of ``article`` is compared with: those of the thread's
        ``RECENT`` latest other articles, and of ``article`` itself (at most
        ``RECENT_MENTIONS``). By article, not the last few members: an article that adds
        several mentions to a thread must not push the previous article's wording out."""
        found: list[int] = []
        seen: set[str] = set()
        for index in reversed(self.members):
            other = mentions[index].article
            if other != article and other not in seen:
                if len(seen) == RECENT:
                    break
                seen.add(other)
            found.append(index)
            if len(found) == RECENT_MENTIONS:
                break
        return found


def time_key(mention: Mention) -> tuple[str, int]:
    return (mention.date or "", mention.order)


def place_undated(mentions: list[Mention]) -> dict[int, str]:
    """The date each mention is sorted by: its own, else the last date before it in the
    results (an undated record stays where the results put it)."""
    placed: dict[int, str] = {}
    last = ""
    for index in sorted(range(len(mentions)), key=lambda i: mentions[i].order):
        last = mentions[index].date or last
        placed[index] = last
    return placed


_POSSESSIVE = re.compile(r"['’]s$")


def compared(mention: Mention) -> str:
    """The text a mention is compared by: its commitment without the words of its actor's
    name (a thread is one actor's, so "the Committee will ..." and "will ..." say the same)."""
    name = {w.lower() for w in _words(mention.actor)} - _STOP
    if not name:
        return mention.commitment
    words = mention.commitment.split()
    return " ".join(w for w in words if _POSSESSIVE.sub("", w.lower().strip(".,;:")) not in name)


def thread_mentions(mentions: list[Mention], similar: Similar, threshold: float) -> list[list[int]]:
    """Threads of one actor's mentions (indices into ``mentions``), in time order: each mention
    joins the most similar thread (by its latest mentions) if at least ``threshold``."""
    placed = place_undated(mentions)
    ordered = sorted(range(len(mentions)), key=lambda i: (placed[i], mentions[i].order))
    threads: list[Thread] = []
    by_word: dict[str, list[int]] = defaultdict(list)
    for index in ordered:
        words = content_words(mentions[index].commitment)
        shared = Counter(t for w in words for t in by_word.get(w, ()))
        # with many threads, only the 40 sharing most words with the mention are compared
        candidates = (
            [t for t, _ in shared.most_common(40)] if len(threads) > 40 else range(len(threads))
        )
        best, best_score = -1, threshold
        for t in candidates:
            recent = threads[t].recent(mentions, mentions[index].article)
            score = max(similar(index, j) for j in recent)
            if score >= best_score:
                best, best_score = t, score
        if best < 0:
            threads.append(Thread())
            best = len(threads) - 1
        threads[best].members.append(index)
        for w in words - threads[best].words:
            threads[best].words.add(w)
            by_word[w].append(best)
    return [t.members for t in threads]


# --- changes ------------------------------------------------------------------------------------

_AMOUNT = re.compile(
    r"[$€£]\s?\d[\d,.]*(?:\s*(?:billion|million|trillion|bn|m))?"
    r"|\d+(?:[-/.]\d+)*(?:\s*(?:to|-)\s*\d+(?:[-/.]\d+)*)?\s*(?:percent|per cent|%|basis points)"
    r"|\b\d[\d,.]*\s*(?:billion|million|trillion|thousand)\b",
    re.IGNORECASE,
)
_MONTH_NAMES = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_WHEN = re.compile(
    r"\b(?:(?:the )?(?:end|middle) of )?(?:the )?(?P<quarter>first|second|third|fourth"
    r"|current|this|next) quarter(?: of (?P<quarter_year>(?:19|20)\d\d))?\b"
    rf"|\b(?P<qualifier>early|mid|late|(?:the )?end of|(?:the )?middle of)?[- ]?"
    rf"(?:(?P<month>{_MONTH_NAMES})\s+)?(?P<year>(?:19|20)\d\d)\b"
    r"|\b(?:(?:the )?(?P<edge>end|rest|middle) of (?:the )?(?P<which>this|next|the|current)"
    r"|(?P<bare>this|next|current)) (?P<unit>year|month)\b"
    r"|\bin (?:the )?coming (?:weeks|months|years)\b"
    rf"|{_DURATION}",
    re.IGNORECASE,
)
_MONTH_NUMBERS = {name: n for n, name in enumerate(_MONTH_NAMES.split("|"), 1)}
_QUARTER_ENDS = {"first": 3, "second": 6, "third": 9, "fourth": 12}


def _month_after(year: int, month: int, months: int) -> str:
    total = year * 12 + month - 1 + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def date_term(found: re.Match[str], today: str | None) -> str:
    """One date phrase as a value to compare: a month ("2011-06") where the phrase names one,
    alone or against the article's date ("the end of this month", "the end of the second
    quarter of 2011" and "June 2011" agree; so do "by 2019", "the end of 2019" and, in a 2019
    article, "by the end of the year"); else the phrase itself ("mid-2013", "for some time")."""
    said = _norm(found.group())
    year, month = (int(today[:4]), int(today[5:7])) if today else (None, None)
    if found.group("quarter"):
        which = found.group("quarter").lower()
        if which in _QUARTER_ENDS:
            given = found.group("quarter_year")
            if given or year:
                return f"{given or year}-{_QUARTER_ENDS[which]:02d}"
            return said
        if year and month:  # this, current or next quarter: its last month
            end = (month + 2) // 3 * 3
            return _month_after(year, end, 3 if which == "next" else 0)
        return said
    if found.group("year"):
        qualifier = (found.group("qualifier") or "").lower().removeprefix("the ").strip()
        if found.group("month"):
            number = _MONTH_NUMBERS[found.group("month").lower()]
            if qualifier in ("", "end of"):
                return f"{found.group('year')}-{number:02d}"
            return said
        if qualifier in ("", "end of"):
            return f"{found.group('year')}-12"
        return f"{qualifier.replace(' of', '')} {found.group('year')}"
    if found.group("unit") and year and month:
        which = (found.group("which") or found.group("bare")).lower()
        edge = (found.group("edge") or "").lower()
        if edge == "middle":
            return said
        ahead = 1 if which == "next" else 0
        if found.group("unit").lower() == "year":
            return f"{year + ahead}-12"
        return _month_after(year, month, ahead)
    return said


_REVERSAL = re.compile(
    r"\b(?:no longer|not (?:go ahead|proceed)|will not (?:now|after all)"
    r"|(?:dropp|scrapp|shelv|abandon|revers|withdr[ae]w|cancel+|rescind|call(?:ed)? off"
    r"|back(?:ed)? away)"
    r"\w*\b(?:\s+(?:from\s+)?(?:its|his|her|their|the|a|plans?|pledge|promise)\b)"
    r"|decided against|backtrack\w*|u-turn)",
    re.IGNORECASE,
)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip(" .,;")


# The size of a step ("lower the rate 25 basis points to 2 percent") says how a term moved, not
# what the term now is: the level after the step is the amount compared.
_STEP = re.compile(r"\b(?:by\s+)?\d+(?:[-/.]\d+)*\s*basis points\b", re.IGNORECASE)


def facts(mention: Mention) -> dict[str, frozenset[str]]:
    """What may change within one thread: amounts (not the size of a step), dates and the
    condition, read in the commitment and in its evidence outside the other pledges it states
    (``Mention.others``)."""
    evidence = mention.evidence or ""
    for other in mention.others:
        evidence = evidence.replace(other, " ")
    text = " ".join(filter(None, (mention.commitment, evidence)))
    text = _STEP.sub(" ", text)
    # the condition the brief gives, else one the commitment states after what it commits to;
    # compared by its words, so "until the bridge opens." and "until the bridge opens" agree
    said = _CONDITION.search(main_clause(mention.commitment))
    stated = mention.condition or (said.group() if said else "")
    condition = " ".join(sorted(plain_words(stated)))
    return {
        "amount": frozenset(_norm(m.group()) for m in _AMOUNT.finditer(text)),
        "date": date_terms(text, mention.date),
        "condition": frozenset([condition]) if condition else frozenset(),
    }


def date_terms(text: str, today: str | None) -> frozenset[str]:
    """The dates and vague horizons ``text`` states, as values to compare (:func:`date_term`),
    relative ones against ``today`` (the article's date, ISO) when it is known."""
    return frozenset(date_term(found, today) for found in _WHEN.finditer(text))


def is_reversal(mention: Mention) -> bool:
    return bool(_REVERSAL.search(mention.commitment) or _REVERSAL.search(mention.evidence or ""))


FACT_KINDS = ("amount", "date", "condition")


def flag_changes(mentions: list[Mention], thread: list[int]) -> None:
    """Mark each mention of ``thread`` (in time order) that states an amount, date or
    condition other than the thread last stated: each kind is compared with the latest
    earlier article that stated that kind (any of its mentions). A kind the mention leaves
    unsaid is not a change (a report need not restate every term), and an article that leaves
    it unsaid does not hide the value stated before it; a kind stated for the first time after
    earlier mentions is a change (a term added)."""
    stated: dict[str, list[frozenset[str]]] = {}  # kind -> its values in the latest article
    pending: dict[str, list[frozenset[str]]] = {}  # the same, of the article being read
    article, earlier = None, False
    for index in thread:
        mention = mentions[index]
        if mention.article != article:
            earlier = earlier or article is not None
            stated.update(pending)
            pending, article = {}, mention.article
        mention.reversal = is_reversal(mention)
        now = facts(mention)
        mention.changed = [
            kind for kind in FACT_KINDS
            if now[kind] and (now[kind] not in stated[kind] if kind in stated else earlier)
        ]  # fmt: skip
        for kind in FACT_KINDS:
            if now[kind]:
                pending.setdefault(kind, []).append(now[kind])


# --- the tracker --------------------------------------------------------------------------------


def _commitment_span(mention: Mention) -> dict[str, int] | None:
    """Where the commitment's wording sits in its evidence, if it does."""
    if not mention.evidence:
        return None
    start = mention.evidence.find(mention.commitment)
    if start < 0:
        return None
    return {"start": start, "end": start + len(mention.commitment)}


def _mention_doc(mention: Mention) -> dict[str, Any]:
    return {
        "article": mention.article,
        "date": mention.date,
        "date_from": mention.date_from,
        "order": mention.order,
        "actor": mention.actor,
        "commitment": mention.commitment,
        "condition": mention.condition,
        "evidence": mention.evidence,
        "span": {"start": mention.span[0], "end": mention.span[1]} if mention.span else None,
        "commitment_span": _commitment_span(mention),
        "results": mention.source,
        "changed": mention.changed,
        "reversal": mention.reversal,
    }


def _thread_doc(mentions: list[Mention], members: list[int], number: int) -> dict[str, Any]:
    own = [mentions[i] for i in members]
    dates = [m.date for m in own if m.date]
    changes = []
    for before, after in itertools.pairwise(own):
        if after.changed:
            changes.append({"what": after.changed, "article": after.article,
                            "before": before.commitment, "after": after.commitment,
                            "before_evidence": before.evidence,
                            "after_evidence": after.evidence})  # fmt: skip
    return {
        "id": f"t{number}",
        "first": min(dates) if dates else None,
        "last": max(dates) if dates else None,
        "count": len(own),
        "articles": len({m.article for m in own}),
        "latest": own[-1].commitment,
        "changed": bool(changes),
        "reversed": any(m.reversal for m in own),
        "changes": changes,
        "mentions": [_mention_doc(m) for m in own],
    }


def _in_range(mention: Mention, since: str | None, until: str | None) -> bool:
    if since is None and until is None:
        return True
    if mention.date is None:
        return False
    return (since is None or mention.date >= since) and (until is None or mention.date <= until)


def check_date(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    found = _ISO_DATE.match(value.strip())
    if not found or len(value.strip()) != 10:
        raise UsageError(f"{flag} {value!r} is not a date", "write it as YYYY-MM-DD")
    return value.strip()


def _actor_matches(actor: Actor, wanted: str | None) -> bool:
    if not wanted:
        return True
    needle = wanted.lower()
    return needle in actor.name.lower() or any(needle in n.lower() for n in actor.names)


def _actor_doc(actor: Actor, threads: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": actor.name,
        "kind": actor.kind,
        "names": dict(actor.names.most_common()),
        "merged": [{"name": n, "why": why} for n, why in sorted(actor.merges.items())],
        "mentions": sum(t["count"] for t in threads),
        "threads": threads,
    }


def thread_all(
    mentions: list[Mention], similarity: str = DEFAULT_SIMILARITY, threshold: float | None = None
) -> list[list[int]]:
    """Threads (indices into ``mentions``) of every actor's mentions, changes flagged; the
    mentions' ``actor_key`` must be set (:func:`resolve_actors`)."""
    limit = THRESHOLDS[similarity] if threshold is None else threshold
    make = similarity_for(similarity)
    grouped: dict[str, list[int]] = defaultdict(list)
    for index, mention in enumerate(mentions):
        grouped[mention.actor_key].append(index)
    threads = []
    for indices in grouped.values():
        own = [mentions[i] for i in indices]
        for members in thread_mentions(own, make([compared(m) for m in own]), limit):
            flag_changes(own, members)
            threads.append([indices[i] for i in members])
    return threads


def build(
    mentions: list[Mention],
    *,
    similarity: str = DEFAULT_SIMILARITY,
    threshold: float | None = None,
    actor: str | None = None,
) -> tuple[dict[str, Actor], list[dict[str, Any]]]:
    """Actors (merged) and, for each actor kept by ``actor``, its threads."""
    actors = resolve_actors(mentions)
    limit = THRESHOLDS[similarity] if threshold is None else threshold
    make = similarity_for(similarity)
    grouped: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        grouped[mention.actor_key].append(mention)
    out = []
    for key, own in grouped.items():
        if not _actor_matches(actors[key], actor):
            continue
        threads = thread_mentions(own, make([compared(m) for m in own]), limit)
        docs = []
        for members in threads:
            flag_changes(own, members)
        for number, members in enumerate(threads):
            docs.append(_thread_doc(own, members, number))
        docs.sort(key=lambda t: (-t["count"], t["first"] or "", t["id"]))
        out.append(_actor_doc(actors[key], docs))
    out.sort(key=lambda a: (-a["mentions"], a["name"]))
    return actors, out


def track(
    results: list[str],
    *,
    actor: str | None = None,
    since: str | None = None,
    until: str | None = None,
    similarity: str = DEFAULT_SIMILARITY,
    threshold: float | None = None,
) -> dict[str, Any]:
    """The tracker over batch results files (JSONL or SQLite): actors -> threads -> mentions,
    with what was merged and skipped, and why. See the module doc."""
    if not results:
        raise UsageError("no results file given", "pass the --out of one or more batch runs")
    since, until = check_date(since, "--since"), check_date(until, "--until")
    similarity_for(similarity)  # a bad name fails before any file is read
    skipped = Tally()
    everything = read_mentions(results, skipped)
    if skipped.records and skipped.bad == skipped.records:
        first = skipped.reasons[0]
        raise InputError(
            f"no record of {', '.join(results)} is a batch result ({first['where']}: "
            f"{first['reason']})",
            "pass the --out of a batch run (.jsonl or .sqlite)",
        )
    mentions = [m for m in everything if _in_range(m, since, until)]
    _, actors = build(mentions, similarity=similarity, threshold=threshold, actor=actor)
    threads = sum(len(a["threads"]) for a in actors)
    return {
        "version": TRACK_VERSION,
        "results": [str(r) for r in results],
        "filters": {"actor": actor, "since": since, "until": until},
        "similarity": {"method": similarity,
                       "threshold": THRESHOLDS[similarity] if threshold is None else threshold},
        "counts": {
            "records": skipped.records,
            "failed": skipped.failed,
            "skipped": skipped.bad,
            "mentions": len(mentions),
            "actors": len(actors),
            "threads": threads,
            "dates": dict(Counter(m.date_from for m in mentions)),
        },
        "skipped": skipped.reasons,
        "actors": actors,
    }  # fmt: skip
