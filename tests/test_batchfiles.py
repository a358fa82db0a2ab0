"""Provider batch files against a loopback Files + Batch API server: round trips, re-asks in a
later round, partial failures, expiry, splitting, resume after kill -9, export and import."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsbrief import batch, batchfiles
from newsbrief.cli import app
from newsbrief.errors import UsageError

from .batch_server import BatchServer, batch_server, completion
from .fault_server import auto_reply, fault_server
from .helpers import CORPUS, batch_args, corpus, engine_run, kill_when, records

TASKS = ("summary", "pledges", "positions", "quoted_experts")  # brief@3, the whole strategy


@pytest.fixture
def server() -> Iterator[BatchServer]:
    with batch_server() as state:
        yield state


def run(server: BatchServer, inputs: list[str], out: Path, **options: Any) -> Any:
    return engine_run(
        batchfiles.run,
        inputs,
        out,
        model="openai:gpt-x",
        base_url=server.base_url,
        poll_interval=0.01,
        **options,
    )


def uploaded(server: BatchServer) -> list[list[dict[str, Any]]]:
    """The request files the server received, in order, parsed."""
    files = [f for f in server.files.values() if f["purpose"] == "batch"]
    return [[json.loads(x) for x in f["content"].decode().splitlines()] for f in files]


def test_round_trip_writes_documented_requests_and_the_live_brief(
    server: BatchServer, tmp_path: Path
) -> None:
    out = tmp_path / "r.jsonl"
    counts = run(server, corpus(3), out, mode="json_schema")
    assert (counts.done, counts.failed, counts.rounds, counts.requests_sent) == (3, 0, 1, 12)
    assert server.invalid == []
    [requests] = uploaded(server)
    for request in requests:  # the Batch API's documented request fields, nothing else
        assert set(request) == {"custom_id", "method", "url", "body"}
        assert (request["method"], request["url"]) == ("POST", "/v1/chat/completions")
        assert request["body"]["model"] == "gpt-x" and request["body"]["messages"]
    article_ids = {Path(p).stem for p in corpus(3)}
    asked = Counter(tuple(r["custom_id"].split("|")[:2]) for r in requests)
    assert asked == Counter({(a, t): 1 for a in article_ids for t in TASKS})
    got = {r["id"]: r for r in records(out)}
    assert set(got) == article_ids and all(r["status"] == "ok" for r in got.values())
    # The same replies, asked live, give the same brief: one validation and grounding path.
    with fault_server() as live:
        batch.run(
            corpus(3),
            tmp_path / "live.jsonl",
            model="openai:gpt-x",
            base_url=live.base_url,
            mode="json_schema",
            cache=False,
        )
    for record in records(tmp_path / "live.jsonl"):
        assert got[record["id"]]["brief"] == record["brief"]
        assert got[record["id"]]["meta"]["attempts"] == record["meta"]["attempts"] == 4


def test_an_invalid_reply_is_re_asked_in_round_two(server: BatchServer, tmp_path: Path) -> None:
    first = CORPUS[0].stem

    def answer(cid: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        if cid.startswith(f"{first}|summary|") and len(body["messages"]) <= 2:
            return 200, completion(body, {"summary": 42, "extra": True})  # fails validation
        return None

    server.answer = answer
    counts = run(server, corpus(2), tmp_path / "r.jsonl")
    assert (counts.done, counts.failed, counts.rounds) == (2, 0, 2)
    second_round = uploaded(server)[1]
    assert len(second_round) == 1  # only the re-ask: nothing answered is asked again
    reask = second_round[0]
    assert reask["custom_id"].startswith(f"{first}|summary|")
    assert any(
        "summary" in str(m.get("content")) and m["role"] != "system"
        for m in reask["body"]["messages"][2:]
    )
    record = {r["id"]: r for r in records(tmp_path / "r.jsonl")}[first]
    assert record["status"] == "ok" and record["meta"]["attempts"] == 5


def test_partial_failures_retry_the_transient_and_fail_the_rest_clearly(
    server: BatchServer, tmp_path: Path
) -> None:
    one, two = CORPUS[0].stem, CORPUS[1].stem
    failed_once: set[str] = set()

    def answer(cid: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        if cid.startswith(f"{one}|pledges|") and cid not in failed_once:
            failed_once.add(cid)
            return 500, {"error": {"message": "server overloaded", "type": "server_error"}}
        if cid.startswith(f"{two}|summary|"):
            return 400, {"error": {"message": "max_tokens is too large", "type": "invalid"}}
        return None

    server.answer = answer
    counts = run(server, corpus(3), tmp_path / "r.jsonl")
    assert (counts.done, counts.failed, counts.rounds) == (2, 1, 2)
    assert [r["custom_id"] for r in uploaded(server)[1]] == list(failed_once)
    got = {r["id"]: r for r in records(tmp_path / "r.jsonl")}
    assert got[one]["status"] == "ok"
    assert got[two]["status"] == "failed"
    assert "rejected the request (400): max_tokens is too large" in got[two]["error"]["message"]


def test_an_expired_batch_sends_only_the_unanswered_again(
    server: BatchServer, tmp_path: Path
) -> None:
    server.expire_after = 5
    counts = run(server, corpus(3), tmp_path / "r.jsonl")
    assert (counts.done, counts.rounds) == (3, 2)
    statuses = [b["status"] for b in server.batches.values()]
    assert statuses == ["expired", "completed"]
    assert len(uploaded(server)[1]) == 7
    assert Counter(server.answered).most_common(1)[0][1] == 1  # nothing answered twice
    assert len(server.answered) == 12


def test_a_cancelled_batch_is_sent_again(server: BatchServer, tmp_path: Path) -> None:
    original = server.advance

    def advance(found: dict[str, Any]) -> None:
        if len(server.batches) == 1 and found["status"] == "in_progress":
            found["status"] = "cancelling"  # cancelled by someone else, before answering
        original(found)

    server.advance = advance  # type: ignore[method-assign]
    counts = run(server, corpus(1), tmp_path / "r.jsonl")
    assert counts.done == 1
    assert [b["status"] for b in server.batches.values()] == ["cancelled", "completed"]


def test_files_are_split_at_the_request_and_byte_limits(
    server: BatchServer, tmp_path: Path
) -> None:
    counts = run(server, corpus(3), tmp_path / "a.jsonl", max_requests=5)
    assert counts.done == 3
    assert [len(f) for f in uploaded(server)] == [5, 5, 2]
    assert len(server.batches) == 3 and server.invalid == []
    sizes = []
    with batch_server() as other:
        limit = 3 * max(len(json.dumps(r)) + 1 for f in uploaded(server) for r in f)
        counts = run(other, corpus(3), tmp_path / "b.jsonl", max_bytes=limit)
        sizes = [f["bytes"] for f in other.files.values() if f["purpose"] == "batch"]
    assert counts.done == 3 and len(sizes) >= 4 and max(sizes) <= limit


def test_resume_after_kill_9_between_polls_creates_no_second_batch(
    server: BatchServer, tmp_path: Path
) -> None:
    out = tmp_path / "r.jsonl"
    inputs = corpus(3)
    server.polls = 10**9  # the batch stays in progress until the test lets it end
    via = ("--via", "openai-batch", "--poll-interval", "0.05", "--quiet")
    kill_when(
        batch_args(inputs, out, "openai:gpt-x", server.base_url, *via),
        lambda: sum(c.startswith("GET /batches/") for c in server.calls) >= 3,
    )
    assert not out.exists() or out.read_text() == ""
    created = server.calls.count("POST /batches")
    assert created == 1
    with pytest.raises(UsageError, match="--resume"):
        run(server, inputs, out)
    server.polls = 1
    counts = run(server, inputs, out, resume=True)
    assert server.calls.count("POST /batches") == created  # polled, not created again
    assert counts.done == 3
    assert sorted(r["id"] for r in records(out)) == sorted(Path(p).stem for p in inputs)
    assert len(server.answered) == 12


def test_resume_finds_a_batch_whose_id_was_never_recorded(
    server: BatchServer, tmp_path: Path
) -> None:
    """Killed after the upload and the create, before the batch id was saved: the batch is
    found by its input file among the provider's batches, not created again."""
    out = tmp_path / "r.jsonl"
    server.polls = 10**9
    counts = run(server, corpus(1), out, progress=_interrupt_after_create(server))
    assert counts.interrupted and len(server.batches) == 1
    with sqlite3.connect(tmp_path / "r.jsonl.batches" / "state.sqlite") as db:
        db.execute("UPDATE batches SET batch_id = NULL, status = 'uploaded'")
    server.polls = 1
    counts = run(server, corpus(1), out, resume=True)
    assert counts.done == 1 and len(server.batches) == 1


