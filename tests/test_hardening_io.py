"""Issue 22, part B: what newsbrief prints and what it reads from the outside. Secrets masked in
every printed line (hints included), closed pipes, DNS rebinding, compressed pages, BOM-marked
CSV and JSONL, HTML in Markdown output, and the last "unexpected" errors. Each test failed before
its fix."""

from __future__ import annotations

import codecs
import contextlib
import copy
import functools
import gzip
import json
import os
import socket
import subprocess
import sys
import threading
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsbrief import ingest
from newsbrief.cli import app
from newsbrief.errors import EXIT_CLOSED_PIPE, InputError
from newsbrief.ingest import fetching

from .fault_server import FaultServer, fault_server
from .test_batch import texts

SECRET = "s3cr3tPassw0rd"
QUERY_SECRET = "QK9zzTopSecret"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with fault_server() as state:
        yield state


# --- 1. secrets masked in every printed line, hints included ---------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _batch_args(tmp_path: Path, count: int) -> tuple[list[str], Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts(count):
        (folder / f"{name}.txt").write_text(text)
    out = tmp_path / "r.jsonl"
    args = ["batch", str(folder), "--out", str(out), "-m", "openai:fault", "--mode",
            "json_schema", "--concurrency", "1", "--no-cache"]  # fmt: skip
    return args, out


def test_the_resume_hint_of_the_circuit_breaker_masks_the_base_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBRIEF_CIRCUIT_BREAKER", "2")
    args, _ = _batch_args(tmp_path, 3)
    dead = f"http://user:{SECRET}@127.0.0.1:{_closed_port()}/v1?api_key={QUERY_SECRET}"
    argv = [*args, "--base-url", dead]
    monkeypatch.setattr(sys, "argv", ["newsbrief", *argv])  # the hint repeats the command line
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 1, result.output
    assert "finish with: newsbrief batch" in result.stderr
    assert "--resume" in result.stderr.splitlines()[-1]
    assert SECRET not in result.output + result.stderr
    assert QUERY_SECRET not in result.output + result.stderr
    assert "[redacted]" in result.stderr.splitlines()[-1]


def test_the_redo_hint_for_failed_records_masks_the_base_url(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.context_limit = 1  # every article fails on its own; the endpoint is fine
    args, _ = _batch_args(tmp_path, 2)
    url = server.base_url + f"?api_key={QUERY_SECRET}"
    argv = [*args, "--base-url", url]
    monkeypatch.setattr(sys, "argv", ["newsbrief", *argv])
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 3, result.output
    assert "redo them: newsbrief batch" in result.output
    assert QUERY_SECRET not in result.output + result.stderr


# --- 2. a closed pipe ends every command quietly with 141 ------------------------------------

PIPE_COMMANDS = {
    "prompts-show": ["prompts", "show", "brief@1"],
    "prompts-list": ["prompts", "list"],
    "models": ["models"],
    "summarize-pretty": ["summarize", "{seed}", "--strategy", "floor"],
    "eval-compare": ["eval", "compare", "evals/baselines/brief@2.local.json",
                     "evals/baselines/brief@2.local.json"],
    "batch-summary": ["batch", "{seed}", "--out", "{tmp}/r.jsonl", "--strategy", "floor"],
    "help": ["--help"],
    "command-help": ["summarize", "-h"],
    "version": ["--version"],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PIPE_COMMANDS))
def test_a_closed_pipe_ends_every_command_with_141_and_nothing_on_stderr(
    tmp_path: Path, seed_path: Path, name: str
) -> None:
    args = [a.format(seed=seed_path, tmp=tmp_path) for a in PIPE_COMMANDS[name]]
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte, as `| head -0` would be
    try:
        process = subprocess.run(
            [sys.executable, "-m", "newsbrief", *args], stdout=write, stderr=subprocess.PIPE,
            cwd=Path(__file__).parent.parent, timeout=300, check=False,
        )  # fmt: skip
    finally:
        os.close(write)
    assert process.returncode == EXIT_CLOSED_PIPE, process.stderr
    assert b"Traceback" not in process.stderr and b"Exception ignored" not in process.stderr
    assert b"error" not in process.stderr, process.stderr


