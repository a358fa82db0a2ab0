"""Reading input: encodings, HTML by content, URLs from a loopback server, size limits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsbrief import api
from newsbrief.cli import app
from newsbrief.errors import InputError
from newsbrief.ingest import MAX_ARTICLE_BYTES, article_from_bytes, looks_like_html, read_source

PAGE = """<!DOCTYPE html>
<html><head><title>Council backs bridge | Example News</title>
<meta name="author" content="Maria Lopez">
<meta property="article:published_time" content="2025-03-03"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Council backs new bridge plan</h1><p>By Maria Lopez</p>
<p>The city council voted on Tuesday to approve a new bridge across the river, ending a decade
of debate about traffic in the old town.</p>
<p>“This bridge will cut commutes in half,” said Ana Ruiz, a transport researcher at Lima
University.</p>
<p>The mayor pledged to start construction next spring if the state grant arrives.</p>
</article>
<section class="comments"><p>Great news, finally! Posted by Bob</p></section>
<footer>© 2025 Example News. All rights reserved.</footer></body></html>
"""
ACCENTED = (
    "Le ministre a déclaré lundi que la réforme des retraites serait présentée à l'été. "
    "Selon l'économiste Hélène Dupré, « c'est une étape décisive » pour le gouvernement.\n"
) * 3


def test_html_is_recognized_by_content_not_name(tmp_path: Path) -> None:
    page = tmp_path / "article.txt"
    page.write_text(PAGE, encoding="utf-8")
    article = read_source(str(page))
    assert article.content_type == "text/html"
    assert looks_like_html(b"<div><p>a</p><p>b</p><span>c</span><a href=x>d</a><br></div>")
    assert not looks_like_html(b"Plain text that mentions <b> once.")


def test_html_extraction_keeps_the_article_only(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    _, cleaned = api.clean(str(page))
    assert cleaned.title == "Council backs new bridge plan"
    assert cleaned.metadata == {"author": "Maria Lopez", "date": "2025-03-03"}
    assert cleaned.text.startswith("Council backs new bridge plan\n\nThe city council voted")
    assert "This bridge will cut commutes in half" in cleaned.text
    for chrome in ("Home", "Great news", "All rights reserved", "By Maria Lopez"):
        assert chrome not in cleaned.text
    assert cleaned.stats["html_chars"] > cleaned.stats["extracted_chars"] > 0
    assert any(r.kind == "chrome" and r.text == "By Maria Lopez" for r in cleaned.removed)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_non_utf8_text_is_decoded(encoding: str) -> None:
    article = article_from_bytes(ACCENTED.encode(encoding), source="x")
    assert article.raw.strip() == ACCENTED.strip()


def test_oversized_input_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # a sparse 50 MB file of zero bytes
    with pytest.raises(InputError, match="too big for one article"):
        read_source(str(big))
    with pytest.raises(InputError, match="too big"):
        article_from_bytes(b"a" * (MAX_ARTICLE_BYTES + 1), source="stdin")


ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/bridge": (200, "text/html; charset=utf-8", PAGE.encode()),
    "/plain": (200, "text/plain; charset=iso-8859-1", ACCENTED.encode("latin-1")),
    "/huge": (200, "text/plain", b"word " * (MAX_ARTICLE_BYTES // 5 + 10)),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, content_type, body = ROUTES.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_url_is_fetched_and_extracted(site: str) -> None:
    article, cleaned = api.clean(f"{site}/bridge")
    assert article.source == f"{site}/bridge"
    assert article.content_type == "text/html"
    assert article.id.endswith("bridge")
    assert cleaned.title == "Council backs new bridge plan"


def test_url_charset_header_is_used(site: str) -> None:
    article = read_source(f"{site}/plain")
    assert article.raw == ACCENTED


def test_url_errors_are_one_clear_line(site: str) -> None:
    result = CliRunner().invoke(app, ["clean", f"{site}/missing"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {site}/missing answered 404 Not Found; check the URL"
    with pytest.raises(InputError, match="too big"):
        read_source(f"{site}/huge")


def test_every_input_format_is_read_by_its_row_in_the_readers_table(tmp_path: Path) -> None:
    # issue 25: one suffix-to-reader table; a name with more dots is read by its last suffix
    from newsbrief.ingest import READERS, iter_articles, reader_for

    assert reader_for(tmp_path / "a.jsonl.gz") is READERS[".jsonl.gz"]
    assert reader_for(tmp_path / "my.data.jsonl") is READERS[".jsonl"]
    assert reader_for(tmp_path / "x.y.tgz") is READERS[".tgz"]
    assert reader_for(tmp_path / "story.txt") is None  # one article file
    source = tmp_path / "my.data.jsonl"
    source.write_text('{"id": "a", "text": "The mayor said the city will plant trees."}\n')
    assert [item.id for item in iter_articles([str(source)])] == ["a"]
