"""`batch --engine ray` on a real local Ray cluster (one per session, two CPUs): every article
exactly once with transient faults, with an actor killed mid-run, after the driver is killed and
resumed, and with the embedded model in two actors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsbrief.cli import app
from newsbrief.errors import UsageError

from .fault_server import FaultServer, fault_server

if not os.environ.get("CI"):  # CI installs newsbrief[dev], which holds Ray: there it must run
    pytest.importorskip("ray")
import ray

from newsbrief.engines import ray_engine

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "bench" / "corpus").glob("*.txt"))


@pytest.fixture(scope="session")
def cluster() -> Iterator[str]:
    """A local Ray cluster on two CPUs for the whole session; its address for other drivers."""
    ray_engine.short_temp_dir()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield str(ray.get_runtime_context().gcs_address)
    finally:
        ray.shutdown()


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with fault_server() as state:
        yield state


def inputs(n: int) -> list[str]:
    return [str(path) for path in CORPUS[:n]]


def written(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def run(server: FaultServer, n: int, out: Path, **options: Any) -> Any:
    return ray_engine.run(
        inputs(n),
        out,
        model="openai:fault",
        base_url=server.base_url,
        mode="json_schema",
        **options,
    )


def exactly_once(out: Path, n: int) -> list[dict[str, Any]]:
    records = written(out)
    assert Counter(r["id"] for r in records) == Counter(p.stem for p in CORPUS[:n])
    return records


def test_every_article_once_through_transient_faults(
    cluster: str, server: FaultServer, tmp_path: Path
) -> None:
    server.fault_rate = 0.2
    out = tmp_path / "r.jsonl"
    counts = run(server, 8, out, concurrency=4, block=2)
    assert (counts.done, counts.failed, counts.exit_code) == (8, 0, 0)
    assert server.faults > 0  # the faults were real, and retried inside the actors
    records = exactly_once(out, 8)
    assert all(r["status"] == "ok" and r["meta"]["strategy"] == "whole" for r in records)


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
    command = [
        sys.executable,
        "-m",
        "newsbrief",
        "batch",
        *inputs(12),
        "--out",
        str(out),
        "-m",
        "openai:fault",
        "--base-url",
        server.base_url,
        "--mode",
        "json_schema",
        "--engine",
        "ray",
        "--address",
        cluster,
        "--concurrency",
        "2",
        "--quiet",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(command, env=env)
    try:
        deadline = time.monotonic() + 120
        while not out.exists() or len(out.read_bytes().splitlines()) < 2:
            assert process.poll() is None, "the driver ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    before = len(written(out))
    assert before < 12
    counts = run(server, 12, out, concurrency=2, resume=True)
    assert counts.resumed >= before and counts.done == 12 - counts.resumed
    exactly_once(out, 12)


def test_cli_engine_ray_and_its_usage_errors(
    cluster: str, server: FaultServer, tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "r.jsonl"
    result = runner.invoke(
        app,
        [
            "batch",
            *inputs(2),
            "--out",
            str(out),
            "-m",
            "openai:fault",
            "--base-url",
            server.base_url,
            "--mode",
            "json_schema",
            "--engine",
            "ray",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "succeeded" in result.output and len(exactly_once(out, 2)) == 2
    result = runner.invoke(
        app, ["batch", *inputs(1), "--out", str(tmp_path / "x.jsonl"), "--engine", "warp"]
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
    counts = ray_engine.run([str(short)], out, model="local", concurrency=2, block=1)
    assert (counts.done, counts.failed) == (2, 0)
    records = written(out)
    assert sorted(r["id"] for r in records) == sorted(p.stem for p in CORPUS[:2])
    assert all(r["meta"]["model"].startswith("local:") for r in records)


def test_without_ray_the_engine_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails, as when not installed
    with pytest.raises(UsageError, match=r"pip install 'newsbrief\[ray\]'"):
        ray_engine._ray()
