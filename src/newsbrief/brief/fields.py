"""How the views name a list field of the Brief and its items, derived from the field's name.

Said once, here, for every view (terminal, Markdown, the brief and batch pages, the progress
line): the list field ``quoted_experts`` is the section "Quoted experts", its short name is
"experts" (progress lines, the batch page's counts and filters), and its items' ids on the
brief page start with "expert" (``expert-0``; the second quote of the first expert is
``quote-0-1``). A new list field gets its names from its own name, and the views show it
(in a plain layout until one is written for it) without being edited.

Standard library only: the fast path's renderer reads it without importing pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The fields that name who an item is about, in the order they are looked for.
WHO_FIELDS = ("actor", "name")


def title(field: str) -> str:
    """The section title of ``field``: ``quoted_experts`` -> "Quoted experts"."""
    return field.replace("_", " ").capitalize()


def short(field: str) -> str:
    """The short name of ``field``: its last word (``quoted_experts`` -> "experts")."""
    return field.rsplit("_", 1)[-1]


def anchor(field: str) -> str:
    """What the brief page's ids of ``field``'s items start with: its short name, singular."""
    name = short(field)
    return name[:-1] if name.endswith("s") else name


def list_fields(brief: Mapping[str, Any]) -> list[str]:
    """The list fields of ``brief`` (its JSON form), in the Brief's order."""
    return [name for name, value in brief.items() if isinstance(value, list)]


def who(item: Mapping[str, Any]) -> str:
    """Who ``item`` is about: its first of :data:`WHO_FIELDS`, or ""."""
    return next((str(item[k]) for k in WHO_FIELDS if item.get(k)), "")


def plain_line(item: Mapping[str, Any]) -> str:
    """``item`` in one plain line: who, then its other text fields, in order."""
    texts = [str(v) for k, v in item.items() if isinstance(v, str) and v and k not in WHO_FIELDS]
    head = who(item)
    return f"{head}: {' · '.join(texts)}" if head else " · ".join(texts)
