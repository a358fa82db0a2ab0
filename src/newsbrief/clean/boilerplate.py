"""Boilerplate learned from an archive: lines that recur across many articles of one site.

A site repeats its furniture on every page ("Sign up for the Harbour Ledger morning brief",
"Harbour Ledger journalists are independent of its owners") in shapes no general rule knows.
Corpus builders find such lines by frequency: a line seen in many articles of the same site is
not any one article's text. :class:`Boilerplate` counts the distinct lines of each site's
cleaned articles as a run goes (``observe``), and ``strip`` removes from an article the lines
its site has repeated often enough, each recorded as a ``boilerplate`` removal with its count.
What was learned can be saved and loaded (JSON), so a later run starts with it. Learned in a
first pass over a whole archive (``learning`` then turned off), every article of a site is
stripped, the first ones too.

Only short lines are learned (a long paragraph repeated across pages is quoted text, not
furniture), and a line counts once per article. Memory is bounded per site.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import InputError
from .records import CleanArticle, Removal

MIN_ARTICLES = 4  # a line must recur in at least this many articles of the site ...
MIN_SHARE = 0.2  # ... and in at least this share of the site's articles seen
MAX_WORDS = 40  # longer lines are never boilerplate
MAX_LINES_PER_SITE = 50_000  # distinct lines tracked per site (the rarest are dropped)

_URL = re.compile(r"https?://[^\s#]+")


def site_of(source: str) -> str:
    """The site an article came from: the host of the first URL in ``source``, else the
    folder of its path (an archive's member, a directory of one site's pages)."""
    url = _URL.search(source)
    if url:
        host = urlsplit(url.group()).hostname or ""
        return host.removeprefix("www.")
    path = source.split("#", 1)[0].split("::", 1)[0]
    return str(Path(path).parent)


def _lines(text: str) -> set[str]:
    return {line for line in (raw.strip() for raw in text.split("\n"))
            if line and len(line.split()) <= MAX_WORDS}  # fmt: skip


@dataclass
class Boilerplate:
    """Line frequencies per site, learned within a run (thread-safe)."""

    min_articles: int = MIN_ARTICLES
    min_share: float = MIN_SHARE
    articles: Counter[str] = field(default_factory=Counter)
    lines: dict[str, Counter[str]] = field(default_factory=dict)
    learning: bool = True  # False: what was learned is fixed (a first pass, or a file)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def observe(self, site: str, text: str) -> None:
        """Count each distinct short line of ``text`` once for ``site``."""
        with self._lock:
            self.articles[site] += 1
            counts = self.lines.setdefault(site, Counter())
            counts.update(_lines(text))
            if len(counts) > MAX_LINES_PER_SITE:
                self.lines[site] = Counter(dict(counts.most_common(MAX_LINES_PER_SITE // 2)))

    def is_boilerplate(self, site: str, line: str) -> int:
        """How many articles of ``site`` held ``line``, when that makes it boilerplate; else 0."""
        seen = self.lines.get(site, Counter())[line]
        enough = seen >= self.min_articles and seen >= self.min_share * self.articles[site]
        return seen if enough else 0

    def strip(self, site: str, cleaned: CleanArticle) -> CleanArticle:
        """``cleaned`` without the lines ``site`` repeats, each recorded as a removal."""
        kept: list[str] = []
        removed: list[Removal] = []
        offset = 0
        with self._lock:
            for line in cleaned.text.split("\n"):
                count = self.is_boilerplate(site, line.strip()) if line.strip() else 0
                if count:
                    reason = f"seen in {count} of {self.articles[site]} articles of {site}"
                    removed.append(Removal("boilerplate", line, offset, reason=reason))
                else:
                    kept.append(line)
                offset += len(line) + 1
        if not removed:
            return cleaned
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
        stats = {**cleaned.stats, "clean_chars": len(text), "words": len(text.split()),
                 "removed": cleaned.stats.get("removed", 0) + len(removed),
                 "removed_boilerplate": len(removed)}  # fmt: skip
        return replace(cleaned, text=text, removed=[*cleaned.removed, *removed], stats=stats)

    def learn_and_strip(self, site: str, cleaned: CleanArticle) -> CleanArticle:
        """Observe ``cleaned`` for its site (unless learning is over), then strip what the site
        has repeated so far."""
        if self.learning:
            self.observe(site, cleaned.text)
        return self.strip(site, cleaned)

    def save(self, path: Path) -> None:
        """Write the learned frequencies (only lines seen at least twice) as JSON."""
        with self._lock:
            data = {
                "articles": dict(self.articles),
                "lines": {site: {line: n for line, n in counts.items() if n >= 2}
                          for site, counts in self.lines.items()},
            }  # fmt: skip
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Boilerplate:
        """What :meth:`save` wrote; anything else is an :class:`InputError`."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                articles=Counter({str(k): int(v) for k, v in data["articles"].items()}),
                lines={str(site): Counter({str(k): int(v) for k, v in counts.items()})
                       for site, counts in data["lines"].items()},
            )  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise InputError(
                f"cannot read learned boilerplate from {path} ({type(exc).__name__}: {exc})",
                "give a file written by --save-boilerplate",
            ) from exc
