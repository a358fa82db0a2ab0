"""Actors: the people and bodies a sentence names, offered as the options of a question.

A tiny model cannot name who binds itself in a sentence, but it can choose among the names the
sentence holds; these rules find those names (capitalised runs, roles such as "the mayor",
groups such as "both sides"), nearest to the cue first.
"""

from __future__ import annotations

import re

CAPITALIZED = re.compile(
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


NOT_ACTORS = {
    "The", "A", "An", "In", "On", "At", "It", "He", "She", "They", "We", "I", "This", "That",
    "These", "Those", "According", "Both", "Through", "Noting", "During", "After", "Before",
    "While", "When", "As", "But", "And", "Also", "However", "Its", "Their", "His", "Her",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Internet",
}  # fmt: skip


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
    for match in CAPITALIZED.finditer(sentence):
        if _modifier(sentence, match):
            continue
        words = match.group().split()
        while words and words[0] in NOT_ACTORS:
            words = words[1:]
        while words and words[-1] in {"of", "for", "and", "the"}:
            words = words[:-1]
        if not words:
            continue
        name = " ".join(words).rstrip(".’'")
        if len(name) > 1 and name not in NOT_ACTORS:
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