def _interrupt_after_create(server: BatchServer) -> Any:
    def progress(counts: Any) -> None:
        if server.batches:
            raise KeyboardInterrupt

    return progress


def test_export_then_import_for_another_runner(tmp_path: Path) -> None:
    out, requests = tmp_path / "r.jsonl", tmp_path / "requests.jsonl"
    inputs = corpus(2)
    options = {"model": "openai:gpt-x", "base_url": "http://127.0.0.1:9/v1", "via": None}
    counts = engine_run(batchfiles.run, inputs, out, export_requests=requests, **options)
    assert counts.exported == requests and counts.waiting == 2 and counts.done == 0
    lines = [json.loads(x) for x in requests.read_text().splitlines()]
    assert len(lines) == 8 and all(set(x) == {"custom_id", "method", "url", "body"} for x in lines)

    def results(lines: list[dict[str, Any]], bad: str | None = None) -> Path:
        """What vllm run-batch writes: one output line per request."""
        path = tmp_path / f"results{len(lines)}.jsonl"
        with path.open("w") as handle:
            for x in lines:
                reply: Any = auto_reply(x["body"])
                if bad and x["custom_id"].startswith(bad):
                    reply = "not json"
                body = completion(x["body"], reply)
                response = {"status_code": 200, "request_id": x["custom_id"], "body": body}
                handle.write(
                    json.dumps(
                        {
                            "id": "r",
                            "custom_id": x["custom_id"],
                            "response": response,
                            "error": None,
                        }
                    )
                    + "\n"
                )
        return path

    first = CORPUS[0].stem
    again = tmp_path / "requests2.jsonl"
    counts = engine_run(
        batchfiles.run,
        inputs,
        out,
        import_results=results(lines, f"{first}|positions"),
        export_requests=again,
        **options,
    )  # type: ignore[arg-type]
    assert (counts.done, counts.waiting) == (1, 1)
    [reask] = [json.loads(x) for x in again.read_text().splitlines()]
    assert reask["custom_id"].startswith(f"{first}|positions|")
    counts = engine_run(batchfiles.run, inputs, out, import_results=results([reask]), **options)
    assert (counts.done, counts.waiting, counts.resumed) == (1, 0, 1)
    assert sorted(r["id"] for r in records(out)) == sorted(Path(p).stem for p in inputs)