# --- 7. the last "unexpected ..." errors: one line, exit 2 ------------------------------------
# (the summarize cases are rows of error_cases.yaml: corrupt-run-log, config-nested-too-deep,
# prompt-*)


def _one_line_exit_2(result: Any, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "unexpected" not in lines[0] and "Traceback" not in result.output
    for word in words:
        assert word in lines[0]


def test_a_bad_progress_interval_is_one_line_before_the_batch_starts(
    tmp_path: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBRIEF_PROGRESS_EVERY", "abc")
    out = tmp_path / "r.jsonl"
    result = CliRunner().invoke(app, ["batch", str(seed_path), "--out", str(out),
                                      "--strategy", "floor"])  # fmt: skip
    _one_line_exit_2(result, "NEWSBRIEF_PROGRESS_EVERY='abc'", "number of seconds")
    assert not out.exists()


def test_a_corrupt_run_log_is_one_line_for_logs(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "newsbrief.db").write_bytes(b"garbage, not SQLite" * 100)
    for args in (["logs"], ["logs", "show", "1"]):
        _one_line_exit_2(CliRunner().invoke(app, args), "is not a SQLite database", "move it away")


@pytest.mark.parametrize(
    "content",
    [b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe{\x00}\x00", b'{"version": 1, "items": [',
     b'{"version": 2, "items": []}', b'{"version": 1, "items": [{"id": 3}]}'],
    ids=["nested", "not-utf8", "cut", "another-version", "a-wrong-field"],
)  # fmt: skip
def test_a_broken_eval_run_file_is_one_line(tmp_path: Path, content: bytes) -> None:
    broken = tmp_path / "run.json"
    broken.write_bytes(content)
    good = Path(__file__).parent.parent / "evals" / "baselines" / "brief@2.local.json"
    result = CliRunner().invoke(app, ["eval", "compare", str(broken), str(good)])
    _one_line_exit_2(result, str(broken))


# --- 6. Markdown output escapes the article's HTML and link syntax ----------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "[click here](javascript:alert(3))",
    "[prize](http://evil.example/steal)",
    "<javascript:alert(4)>",
    "![pixel](http://evil.example/p.png)",
    "line one\n\n<iframe src=//evil.example></iframe>\n# not a heading",
]


def _hostile_result(text: str) -> dict[str, Any]:
    from .test_render import RESULT

    result = copy.deepcopy(RESULT)
    result["article"]["title"] = f"Title {text}"
    brief = result["brief"]
    brief["summary"] = f"Summary {text}"
    brief["pledges"][0].update(actor=f"Actor {text}", commitment=text, condition=text,
                               evidence=text)  # fmt: skip
    brief["positions"] = [{"actor": text, "topic": text, "stance": "supports",
                           "statement": text, "evidence": text}]  # fmt: skip
    brief["quoted_experts"][0].update(name=text, role=text, affiliation=text)
    brief["quoted_experts"][0]["quotes"] = [{"text": text, "kind": "direct"},
                                            {"text": text, "kind": "indirect"}]  # fmt: skip
    result["meta"]["grounding"]["dropped"] = [{"part": "pledges", "text": text, "reason": text}]
    return result


def _active_tokens(markdown: str) -> list[str]:
    """The tokens of ``markdown`` that would run or load something when it is rendered as HTML:
    raw HTML, links, images (newsbrief's Markdown has none of its own)."""
    from markdown_it import MarkdownIt

    found = []
    stack = list(MarkdownIt("commonmark").parse(markdown))
    while stack:
        token = stack.pop()
        stack.extend(token.children or [])
        if token.type in ("html_inline", "html_block", "link_open", "image", "autolink"):
            found.append(f"{token.type}: {token.content or token.attrs}")
    return found


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_output_has_no_html_links_or_images_from_the_article(text: str) -> None:
    from markdown_it import MarkdownIt

    from newsbrief import render

    markdown = render.to_markdown(_hostile_result(text))
    assert _active_tokens(markdown) == []
    html = MarkdownIt("commonmark").render(markdown)
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "href=" not in html
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert [h.split(" ", 1)[0] for h in headings] == ["#", "##", "##", "##", "##", "##"]


def test_escaped_markdown_still_reads_as_the_article_wrote_it() -> None:
    from markdown_it import MarkdownIt

    from newsbrief import render

    result = _hostile_result('He said "5 < 6 & 7 > 2" at [the meeting] (2 * 3_000).')
    html = MarkdownIt("commonmark").render(render.to_markdown(result))
    # the text, as a reader of the rendered page sees it: the article's characters, unchanged
    assert 'He said "5 &lt; 6 &amp; 7 &gt; 2" at [the meeting] (2 * 3_000).' in html.replace(
        "&quot;", '"'
    )


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
       | st.text(alphabet="<>[]()!&#*_`~\\|=-+.:/ 1aj\n", max_size=60))  # fmt: skip
