"""Issue 16: cleaning in linear time with a budget, one writer per results file, bounded fetches,
settings validated whatever their source, masked credentials, closed pipes, retry hints and the
batch circuit breaker. Each test failed before its fix."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsbrief import batch, budget, clean, ingest
from newsbrief.clean import glued, watermark
from newsbrief.cli import app
from newsbrief.config import resolve_settings
from newsbrief.errors import (
    ConfigError,
    InputError,
    LLMUnavailableError,
    TimeBudgetError,
    mask_secrets,
)
from newsbrief.ingest import fetching
from newsbrief.retry import RetryPolicy
from newsbrief.store import Store

from .fault_server import Fault, FaultServer, fault_server
from .test_batch import CORPUS, records, texts
from .test_transient import _ask, _llm

# --- 2. cleaning in linear time, and its budget --------------------------------------------


@pytest.fixture
def zipf_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every word-frequency lookup the cleaner makes (the costly step of the word passes)."""
    calls: list[str] = []
    real = clean.zipf

    def counted(word: str) -> float:
        calls.append(word)
        return real(word) if len(word) < 100 else 0.0

    for module in (glued, watermark):  # the passes that look words up
        monkeypatch.setattr(module, "zipf", counted)
    return calls


def test_a_long_run_of_letters_is_not_tried_at_every_split_point(zipf_calls: list[str]) -> None:
    word = "qwertyuiop" * 2_000  # 20,000 letters: every split point was 40,000 lookups
    text, removed = clean.split_glued(f"The council {word} met.")
    assert word in text and not removed
    assert len(zipf_calls) < 10


def test_a_3_mb_line_costs_a_bounded_number_of_lookups(zipf_calls: list[str]) -> None:
    line = "abcdefghij" * 300_000 + "\n" + "aBcDeF" * 100_000
    cleaned = clean.clean_text(line)
    assert cleaned.text.startswith("abcdefghij")
    assert len(zipf_calls) < 50


def test_watermark_search_skips_words_with_many_case_changes() -> None:
    camel = "aB" * 200  # 200 case changes: each counted up to 400 prefixes before
    assert sum(watermark._candidates(f"Some text {camel} here and {camel} again.").values()) == 0
    seen = watermark._candidates("the mutWorld Timesual talks and the bilWorld Timesateral deal")
    assert seen["World Times"] == 2  # a real watermark is still a candidate


def test_the_time_budget_stops_a_pathological_clean() -> None:
    ticks = iter(range(10**9))
    lines = "\n".join(f"line {n} of noise" for n in range(50_000))
    with (
        clean.time_budget(20, clock=lambda: float(next(ticks))),
        pytest.raises(TimeBudgetError, match="time budget of 20 s"),
    ):
        clean.clean_text(lines)
    with clean.time_budget(20, clock=lambda: float(next(ticks))):
        assert clean.clean_text(CORPUS[0].read_text()).text  # an ordinary article is fine


