"""What a clean gives back: the text, and a :class:`Removal` for every piece it took out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Removal:
    kind: str  # the pass: mojibake, invisible, control, footer, chrome, watermark, glued,
    # boilerplate (learned per site in a batch: newsbrief.clean.boilerplate)
    text: str  # the text removed or replaced, verbatim
    position: int  # offset in the text the pass worked on
    replacement: str = ""  # what took its place ("" for a removal)
    reason: str = ""  # why, where the kind alone does not say (boilerplate: how often seen)


@dataclass(frozen=True)
class CleanArticle:
    title: str | None
    text: str
    removed: list[Removal] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)  # author, date (from HTML)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CleanArticle:
        return cls(
            title=data["title"],
            text=data["text"],
            removed=[Removal(**r) for r in data["removed"]],
            stats=dict(data["stats"]),
            metadata=dict(data.get("metadata", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.title,
            "text": self.text,
            "removed": [asdict(r) for r in self.removed],
            "stats": dict(self.stats),
        }
        if self.metadata:
            data["metadata"] = dict(self.metadata)
        return data


def diff(raw: str, cleaned: str, name: str = "article", removed: Sequence[Removal] = ()) -> str:
    """A unified diff, line by line, from the raw input to the cleaned text; with ``removed``
    (the clean's audit) it ends with why each piece went, one ``#`` line per removal (its pass,
    the kind of text where the pass says, and the text), which patch tools skip."""
    import difflib

    before = [line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip()]
    after = [line for line in cleaned.split("\n") if line]
    lines = difflib.unified_diff(before, after, f"{name} (raw)", f"{name} (clean)", n=0)
    out = [line.rstrip("\n") for line in lines]
    if removed:
        out.append(f"# why: {len(removed)} removals (pass · kind: text)")
        for r in removed:
            why = f"{r.kind} · {r.reason}" if r.reason else r.kind
            text = " ".join(r.text.split())
            shown = text if len(text) <= 120 else text[:117] + "..."
            out.append(f"# {why}: {shown}" + (f" -> {r.replacement}" if r.replacement else ""))
    return "\n".join(out)
