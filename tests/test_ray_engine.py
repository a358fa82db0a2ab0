"""`batch --engine ray` on a real local Ray cluster (one per session, two CPUs): every article
exactly once with transient faults, with an actor killed mid-run, after the driver is killed and
resumed, and with the embedded model in two actors."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsbrief.cli import app
from newsbrief.errors import UsageError

from .fault_server import FaultServer, fault_server
from .helpers import CORPUS, batch_args, corpus, engine_run, kill_when, records

if not os.environ.get("CI"):  # CI installs newsbrief[dev], which holds Ray: there it must run
    pytest.importorskip("ray")

from newsbrief.engines import ray_engine

JSON_SCHEMA = ("--mode", "json_schema")


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with fault_server() as state:
        yield state


def run(server: FaultServer, n: int, out: Path, **options: Any) -> Any:
    return engine_run(
        ray_engine.run,
        corpus(n),
        out,
        model="openai:fault",
        base_url=server.base_url,
        mode="json_schema",
        **options,
    )


def exactly_once(out: Path, n: int) -> list[dict[str, Any]]:
    got = records(out)
    assert Counter(r["id"] for r in got) == Counter(p.stem for p in CORPUS[:n])
    return got


def test_every_article_once_through_transient_faults(
    cluster: str, server: FaultServer, tmp_path: Path
) -> None:
    server.fault_rate = 0.2
    out = tmp_path / "r.jsonl"
    counts = run(server, 8, out, concurrency=4, block=2)
    assert (counts.done, counts.failed, counts.exit_code) == (8, 0, 0)
    assert server.faults > 0  # the faults were real, and retried inside the actors
    got = exactly_once(out, 8)
    assert all(r["status"] == "ok" and r["meta"]["strategy"] == "whole" for r in got)


def _actor_pids() -> list[int]:
    """Processes of the briefing actors (Ray names them after the map_batches class)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"MapBatches(Briefer)" in command:
                pids.append(int(entry.name))
    return pids


def test_an_actor_killed_mid_run_costs_a_retry_not_an_article(
    cluster: str, server: FaultServer, tmp_path: Path
) -> None:
    server.latency = 0.05
    killed: list[int] = []

    def progress(counts: Any) -> None:
        if counts.done >= 1 and not killed:
            pids = _actor_pids()
            assert pids, "no actor process found to kill"
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    out = tmp_path / "r.jsonl"
    counts = run(server, 12, out, concurrency=2, block=1, progress=progress)
    assert killed and counts.done == 12 and counts.failed == 0
    exactly_once(out, 12)


def test_the_driver_killed_and_resumed_writes_each_article_once(
    cluster: str, server: FaultServer, tmp_path: Path
) -> None:
    server.latency = 0.1
    out = tmp_path / "r.jsonl"
    options = ("--engine", "ray", "--address", cluster, "--concurrency", "2", "--quiet")
    kill_when(
        batch_args(corpus(12), out, "openai:fault", server.base_url, *JSON_SCHEMA, *options),
        lambda: out.exists() and len(out.read_bytes().splitlines()) >= 2,
        seconds=120,
    )
    before = len(records(out))
    assert before < 12
    counts = run(server, 12, out, concurrency=2, resume=True)
    assert counts.resumed >= before and counts.done == 12 - counts.resumed
    exactly_once(out, 12)


def test_cli_engine_ray_and_its_usage_errors(
    cluster: str, server: FaultServer, tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "r.jsonl"
    args = batch_args(
        corpus(2), out, "openai:fault", server.base_url, *JSON_SCHEMA, "--engine", "ray"
    )
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "succeeded" in result.output and len(exactly_once(out, 2)) == 2
    result = runner.invoke(
        app, ["batch", *corpus(1), "--out", str(tmp_path / "x.jsonl"), "--engine", "warp"]
    )
    assert result.exit_code == 2 and "unknown --engine 'warp'" in result.output


@pytest.mark.slow
def test_the_embedded_model_in_two_actors(cluster: str, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    short = tmp_path / "in"
    short.mkdir()
    for path in CORPUS[:2]:  # the first two paragraphs: the model is small, the machine busy
        text = "\n\n".join(path.read_text(encoding="utf-8").split("\n\n")[:2])
        (short / path.name).write_text(text, encoding="utf-8")
    counts = engine_run(ray_engine.run, [str(short)], out, model="local", concurrency=2, block=1)
    assert (counts.done, counts.failed) == (2, 0)
    got = records(out)
    assert sorted(r["id"] for r in got) == sorted(p.stem for p in CORPUS[:2])
    assert all(r["meta"]["model"].startswith("local:") for r in got)


def test_without_ray_the_engine_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails, as when not installed
    with pytest.raises(UsageError, match=r"pip install 'newsbrief\[ray\]'"):
        ray_engine._ray()


def test_a_duplicate_id_is_one_failed_record_on_ray(
    cluster: str, server: FaultServer, tmp_path: Path
) -> None:
    # issue 22: one id, one record, whichever of the two articles a block briefs first
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": p.read_text(encoding="utf-8")}) + "\n"
                              for i, p in (("x", CORPUS[0]), ("y", CORPUS[1]),
                                           ("x", CORPUS[2]))))  # fmt: skip
    out = tmp_path / "r.jsonl"
    counts = engine_run(ray_engine.run, [str(source)], out, model="openai:fault",
                        base_url=server.base_url, mode="json_schema", block=1)  # fmt: skip
    got = records(out)
    assert sorted(r["id"] for r in got) == ["x", "y"]
    assert {r["id"]: r["status"] for r in got} == {"x": "failed", "y": "ok"}
    assert (counts.done, counts.failed) == (1, 1)


def test_retry_failed_redoes_the_failed_articles_on_ray(
    cluster: str, server: FaultServer, tmp_path: Path
) -> None:
    # --retry-failed was swallowed by this engine (**_ignored): the failed records stayed
    out = tmp_path / "r.jsonl"
    server.context_limit = 1  # every request refused with a 400 the model cannot get past
    first = run(server, 3, out, concurrency=2)
    assert first.failed == 3
    server.context_limit = None
    again = run(server, 3, out, concurrency=2, retry_failed=True)
    assert (again.done, again.failed) == (3, 0)
    assert all(r["status"] == "ok" for r in exactly_once(out, 3))