def test_no_article_text_becomes_markdown_syntax(text: str) -> None:
    from newsbrief import render

    markdown = render.to_markdown(_hostile_result(text))
    assert _active_tokens(markdown) == []
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert len(headings) == 6


# --- 5. UTF-16, UTF-32 and BOM-marked CSV and JSONL --------------------------------------------

BOM_ENCODINGS = ["utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-32"]
ROWS = [("a1", "Der Bürgermeister sagte: «Wir bauen die Brücke», und der Rat stimmte zu."),
        ("a2", "El alcalde prometió un año de obras; 東京 y São Paulo también.")]  # fmt: skip


def _encoded(text: str, encoding: str) -> bytes:
    """``text`` in ``encoding`` with its byte order mark (``-bom``: that endianness, marked)."""
    if encoding.endswith("-bom"):
        codec = encoding.removesuffix("-bom")
        bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
        return bom + text.encode(codec)
    return text.encode(encoding)


def _read(path: Path) -> list[Any]:
    from newsbrief.ingest import iter_articles

    return list(iter_articles([str(path)]))


@pytest.mark.parametrize("encoding", BOM_ENCODINGS)
@pytest.mark.parametrize("kind", ["csv", "jsonl", "csv.gz", "jsonl.gz"])
def test_bom_marked_csv_and_jsonl_are_decoded(tmp_path: Path, encoding: str, kind: str) -> None:
    if kind.startswith("csv"):
        text = "id,text\r\n" + "".join(f'{i},"{t}"\r\n' for i, t in ROWS)
    else:
        text = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in ROWS)
    data = _encoded(text, encoding)
    path = tmp_path / f"in.{kind}"
    path.write_bytes(gzip.compress(data) if kind.endswith(".gz") else data)
    items = _read(path)
    assert [(item.id, item.raw) for item in items] == ROWS, items


def test_a_bom_marked_jsonl_keeps_its_line_cap(tmp_path: Path) -> None:
    from newsbrief.ingest import MAX_ARTICLE_BYTES, Unreadable

    big = json.dumps({"id": "big", "text": "x" * (MAX_ARTICLE_BYTES + 10)})
    small = json.dumps({"id": "ok", "text": ROWS[0][1]})
    path = tmp_path / "in.jsonl"
    path.write_bytes(f"{big}\n{small}\n".encode("utf-16"))
    items = _read(path)
    assert isinstance(items[0], Unreadable) and "over 5 MB" in str(items[0].error)
    assert (items[1].id, items[1].raw) == ("ok", ROWS[0][1])


# --- 3 and 4. URL fetches: DNS rebinding, compressed bodies -----------------------------------

