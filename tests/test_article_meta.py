"""The brief's ``article`` carries what the page says about itself (author, date, site), and
never a date the page does not show (issue 15: an undated page was given 2026-01-01)."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest

from newsbrief import api
from newsbrief.clean import CleanArticle
from newsbrief.ingest import read_source

BODY = "<p>" + "The council approved the new bridge on Tuesday after a long debate. " * 8 + "</p>"


def page(head: str = "", foot: str = "") -> str:
    return (f"<html><head><title>Bridge</title>{head}</head><body><article><h1>Bridge</h1>"
            f"{BODY}</article>{foot}</body></html>")  # fmt: skip


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (page('<meta name="author" content="Ana Ruiz"><meta property="article:published_time" '
              'content="2025-03-14T10:00:00Z">'), {"author": "Ana Ruiz", "date": "2025-03-14"}),
        (page(), {}),  # no date anywhere: none is made up (today's, say)
        (page(foot="<footer>© 2026 Harbour Daily</footer>"), {}),
        (page(foot="<p>Updated in 2024.</p>"), {}),
        (page(foot="<p>Published January 1, 2025</p>"), {"date": "2025-01-01"}),
    ],
)  # fmt: skip
def test_article_metadata_comes_from_the_page_and_is_never_invented(
    tmp_path: Path, html: str, expected: dict[str, str]
) -> None:
    path = tmp_path / "a.html"
    path.write_text(html)
    article, cleaned = api.clean(str(path))
    if "date" not in expected:
        guessed = cleaned.metadata.get("date")  # the extractor's guess from a bare year
        assert guessed is None or guessed.endswith("-01-01")
    assert api.page_metadata(article, cleaned) == expected
    result = api.brief_article(article, llm=None, prompt=None, cleaned=cleaned, strategy="floor")
    shown = result.to_dict()["article"]
    assert {k: shown[k] for k in ("author", "date") if k in shown} == expected
    assert shown["id"] == "a" and shown["title"] == "Bridge"


def test_a_fetched_page_names_its_site() -> None:
    article = dataclasses.replace(
        read_source("-", stdin=io.BytesIO(b"Some text.")),
        source="https://www.harbour-daily.example/news/1",
    )
    cleaned = CleanArticle(title="T", text="Some text.")
    assert api.page_metadata(article, cleaned) == {"site": "harbour-daily.example"}