def test_a_batch_records_a_pathological_article_as_one_failure(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks = iter(range(10**9))
    monkeypatch.setattr(budget, "_monotonic", lambda: float(next(ticks)))  # a clock read = 1 s
    monkeypatch.setenv("NEWSBRIEF_CLEAN_BUDGET", "200")
    monkeypatch.setenv("NEWSBRIEF_MAX_CHARS", "10000000")  # the time budget is what is tested
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts(3):
        (folder / f"{name}.txt").write_text(text)
    (folder / "noise.txt").write_text("\n".join(f"word {n} again" for n in range(200_000)))
    out = tmp_path / "r.jsonl"
    counts = batch.run([str(folder)], out, model="openai:fault", base_url=server.base_url,
                       mode="json_schema", cache=False, log=False)  # fmt: skip
    assert (counts.done, counts.failed) == (3, 1)
    (failed,) = [r for r in records(out) if r["status"] == "failed"]
    assert failed["id"] == "noise" and "time budget" in failed["error"]["message"]


# --- 3. one writer per results file --------------------------------------------------------


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with fault_server() as state:
        yield state


@pytest.mark.parametrize("name", ["r.jsonl", "r.sqlite"])
def test_a_second_writer_is_refused_naming_the_holder(
    server: FaultServer, tmp_path: Path, name: str
) -> None:
    source = tmp_path / "a.txt"
    source.write_text(CORPUS[0].read_text())
    out = tmp_path / name
    holder = batch.ResultsLock(out)
    holder.acquire()  # another batch, mid-run
    try:
        args = ["batch", str(source), "--out", str(out), "-m", "openai:fault",
                "--base-url", server.base_url, "--mode", "json_schema", "--resume"]  # fmt: skip
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        assert f"pid {os.getpid()} on {socket.gethostname()}" in result.stderr
        assert "being written by another batch" in result.stderr
    finally:
        holder.release()
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output


def test_two_processes_started_together_one_is_refused(server: FaultServer, tmp_path: Path) -> None:
    server.latency = 0.05
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts(10):
        (folder / f"{name}.txt").write_text(text)
    out = tmp_path / "r.jsonl"
    command = [sys.executable, "-m", "newsbrief", "batch", str(folder), "--out", str(out),
               "-m", "openai:fault", "--base-url", server.base_url, "--mode", "json_schema",
               "--no-cache", "--resume", "-q"]  # fmt: skip
    runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(run.wait(timeout=120), run.stderr.read() if run.stderr else "") for run in runs]
    assert sorted(code for code, _ in results) == [0, 2], results
    assert any("being written by another batch (pid" in err for _, err in results)
    got = [r["id"] for r in records(out)]
    assert len(got) == 10 == len(set(got))


# --- 4. URL fetches: total deadline, redirect policy -------------------------------------


class _Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        port = self.server.server_address[1]
        if self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(200):
                try:
                    self.wfile.write(b"a")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.1)
            return
        target = {
            "/hop": "/article",
            "/ftp": "ftp://127.0.0.1/article",
            "/file": "file:///etc/passwd",
            "/localhost": f"http://localhost:{port}/article",
        }.get(self.path)
        if target is not None:
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
            return
        body = (ingest_text := "The council approved the bridge on Tuesday. " * 5).encode()
        assert ingest_text
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_dripping_server_cannot_outlast_the_total_deadline(site: str) -> None:
    with pytest.raises(InputError, match="did not finish loading within 1 s"):
        ingest.fetch(f"{site}/drip", deadline=1.0)


def test_a_typed_loopback_url_and_its_local_redirect_work_and_the_final_url_is_kept(
    site: str,
) -> None:
    article = ingest.fetch(f"{site}/hop")
    assert article.source == f"{site}/hop" and article.final_url == f"{site}/article"
    assert "bridge" in article.raw


@pytest.mark.parametrize("path", ["/ftp", "/file"])
def test_a_redirect_to_another_scheme_is_refused(site: str, path: str) -> None:
    with pytest.raises(InputError, match="not following a redirect"):
        ingest.fetch(f"{site}{path}")