ARTICLE_HTML = (
    "<html><head><title>Bridge vote</title></head><body><article><h1>Bridge vote</h1>"
    + "<p>The council approved the bridge on Tuesday after a long debate.</p>" * 20
    + "</article></body></html>"
).encode()
BOMB_BYTES = 200 * 1024 * 1024  # what the gzip bomb inflates to


@functools.cache
def _bomb() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    block = bytes(1024 * 1024)
    return b"".join(compressor.compress(block) for _ in range(BOMB_BYTES // len(block))) + (
        compressor.flush()
    )


def _deflate(data: bytes, wbits: int) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return compressor.compress(data) + compressor.flush()


BODIES = {
    "/gzip": ("gzip", gzip.compress(ARTICLE_HTML)),
    "/gzip-twice": ("gzip", gzip.compress(ARTICLE_HTML[:500])
                    + gzip.compress(ARTICLE_HTML[500:])),  # two members, one stream
    "/deflate": ("deflate", _deflate(ARTICLE_HTML, 15)),  # zlib-wrapped, as RFC 9110 says
    "/raw-deflate": ("deflate", _deflate(ARTICLE_HTML, -15)),  # what some servers send
    "/plain": ("identity", ARTICLE_HTML),
    "/broken": ("gzip", gzip.compress(ARTICLE_HTML)[:40] + b"garbage" * 20),
    "/brotli": ("br", b"\x1b\x03\x00\xf8\xa5\x00"),
}  # fmt: skip


class _Pages(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Pages.seen.append(f"{self.headers.get('Host')}{self.path}")
        port = self.server.server_address[1]
        if self.path == "/go":  # a public page that redirects to a name that rebinds
            self.send_response(302)
            self.send_header("Location", f"http://rebind.example:{port}/secret")
            self.end_headers()
            return
        if self.path == "/hop":  # a redirect within the same site
            self.send_response(302)
            self.send_header("Location", f"http://news.example:{port}/plain")
            self.end_headers()
            return
        coding, body = BODIES.get(self.path, ("identity", ARTICLE_HTML))
        if self.path == "/bomb":
            coding, body = "gzip", _bomb()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Encoding", coding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def pages() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Pages.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("path", ["/gzip", "/gzip-twice", "/deflate", "/raw-deflate", "/plain"])
def test_compressed_pages_are_decoded(pages: str, path: str) -> None:
    article = ingest.fetch(pages + path)
    assert article.raw == ARTICLE_HTML.decode() and article.content_type == "text/html"


def test_a_gzip_bomb_stops_at_the_size_cap_without_inflating_it_all(pages: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="over 5 MB"):
            ingest.fetch(pages + "/bomb")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * ingest.MAX_ARTICLE_BYTES, peak  # 200 MB inflated whole before


@pytest.mark.parametrize(("path", "message"), [("/broken", "cannot decode its gzip body"),
                                               ("/brotli", "'br' encoding")])  # fmt: skip
def test_a_body_that_cannot_be_decoded_is_one_clear_error(
    pages: str, path: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        ingest.fetch(pages + path)


class _Network:
    """A resolver and a network on loopback: names answer as the test says, an address stands in
    for a public host by reaching the local server; every connection attempt is recorded."""

    def __init__(self, port: int, answers: dict[str, list[list[str]]]) -> None:
        self.port = port
        self.answers = answers  # host -> one answer per look-up (the last one repeats)
        self.lookups: list[str] = []
        self.connected: list[str] = []
        self.real = socket.create_connection

    def resolve(self, host: str) -> list[str]:
        self.lookups.append(host)
        answers = self.answers.get(host)
        if answers is None:  # an address resolves to itself
            return [host]
        return answers.pop(0) if len(answers) > 1 else answers[0]

    def connect(self, address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        host, port = address[0], address[1]
        ip = host if host[0].isdigit() else self.resolve(host)[0]  # the system's own look-up
        self.connected.append(ip)
        if ip == "93.184.216.34":  # the public news site: the local server plays it
            return self.real(("127.0.0.1", port), *args, **kwargs)
        if ip == "127.0.0.1":
            return self.real((ip, port), *args, **kwargs)
        raise ConnectionRefusedError(f"{ip} refuses (no network in tests)")


def test_a_name_that_rebinds_to_loopback_is_never_connected_to(
    pages: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = int(pages.rsplit(":", 1)[1])
    network = _Network(port, {"news.example": [["93.184.216.34"]],
                              "rebind.example": [["93.184.216.35"], ["127.0.0.1"]]})  # fmt: skip
    monkeypatch.setattr(fetching, "_addresses", network.resolve)
    monkeypatch.setattr(socket, "create_connection", network.connect)
    with pytest.raises(InputError, match="cannot fetch"):
        ingest.fetch(f"http://news.example:{port}/go")
    # the address checked as public is the one connected to; loopback is never reached
    assert network.connected == ["93.184.216.34", "93.184.216.35"]
    assert _Pages.seen == [f"news.example:{port}/go"]  # the Host header names the site


def test_each_name_is_looked_up_once_per_fetch(pages: str, monkeypatch: pytest.MonkeyPatch) -> None:
    port = int(pages.rsplit(":", 1)[1])
    network = _Network(port, {"news.example": [["93.184.216.34"]]})
    monkeypatch.setattr(fetching, "_addresses", network.resolve)
    monkeypatch.setattr(socket, "create_connection", network.connect)
    article = ingest.fetch(f"http://news.example:{port}/hop")
    assert "council approved" in article.raw
    assert network.lookups == ["news.example"]  # checked and connected twice on one answer
    assert network.connected == ["93.184.216.34", "93.184.216.34"]


def test_a_corrupt_batch_file_state_is_one_line_and_the_results_stay(
    tmp_path: Path, seed_path: Path
) -> None:
    out = tmp_path / "r.jsonl"
    out.write_text('{"id": "done-before", "status": "ok"}\n')
    (tmp_path / "r.jsonl.batches").mkdir()
    (tmp_path / "r.jsonl.batches" / "state.sqlite").write_bytes(b"not SQLite at all" * 64)
    args = ["batch", str(seed_path), "--out", str(out), "--export-requests",
            str(tmp_path / "req.jsonl"), "-m", "openai:gpt-x", "--base-url",
            "http://127.0.0.1:9/v1", "--resume"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    _one_line_exit_2(result, "state.sqlite", "is not a SQLite database")
    assert out.read_text() == '{"id": "done-before", "status": "ok"}\n'


def test_a_boilerplate_file_nested_too_deep_is_one_line(tmp_path: Path, seed_path: Path) -> None:
    learned = tmp_path / "learned.json"
    learned.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    args = ["batch", str(seed_path), "--out", str(tmp_path / "r.jsonl"), "--strategy", "floor",
            "--boilerplate", str(learned)]  # fmt: skip
    _one_line_exit_2(CliRunner().invoke(app, args), "learned boilerplate", str(learned))


@pytest.mark.parametrize("labels", [b"id: " + b"[" * 100_000 + b"]" * 100_000, b"id: \xff\xfe"],
                         ids=["nested", "not-utf8"])  # fmt: skip
def test_fixture_labels_that_cannot_be_parsed_are_one_line(tmp_path: Path, labels: bytes) -> None:
    fixture = tmp_path / "fixtures" / "f1"
    fixture.mkdir(parents=True)
    (fixture / "article.txt").write_text("The council approved the bridge on Tuesday.\n" * 5)
    (fixture / "labels.yaml").write_bytes(labels)
    result = CliRunner().invoke(app, ["eval", "--fixtures", str(tmp_path / "fixtures"),
                                      "--strategy", "floor"])  # fmt: skip
    _one_line_exit_2(result, "labels.yaml is invalid")
