"""Batch runs: every input format, failures recorded, resume after a crash, shards, Ctrl-C."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsbrief import batch
from newsbrief.cli import app
from newsbrief.errors import EXIT_SOME_FAILED, InputError, LLMUnavailableError, UsageError
from newsbrief.ingest import Article, Unreadable, iter_articles

from .fault_server import FaultServer, fault_server
from .helpers import CORPUS, batch_args, records

HTML = (
    "<!doctype html><html><head><title>Harbour deal signed</title></head><body><article>"
    "<h1>Harbour deal signed</h1><p>The port authority signed the harbour deal on Monday "
    "after months of talks with the shipping companies.</p><p>The mayor said the city would "
    "dredge the channel by next spring.</p></article></body></html>"
)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with fault_server() as state:
        yield state


def texts(n: int) -> list[tuple[str, str]]:
    return [(path.stem, path.read_text(encoding="utf-8")) for path in CORPUS[:n]]


def ids(items: list[Article | Unreadable]) -> list[str]:
    return [item.id for item in items]


def run(server: FaultServer, inputs: list[str], out: Path, **options: object) -> batch.Counts:
    return batch.run(
        inputs,
        out,
        model="openai:fault",
        base_url=server.base_url,
        mode="json_schema",
        **options,  # type: ignore[arg-type]
    )


# --- input formats -----------------------------------------------------------------------------


def test_directory_recursive_with_article_suffixes_only(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "one.txt").write_text(CORPUS[0].read_text())
    (tmp_path / "a" / "two.md").write_text(CORPUS[1].read_text())
    (tmp_path / "a" / "b" / "three.html").write_text(HTML)
    (tmp_path / "a" / "photo.png").write_bytes(b"\x89PNG\x00\x00")
    items = list(iter_articles([str(tmp_path)]))
    assert ids(items) == ["one", "a/two", "a/b/three"]  # each folder, then its subfolders
    assert all(isinstance(i, Article) for i in items)
    assert items[2].content_type == "text/html"  # type: ignore[union-attr]


def test_globs_and_single_files(tmp_path: Path) -> None:
    for name, text in texts(3):
        (tmp_path / f"{name}.txt").write_text(text)
    items = list(iter_articles([str(tmp_path / "0[12]*.txt"), str(CORPUS[2])]))
    assert ids(items) == [CORPUS[0].stem, CORPUS[1].stem, CORPUS[2].stem]
    missing = list(iter_articles([str(tmp_path / "nothing-*.txt"), str(tmp_path / "gone.txt")]))
    assert all(isinstance(i, Unreadable) for i in missing) and len(missing) == 2


def test_jsonl_and_gzip_with_mapped_fields(tmp_path: Path) -> None:
    plain = tmp_path / "a.jsonl"
    lines = [json.dumps({"id": name, "text": text}) for name, text in texts(2)]
    lines += [json.dumps({"html": HTML, "url": "https://example.org/harbour"}), "", "{broken"]
    lines += [json.dumps({"id": "no-text", "body": "x"}), json.dumps([1, 2])]
    plain.write_text("\n".join(lines) + "\n")
    items = list(iter_articles([str(plain)]))
    assert [type(i).__name__ for i in items] == [
        "Article", "Article", "Article", "Unreadable", "Unreadable", "Unreadable",
    ]  # fmt: skip
    assert items[2].source == "https://example.org/harbour" and len(items[2].id) == 16
    assert "not JSON" in str(items[3].error)  # type: ignore[union-attr]
    assert "--text-field" in str(items[4].error)  # type: ignore[union-attr]
    packed = tmp_path / "b.jsonl.gz"
    with gzip.open(packed, "wt") as handle:
        for name, text in texts(2):
            handle.write(json.dumps({"key": name, "body": text}) + "\n")
    mapped = list(iter_articles([str(packed)], text_field="body", id_field="key"))
    assert ids(mapped) == [CORPUS[0].stem, CORPUS[1].stem]


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "id,text\n" + "".join(f'{n},"{t.replace(chr(34), chr(34) * 2)}"\n' for n, t in texts(3))
    )
    items = list(iter_articles([str(path)]))
    assert ids(items) == [p.stem for p in CORPUS[:3]]
    assert items[0].raw == CORPUS[0].read_text()  # type: ignore[union-attr]


def test_zip_members_in_memory_with_bad_members_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("news/one.txt", CORPUS[0].read_text())
        archive.writestr("news/two.html", HTML)
        archive.writestr("news/empty.txt", "")
        archive.writestr("news/binary.txt", b"\x00\x01\x02" * 100)
        archive.writestr("news/bomb.txt", b"a" * (6 * 1024 * 1024))  # compresses to ~6 KB
        archive.writestr("../escape.txt", CORPUS[1].read_text())
        archive.writestr("image.png", b"\x89PNG")
    before = set(os.listdir(tmp_path))
    items = list(iter_articles([str(path)]))
    assert set(os.listdir(tmp_path)) == before, "nothing is extracted to disk"
    by_id = {i.id: i for i in items}
    assert isinstance(by_id["news/one"], Article) and isinstance(by_id["news/two"], Article)
    assert isinstance(by_id["../escape"], Article)  # a name, never a path we write to
    for bad, why in (("news/empty", "empty"), ("news/binary", "binary"), ("news/bomb", "5 MB")):
        item = by_id[bad]
        assert isinstance(item, Unreadable) and why in str(item.error)


def test_tar_gz_streamed(tmp_path: Path) -> None:
    path = tmp_path / "a.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, text in texts(3):
            data = text.encode()
            info = tarfile.TarInfo(f"{name}.txt")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    assert ids(list(iter_articles([str(path)]))) == [p.stem for p in CORPUS[:3]]


def _warc_record(kind: str, uri: str, payload: bytes, content_type: str) -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Record-ID: <urn:uuid:{abs(hash(uri))}>\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode()
    return head + payload + b"\r\n\r\n"


def test_warc_gz_response_records_with_html(tmp_path: Path) -> None:
    html = HTML.encode()
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(html), html)
    response = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + body
    )
    image = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG"
    missing = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html>gone</html>"
    path = tmp_path / "crawl.warc.gz"
    with gzip.open(path, "wb") as handle:  # one gzip member per record, as crawlers write
        handle.write(_warc_record("warcinfo", "", b"software: test", "application/warc-fields"))
        handle.write(
            _warc_record("request", "https://example.org/a", b"GET /a", "application/http")
        )
        handle.write(_warc_record("response", "https://example.org/a", response,
                                  "application/http; msgtype=response"))  # fmt: skip
        handle.write(_warc_record("response", "https://example.org/i", image, "application/http"))
        handle.write(_warc_record("response", "https://example.org/x", missing, "application/http"))
    items = list(iter_articles([str(path)]))
    assert ids(items) == ["https://example.org/a"]
    assert isinstance(items[0], Article) and "harbour deal" in items[0].raw


# --- runs ----------------------------------------------------------------------------------------


def test_a_run_writes_summarize_records_and_records_failures(
    server: FaultServer, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": name, "text": text}) for name, text in texts(4)]
    lines.insert(2, "{not json")
    lines.append(json.dumps({"id": texts(1)[0][0], "text": "A duplicate article text here."}))
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "results.jsonl"
    counts = run(server, [str(source)], out, concurrency=3)
    # the id two articles share gets one record, a failure naming both (issue 22)
    assert (counts.done, counts.failed, counts.exit_code) == (3, 2, EXIT_SOME_FAILED)
    got = records(out)
    assert len(got) == len({r["id"] for r in got}) == 5
    ok = [r for r in got if r["status"] == "ok"]
    assert sorted(r["id"] for r in ok) == [p.stem for p in CORPUS[1:4]]
    for record in ok:
        assert set(record) == {"version", "id", "status", "article", "brief", "meta"}
        assert set(record["meta"]) >= {"prompt", "prompt_sha256", "model", "usage", "grounding"}
    failed = {r["id"]: r["error"] for r in got if r["status"] == "failed"}
    assert failed[f"{source}:3"]["kind"] == "input"
    assert "duplicate id" in failed[CORPUS[0].stem]["message"]


def test_llm_failures_are_recorded_and_fail_fast_stops(server: FaultServer, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts(4):
        (folder / f"{name}.txt").write_text(text)
    server.context_limit = 1  # every request is refused with a 400 the model cannot get past
    out = tmp_path / "r.jsonl"
    counts = run(server, [str(folder)], out, concurrency=1, fail_fast=True)
    assert counts.failed == 1 and counts.stopped_early and counts.exit_code == EXIT_SOME_FAILED
    (record,) = records(out)
    assert record["error"]["kind"] == "llm" and "context window" in record["error"]["message"]


def test_resume_skips_done_ids_and_repairs_a_torn_last_line(
    server: FaultServer, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts(6):
        (folder / f"{name}.txt").write_text(text)
    out = tmp_path / "r.jsonl"
    run(server, [str(folder)], out, limit=3, cache=False)
    complete = out.read_bytes()
    out.write_bytes(complete + b'{"version": 1, "id": "04_cou')  # a crash mid-write
    with pytest.raises(UsageError, match="--resume"):
        run(server, [str(folder)], out)
    requests = len(server.requests)
    counts = run(server, [str(folder)], out, resume=True, cache=False)
    assert counts.resumed == 3 and counts.done == 3
    got = [r["id"] for r in records(out)]
    assert sorted(got) == sorted(p.stem for p in CORPUS[:6]) and len(got) == len(set(got))
    assert out.read_bytes().startswith(complete)
    assert len(server.requests) > requests
    again = run(server, [str(folder)], out, resume=True)
    assert again.resumed == 6 and again.done == 0


def test_sqlite_results_resume(server: FaultServer, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts(4):
        (folder / f"{name}.txt").write_text(text)
    out = tmp_path / "r.sqlite"
    run(server, [str(folder)], out, limit=2)
    counts = run(server, [str(folder)], out, resume=True)
    assert counts.resumed == 2 and counts.done == 2
    import sqlite3

    db = sqlite3.connect(out)
    rows = db.execute("SELECT id, status, record FROM results ORDER BY id").fetchall()
    assert [r[0] for r in rows] == [p.stem for p in CORPUS[:4]]
    assert all(json.loads(r[2])["brief"]["summary"] for r in rows)


def test_shards_cover_every_article_exactly_once(tmp_path: Path) -> None:
    every = [f"article-{n}" for n in range(500)]
    for count in (1, 3, 7):
        owners = [[i for i in range(1, count + 1) if batch.in_shard(a, (i, count))] for a in every]
        assert all(len(o) == 1 for o in owners)
        if count > 1:
            sizes = [sum(o == [i] for o in owners) for i in range(1, count + 1)]
            assert min(sizes) > 500 / count / 2
    with pytest.raises(UsageError):
        batch.parse_shard("0/4")
    assert batch.parse_shard("2/4") == (2, 4)


def test_sharded_runs_together_cover_the_input(server: FaultServer, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts(10):
        (folder / f"{name}.txt").write_text(text)
    got: list[str] = []
    for index in (1, 2, 3):
        out = tmp_path / f"r{index}.jsonl"
        run(server, [str(folder)], out, shard=(index, 3))
        got += [str(r["id"]) for r in records(out)]
    assert sorted(got) == [p.stem for p in CORPUS[:10]]


def test_cli_batch_exit_codes_and_summary(server: FaultServer, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts(2):
        (folder / f"{name}.txt").write_text(text)
    (folder / "empty.txt").write_text("")
    out = tmp_path / "r.jsonl"
    args = batch_args([str(folder)], out, "openai:fault", server.base_url, "--mode", "json_schema")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == EXIT_SOME_FAILED, result.output
    assert "succeeded" in result.stdout and "input" in result.stdout
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "--resume" in result.output
    result = CliRunner().invoke(app, [*args[:3], "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 2 and "jsonl or *.sqlite" in result.output


class ListSink:
    """A sink that keeps the records it is given, in order."""

    path = Path("list")

    def __init__(self) -> None:
        self.records: list[dict[str, object]] = []

    def done_ids(self) -> set[str]:
        return set()

    def write(self, record: dict[str, object]) -> None:
        self.records.append(record)

    def close(self) -> None:
        pass


def _ok(name: str, cached: bool = False) -> dict[str, object]:
    usage = {"prompt_tokens": 100, "completion_tokens": 20}
    return {"id": name, "status": "ok", "meta": {"cached": cached, "usage": usage}}


def _down(name: str) -> dict[str, object]:
    return batch.failure_record(name, name, LLMUnavailableError("cannot reach it"), "llm")


def test_the_books_every_engine_keeps() -> None:
    """What the threads, Ray and batch-file engines share: counts, failed ids, cached records
    costing no tokens, endpoint failures held back until another result comes, then written."""
    sink, counts, written = ListSink(), batch.Counts(), {"before"}
    books = batch.Books(sink, counts, lambda _: None, breaker=3, written=written)
    books.record(_ok("a"))
    books.record(_ok("b", cached=True))
    books.record(_down("c"))
    books.record(_down("d"))
    assert [r["id"] for r in sink.records] == ["a", "b"]  # c and d are held back
    books.record(_failure_of_input("e"))
    assert [r["id"] for r in sink.records] == ["a", "b", "c", "d", "e"]
    assert (counts.done, counts.cached, counts.tokens, counts.failed) == (2, 1, 120, 3)
    assert counts.failures == {"llm": 2, "input": 1} and counts.failed_ids == ["c", "d", "e"]
    assert written == {"before", "a", "b", "c", "d", "e"} and not books.stopped


def test_the_books_trip_the_breaker_and_write_none_of_its_failures() -> None:
    sink, counts = ListSink(), batch.Counts()
    books = batch.Books(sink, counts, lambda _: None, breaker=2)
    books.record(_ok("a"))
    books.record(_down("b"))
    assert not books.stopped
    books.record(_down("c"))
    books.record(_down("d"))  # in flight when it tripped: held back too
    books.flush()
    assert books.stopped and counts.exit_code == 1
    assert [r["id"] for r in sink.records] == ["a"] and counts.held_back == 3
    assert counts.breaker is not None and "2 articles in a row" in counts.breaker


def test_the_books_stop_at_the_first_failure_with_fail_fast() -> None:
    counts = batch.Counts()
    books = batch.Books(ListSink(), counts, lambda _: None, fail_fast=True)
    books.record(_ok("a"))
    assert not books.stopped
    books.record(_failure_of_input("b"))
    assert books.stopped and counts.stopped_early


def _failure_of_input(name: str) -> dict[str, object]:
    return batch.failure_record(name, name, InputError("empty", "give it text"), "input")


# --- crashes and Ctrl-C, in a real process -----------------------------------------------------


def _spawn(server: FaultServer, folder: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "newsbrief", "batch", str(folder), "--out", str(out),
               "-m", "openai:fault", "--base-url", server.base_url, "--mode", "json_schema",
               "--concurrency", "4", "--no-cache", *extra]  # fmt: skip
    env = {**os.environ, "NEWSBRIEF_PROGRESS_EVERY": "0"}
    # A shell without job control starts background jobs with SIGINT ignored, and a child
    # inherits that: give the batch the default Ctrl-C whatever started the tests.
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, preexec_fn=_default_sigint)  # fmt: skip


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for_lines(out: Path, lines: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= lines:
            return
        time.sleep(0.02)
    raise AssertionError(f"the batch did not reach {lines} results: {process.poll()}")


@pytest.fixture
def slow_folder(server: FaultServer, tmp_path: Path) -> Path:
    server.latency = 0.05  # so a run lasts long enough to be killed in the middle
    folder = tmp_path / "in"
    folder.mkdir()
    for copy in range(3):
        for name, text in texts(20):
            (folder / f"{copy}-{name}.txt").write_text(text + f"\n\nCopy {copy}.")
    return folder


def test_kill_9_then_resume_is_exactly_once(
    server: FaultServer, slow_folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.jsonl"
    process = _spawn(server, slow_folder, out)
    _wait_for_lines(out, 10, process)
    process.kill()
    process.wait()
    written = out.read_bytes().count(b"\n")
    assert 10 <= written < 60
    _resume_to_the_end(server, slow_folder, out)


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(
    server: FaultServer, slow_folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.jsonl"
    process = _spawn(server, slow_folder, out)
    _wait_for_lines(out, 5, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "--resume" in stderr and "Traceback" not in stderr
    assert out.read_bytes().endswith(b"\n"), "the articles in flight were finished and written"
    _resume_to_the_end(server, slow_folder, out)


def _resume_to_the_end(server: FaultServer, folder: Path, out: Path) -> None:
    """A --resume run finishes the batch: all 60 articles, each exactly once."""
    resumed = _spawn(server, folder, out, "--resume")
    _, stderr = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, stderr
    got = [str(r["id"]) for r in records(out)]
    assert len(got) == 60 == len(set(got))


# --- operators' conventions (issue 15) ---------------------------------------------------------


@pytest.mark.parametrize("make", ["empty_folder", "only_images", "empty_jsonl"])
def test_an_input_with_no_article_is_exit_2_before_any_file_is_created(
    tmp_path: Path, make: str
) -> None:
    given = tmp_path / "in"
    if make == "empty_jsonl":
        given = tmp_path / "in.jsonl"
        given.write_text("")
    else:
        given.mkdir()
        if make == "only_images":
            (given / "photo.png").write_bytes(b"\x89PNG\x00\x00")
    out = tmp_path / "r.jsonl"
    result = CliRunner().invoke(app, ["batch", str(given), "--out", str(out), "--strategy",
                                      "floor"])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"input {given} holds no article" in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [given.name], "no file was created"


@pytest.mark.parametrize("suffix", ["jsonl", "sqlite"])
def test_retry_failed_redoes_only_the_failed_articles(tmp_path: Path, suffix: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts(3):
        (folder / f"{name}.txt").write_text(text)
    (folder / "empty.txt").write_text("")
    out = tmp_path / f"r.{suffix}"
    first = batch.run([str(folder)], out, strategy="floor")
    assert (first.done, first.failed, first.failed_ids) == (3, 1, ["empty"])
    again = batch.run([str(folder)], out, strategy="floor", resume=True)
    assert (again.done, again.failed, again.resumed) == (0, 0, 4), "--resume keeps failures"
    (folder / "empty.txt").write_text(texts(4)[3][1])
    retried = batch.run([str(folder)], out, strategy="floor", retry_failed=True)
    assert (retried.done, retried.failed, retried.resumed) == (1, 0, 3)
    if suffix == "jsonl":
        statuses = {str(r["id"]): r["status"] for r in records(out)}
        assert len(records(out)) == 4
    else:
        import sqlite3

        with sqlite3.connect(out) as db:
            statuses = dict(db.execute("SELECT id, status FROM results").fetchall())
    assert statuses == {**{p.stem: "ok" for p in CORPUS[:3]}, "empty": "ok"}


def test_the_end_table_names_the_failed_ids_and_how_to_redo_them(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts(2):
        (folder / f"{name}.txt").write_text(text)
    for index in range(12):
        (folder / f"empty{index:02d}.txt").write_text("")
    out = tmp_path / "r.jsonl"
    result = CliRunner().invoke(app, ["batch", str(folder), "--out", str(out), "--strategy",
                                      "floor"], env={"COLUMNS": "80"})  # fmt: skip
    assert result.exit_code == EXIT_SOME_FAILED, result.output
    assert "failed: empty00, empty01, " in result.stdout and "and 2 more" in result.stdout
    assert f"jq -c 'select(.status == \"failed\") | [.id, .error.message]' {out}" in " ".join(
        result.stdout.split()
    )
    assert "--retry-failed" in result.stdout
    result = CliRunner().invoke(app, ["batch", str(folder), "--out", str(out), "--strategy",
                                      "floor", "--retry-failed", "-q"])  # fmt: skip
    assert result.exit_code == EXIT_SOME_FAILED  # still empty: failed again, each id once
    assert sorted(str(r["id"]) for r in records(out)) == sorted(
        [p.stem for p in CORPUS[:2]] + [f"empty{i:02d}" for i in range(12)]
    )


def test_the_progress_lines_fit_80_columns() -> None:
    from rich.console import Console

    from newsbrief.progress import BatchProgress

    counts = batch.Counts(done=123_456, failed=12_345, cached=99_999, resumed=54_321,
                          tokens=987_654_321, total=250_000)  # fmt: skip
    counts.started -= 3600
    plain = BatchProgress.plain(counts)
    assert len(plain) <= 80 and "ETA" in plain and "189,801" not in plain, plain
    out = io.StringIO()
    view = BatchProgress(quiet=False)
    view.console = Console(file=out, width=80, force_terminal=True, color_system=None)
    view.live = True
    with view:
        view.update(counts)
        table = view.bar.make_tasks_table(view.bar.tasks)
        rendered = io.StringIO()
        Console(file=rendered, width=80, color_system=None).print(table)
    line = rendered.getvalue().rstrip("\n")
    assert "\n" not in line and len(line) <= 80, line
    assert "…" not in line and "190122/250000" in line and "12345 failed" in line, line