def test_a_public_host_may_not_redirect_to_a_loopback_address(
    site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The site stands in for a public host (news.example, reached through its public address);
    # localhost stays what it is. The fetch connects to the addresses it checked.
    fake = {"news.example": ["93.184.216.34"], "localhost": ["127.0.0.1"]}
    monkeypatch.setattr(fetching, "_addresses", lambda host: fake.get(host, []))
    real = socket.create_connection

    def route(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        ip = {"93.184.216.34": "127.0.0.1"}.get(address[0], address[0])
        return real((ip, address[1]), *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", route)
    port = site.rsplit(":", 1)[1]
    with pytest.raises(InputError, match="from a public host to a private"):
        ingest.fetch(f"http://news.example:{port}/localhost")


def test_the_redirect_policy() -> None:
    hosts = {
        "news.example": ["93.184.216.34"],
        "cdn.example": ["2606:2800:220:1::1"],
        "intranet.example": ["10.1.2.3"],
        "metadata.example": ["169.254.169.254"],
        "mapped.example": ["::ffff:127.0.0.1"],
    }

    def refusal(a: str, b: str) -> str | None:
        return ingest.redirect_refusal(a, b, lambda host: hosts.get(host, []))

    assert refusal("https://news.example/a", "https://cdn.example/b") is None
    for private in ("intranet", "metadata", "mapped"):
        assert "private" in str(refusal("https://news.example/a", f"http://{private}.example/"))
    assert refusal("http://intranet.example/a", "http://metadata.example/b") is None
    assert "only http and https" in str(refusal("https://news.example/a", "ftp://news.example/"))


# --- 6. one validation path for every setting -------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value"),
    [("NEWSBRIEF_RETRY_ATTEMPTS", "nan"), ("NEWSBRIEF_RETRY_ATTEMPTS", "inf"),
     ("NEWSBRIEF_RETRY_ATTEMPTS", "1e12"), ("NEWSBRIEF_RETRY_ATTEMPTS", "50"),
     ("NEWSBRIEF_TIMEOUT", "0"), ("NEWSBRIEF_TIMEOUT", "nan"), ("NEWSBRIEF_RETRY_TOTAL", "-1"),
     ("NEWSBRIEF_CIRCUIT_BREAKER", "x")],
)  # fmt: skip
def test_bad_environment_values_are_config_errors(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as info:
        resolve_settings()
    assert info.value.exit_code == 2 and f"{variable}={value!r}" in str(info.value)
    assert "set it to" in str(info.value)


def test_the_same_bounds_for_the_file_and_the_flag(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text("retry_attempts = 50\n")
    with pytest.raises(ConfigError, match="retry_attempts = 50 in config file"):
        resolve_settings()
    (isolated_home / "config.toml").write_text("")
    with pytest.raises(ConfigError, match="--timeout nan"):
        resolve_settings(timeout=float("nan"))
    assert resolve_settings().retry.attempts == 5


def test_a_latin1_config_file_is_a_clear_exit_2(isolated_home: Path, seed_path: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_bytes('model = "caf\xe9"\n'.encode("latin-1"))
    result = CliRunner().invoke(app, ["summarize", str(seed_path)])
    assert result.exit_code == 2, result.output
    assert "is not UTF-8 text" in result.stderr and "save it as UTF-8" in result.stderr


# --- 7. --out in a folder that does not exist -----------------------------------------------


def test_out_in_a_missing_folder_is_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(CORPUS[0].read_text())
    out = tmp_path / "no" / "such" / "r.jsonl"
    result = CliRunner().invoke(app, ["batch", str(source), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.stderr and "mkdir -p" in result.stderr
    assert not out.parent.exists()


# --- 8. credentials masked ---------------------------------------------------------------


def test_credentials_in_the_base_url_are_masked_in_errors_and_the_run_log(
    seed_path: Path,
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://alice:hunter2secret@127.0.0.1:{port}/v1?api_key=qwerty123"
    result = CliRunner().invoke(
        app, ["summarize", str(seed_path), "-m", "openai:x", "--base-url", url]
    )
    assert result.exit_code == 1, result.output
    assert "cannot reach http://[redacted]@127.0.0.1" in result.stderr
    assert "hunter2" not in result.output and "qwerty123" not in result.output
    store = Store()
    logged = json.dumps(store.calls(50))
    store.close()
    assert "cannot reach" in logged and "hunter2" not in logged and "qwerty" not in logged


def test_mask_secrets_covers_query_keys_and_headers() -> None:
    text = (
        "GET https://h/v1?model=x&api_key=AAA111&token=BBB222 Authorization: Bearer CCC333CCC "
        '{"x-api-key": "DDD444"} https://user@h/ sk-EEE555EEE555'
    )
    masked = mask_secrets(text)
    for secret in ("AAA111", "BBB222", "CCC333", "DDD444", "user@", "EEE555"):
        assert secret not in masked
    assert "model=x" in masked


# --- 9. a closed pipe ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["logs", "--json", "-n", "50"], ["clean", "{seed}", "--format", "json"],
             ["prompts", "list"]],
)  # fmt: skip
def test_a_closed_pipe_ends_quietly(isolated_home: Path, seed_path: Path, args: list[str]) -> None:
    store = Store()
    for n in range(60):
        store.log_call({"model": "m", "messages": [{"role": "user", "content": "x" * 4000}],
                        "error": None, "task": f"t{n}"})  # fmt: skip
    store.close()
    command = [sys.executable, "-m", "newsbrief", *(a.format(seed=seed_path) for a in args)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.read(10)
    process.stdout.close()  # the reader goes away, as `| head -c 10` does
    _, stderr = process.communicate(timeout=120)
    # 141 (128 + SIGPIPE) when a write met the closed pipe; 0 when the whole output fitted in
    # the pipe's buffer before the reader left (test_hardening_io closes it before any write)
    assert process.returncode in (0, 141), stderr
    assert b"BrokenPipe" not in stderr and b"error" not in stderr


# --- 10. the retry hint names the limit that was hit -----------------------------------------


def test_after_five_429s_the_hint_names_the_attempts(server: FaultServer) -> None:
    server.then(*[Fault("status", 429)] * 5)
    policy = RetryPolicy(attempts=5, initial=1.0, maximum=30.0, total=120.0, jitter=0.0)
    with pytest.raises(LLMUnavailableError) as info:
        _ask(_llm(server, [], policy))
    assert "NEWSBRIEF_RETRY_ATTEMPTS" in str(info.value)
    assert "NEWSBRIEF_RETRY_TOTAL" not in str(info.value)


def test_a_wait_beyond_the_budget_names_the_total(server: FaultServer) -> None:
    server.then(Fault("status", 429, {"Retry-After": "600"}))
    with pytest.raises(LLMUnavailableError) as info:
        _ask(_llm(server, []))
    assert "NEWSBRIEF_RETRY_TOTAL" in str(info.value)


# --- 11. the circuit breaker ---------------------------------------------------------------


def test_the_circuit_breaker_stops_a_batch_and_resume_redoes_those_articles(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    monkeypatch.setenv("NEWSBRIEF_CIRCUIT_BREAKER", "3")
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts(8):
        (folder / f"{name}.txt").write_text(text)
    out = tmp_path / "r.jsonl"
    args = ["batch", str(folder), "--out", str(out), "-m", "openai:fault", "--mode",
            "json_schema", "--concurrency", "1", "--no-cache"]  # fmt: skip
    result = CliRunner().invoke(app, [*args, "--base-url", dead])
    assert result.exit_code == 1, result.output
    line = result.stderr.strip().splitlines()[-1]
    assert "3 articles in a row could not reach the model" in line
    assert line.endswith("--resume") and "3 articles were not written" in line
    assert out.read_text() == ""  # nothing written: resume redoes them all
    result = CliRunner().invoke(app, [*args, "--base-url", server.base_url, "--resume"])
    assert result.exit_code == 0, result.output
    assert sorted(r["id"] for r in records(out)) == [p.stem for p in CORPUS[:8]]


def test_failures_that_are_not_the_endpoint_do_not_trip_the_breaker(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBRIEF_CIRCUIT_BREAKER", "2")
    server.context_limit = 1  # every article fails on its own (a 400), the endpoint is fine
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts(4):
        (folder / f"{name}.txt").write_text(text)
    out = tmp_path / "r.jsonl"
    counts = batch.run([str(folder)], out, model="openai:fault", base_url=server.base_url,
                       mode="json_schema", concurrency=1, cache=False)  # fmt: skip
    assert counts.breaker is None and counts.failed == 4 and counts.exit_code == 3