def test_cli_runs_via_the_batch_api_and_refuses_what_cannot_work(
    server: BatchServer, tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "r.jsonl"
    via = ("--via", "openai-batch", "--poll-interval", "0.01", "--quiet")
    result = runner.invoke(app, batch_args(corpus(2), out, "openai:gpt-x", server.base_url, *via))
    assert result.exit_code == 0, result.output
    assert len(records(out)) == 2
    for args, says in (
        (["--via", "openai-batch", "-m", "local"], "need an OpenAI-compatible model"),
        (
            ["--via", "carrier-pigeon", "-m", "openai:x", "--base-url", server.base_url],
            "unknown --via",
        ),
        (["--via", "openai-batch", "--engine", "ray"], "sends live requests"),
    ):
        result = runner.invoke(
            app, ["batch", *corpus(1), "--out", str(tmp_path / "x.jsonl"), *args]
        )
        assert result.exit_code == 2, result.output
        assert says in result.output and "Traceback" not in result.output


def test_requests_exported_and_never_imported_go_through_the_api_on_resume(
    server: BatchServer, tmp_path: Path
) -> None:
    out = tmp_path / "r.jsonl"
    engine_run(
        batchfiles.run,
        corpus(2),
        out,
        model="openai:gpt-x",
        base_url=server.base_url,
        via=None,
        export_requests=tmp_path / "lost.jsonl",
    )
    counts = run(server, corpus(2), out, resume=True)
    assert (counts.done, counts.requests_sent) == (2, 8)
    assert [len(f) for f in uploaded(server)] == [8]


def test_a_duplicate_id_is_one_failed_record_through_the_batch_api(
    server: BatchServer, tmp_path: Path
) -> None:
    # issue 22: the first article with the id is still waiting for its replies when its twin is
    # read; the id's one record is the failure naming both, in every round after too
    first, second = CORPUS[0], CORPUS[1]
    source = tmp_path / "in.jsonl"
    rows = (("x", first), ("y", second), ("x", second))
    source.write_text("".join(json.dumps({"id": i, "text": p.read_text(encoding="utf-8")}) + "\n"
                              for i, p in rows))  # fmt: skip
    out = tmp_path / "r.jsonl"
    counts = run(server, [str(source)], out, mode="json_schema")
    got = records(out)
    assert sorted(r["id"] for r in got) == ["x", "y"]
    (dup,) = [r for r in got if r["id"] == "x"]
    assert dup["status"] == "failed" and dup["error"]["type"] == "DuplicateIdError"
    assert (counts.done, counts.failed) == (1, 1)


def test_retry_failed_asks_the_failed_articles_again_in_a_new_batch(
    server: BatchServer, tmp_path: Path
) -> None:
    # --retry-failed was swallowed by this engine; now the failed article's replies are
    # forgotten and its questions go into a new batch file, the others are not asked again
    two = CORPUS[1].stem
    refuse = [True]

    def answer(cid: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        if refuse[0] and cid.startswith(f"{two}|summary|"):
            return 400, {"error": {"message": "max_tokens is too large", "type": "invalid"}}
        return None

    server.answer = answer
    out = tmp_path / "r.jsonl"
    first = run(server, corpus(3), out)
    assert (first.done, first.failed) == (2, 1)
    sent = len(uploaded(server))
    refuse[0] = False  # the endpoint fixed
    again = run(server, corpus(3), out, retry_failed=True)
    assert (again.done, again.failed) == (1, 0)
    retried = [r["custom_id"].split("|")[0] for f in uploaded(server)[sent:] for r in f]
    assert retried and set(retried) == {two}
    got = {r["id"]: r["status"] for r in records(out)}
    assert got == {p.stem: "ok" for p in CORPUS[:3]}
