"""Benchmark: batch throughput, overhead vs the raw client, cached re-runs and memory.

Against bench/latency_server.py run as its own process (a lean OpenAI-compatible server
answering every request after a fixed latency):

1. throughput at concurrency 1, 8, 32 and 64 with 200 ms latency, as a fraction of the ideal
   (concurrency / latency requests per second), next to the raw AsyncOpenAI client sending the
   same request bodies at the same concurrency (what this machine allows a Python client);
2. at zero latency, newsbrief's articles/s next to the raw AsyncOpenAI client sending the very
   same request bodies at the same concurrency, in the same run;
3. a fully cached re-run of the same articles;
4. peak RSS of `newsbrief batch` over a JSONL.gz of N and 10 x N articles (flat = streaming).

Before printing a number it checks what the number rests on, and otherwise exits with status 3
(see bench/_valid.py): every article written and none failed; the measured runs had no cached
record and the cached re-run only cached ones (and sent no request); the server saw exactly the
requests newsbrief reports; the raw client sent the same request bodies, as many of them.

    python bench/batch.py [--articles 2000] [--big 20000] [--latency 0.2]
    python bench/batch.py --tiny    # a dozen articles, 10 ms latency: checks the bench
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _valid import Checks, require
from latency_server import requests_seen, running

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "bench" / "corpus").glob("*.txt"))


def short_articles(count: int) -> Iterator[dict[str, str]]:
    """Distinct short articles: a corpus article's first three sentences and a numbered line."""
    openings = []
    for path in CORPUS:
        body = path.read_text(encoding="utf-8").split("\n\n", 1)[-1]
        openings.append(" ".join(re.split(r"(?<=[.!?])\s+", body)[:3]))
    for number in range(count):
        text = f"{openings[number % len(openings)]}\n\nFiled as report {number}."
        yield {"id": f"a{number}", "text": text}


def write_jsonl(path: Path, count: int) -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as handle:  # type: ignore[operator]
        for record in short_articles(count):
            handle.write(json.dumps(record) + "\n")
    return path


@dataclass
class Measured:
    """One in-process batch run: its time, the requests its records report, what it wrote."""

    seconds: float
    requests: int  # sum of meta.attempts over the records
    records: int
    ok: int
    cached: int
    failures: dict[str, int]


def newsbrief_run(source: Path, out: Path, base_url: str, concurrency: int) -> Measured:
    from newsbrief import batch

    started = time.perf_counter()
    counts = batch.run([str(source)], out, model="openai:fault", base_url=base_url,
                       mode="json_schema", concurrency=concurrency)  # fmt: skip
    seconds = time.perf_counter() - started
    measured = read_records(out, seconds)
    measured.failures = dict(counts.failures)
    return measured


def read_records(out: Path, seconds: float) -> Measured:
    measured = Measured(seconds, 0, 0, 0, 0, {})
    with out.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            measured.records += 1
            if record["status"] == "ok":
                measured.ok += 1
                measured.cached += bool(record["meta"]["cached"])
                if not record["meta"]["cached"]:  # a cached record reports its original calls
                    measured.requests += record["meta"]["attempts"]
    return measured


def check_run(run: Measured, articles: int, *, cached: bool, served: int | None = None) -> None:
    """Exit with status 3 unless ``run`` wrote ``articles`` successful records, all uncached
    (or, with ``cached``, all from the cache, with no request); ``served``: the requests the
    server received during the run."""
    checks = Checks()
    checks.equal(run.records, articles, "records written")
    checks.equal(run.ok, articles, f"articles briefed (failures: {run.failures})")
    checks.equal(run.cached, articles if cached else 0, "records served from the cache")
    if cached:
        checks.equal(run.requests, 0, "requests of the cached re-run")
    else:
        checks.that(run.requests >= articles, f"{run.requests} requests for {articles} articles")
    if served is not None:
        checks.equal(served, run.requests, "requests the server received vs the records' count")
    checks.verify()


def _canonical(bodies: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(body, sort_keys=True) for body in bodies)


def check_replay(ours: list[dict[str, Any]], replayed: list[dict[str, Any]]) -> None:
    """Exit with status 3 unless the raw client's requests, as the server received them, are
    the same bodies as newsbrief's, as many (in any order: concurrency shuffles them)."""
    checks = Checks()
    checks.that(len(ours) > 0, "newsbrief sent no request to replay")
    checks.equal(len(replayed), len(ours), "requests of the raw client vs newsbrief's")
    checks.that(_canonical(replayed) == _canonical(ours),
                "the raw client sent other request bodies than newsbrief")  # fmt: skip
    checks.verify()


def compare(base_url: str, source: Path, out: Path, concurrency: int, articles: int
            ) -> tuple[Measured, int, float]:  # fmt: skip
    """newsbrief on ``source``, then the raw client on the same request bodies, checked:
    (newsbrief's run, the requests replayed, the raw client's seconds)."""
    start = len(requests_seen(base_url))
    ours = newsbrief_run(source, out, base_url, concurrency)
    bodies = requests_seen(base_url)[start:]
    check_run(ours, articles, cached=False, served=len(bodies))
    raw = raw_replay(base_url, bodies, concurrency)
    check_replay(bodies, requests_seen(base_url)[start + len(bodies) :])
    return ours, len(bodies), raw


def raw_replay(base_url: str, bodies: list[dict[str, object]], concurrency: int) -> float:
    """Seconds for the raw AsyncOpenAI client to send ``bodies`` at ``concurrency``."""
    import openai

    async def main() -> float:
        client = openai.AsyncOpenAI(base_url=base_url, api_key="x", max_retries=0)
        gate = asyncio.Semaphore(concurrency)

        async def one(body: dict[str, object]) -> None:
            async with gate:
                await client.chat.completions.create(**body)  # type: ignore[call-overload]

        started = time.perf_counter()
        await asyncio.gather(*(one(body) for body in bodies))
        seconds = time.perf_counter() - started
        await client.close()
        return seconds

    return asyncio.run(main())


def peak_rss(source: Path, out: Path, base_url: str, home: str) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of a `newsbrief batch` process, read from the kernel's VmHWM
    (its high-water mark since exec). ru_maxrss from wait4 would count the pages the child
    shared with this big benchmark process between fork and exec."""
    command = [sys.executable, "-m", "newsbrief", "batch", str(source), "--out", str(out),
               "-m", "openai:fault", "--base-url", base_url, "--mode", "json_schema",
               "--concurrency", "16", "--quiet"]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, env={**os.environ, "NEWSBRIEF_HOME": home})
    status = Path(f"/proc/{process.pid}/status")
    peak_kb = 0
    while process.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    require(process.returncode == 0, f"`newsbrief batch` exited with {process.returncode}")
    require(peak_kb > 0, "no VmHWM was read while `newsbrief batch` ran")
    return peak_kb / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--big", type=int, default=20000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--parts", default="1234", help="which sections to run, e.g. 34")
    parser.add_argument(
        "--tiny", action="store_true", help="12 and 24 articles, 10 ms latency (in seconds)"
    )
    args = parser.parse_args()
    if args.tiny:
        args.articles, args.big, args.latency = 12, 24, 0.01
    work = Path(tempfile.mkdtemp(prefix="newsbrief-bench-"))
    os.environ["NEWSBRIEF_HOME"] = str(work / "home")
    n = args.articles
    source = write_jsonl(work / "articles.jsonl", n)

    if "1" in args.parts:
        throughput(args, work, n)
    with running(0.0) as base_url:
        if "2" in args.parts:
            overhead(work, source, n, base_url)
        if "3" in args.parts:
            print("3. fully cached re-run of the same articles")
            if not (work / "zero.out.jsonl").exists():
                first = newsbrief_run(source, work / "zero.out.jsonl", base_url, 32)
                check_run(first, n, cached=False)
            before = len(requests_seen(base_url))
            run = newsbrief_run(source, work / "cached.out.jsonl", base_url, 32)
            check_run(run, n, cached=True, served=len(requests_seen(base_url)) - before)
            print(f"   {n} articles in {run.seconds:.2f} s = {n / run.seconds:.0f} articles/s, "
                  f"{run.requests} requests (target >= 1000/s)")  # fmt: skip
        if "4" in args.parts:
            print("4. peak RSS of `newsbrief batch` (process), zero latency, concurrency 16")
            for count in (n, args.big):
                big = write_jsonl(work / f"big{count}.jsonl.gz", count)
                out = work / f"big{count}.out.jsonl"
                rss, seconds = peak_rss(big, out, base_url, str(work / f"home-big{count}"))
                check_run(read_records(out, seconds), count, cached=False)
                print(f"   {count} articles: peak RSS {rss:.0f} MB, {seconds:.0f} s "
                      f"({count / seconds:.0f} articles/s)")  # fmt: skip
    print(f"(work files in {work})")


def throughput(args: argparse.Namespace, work: Path, n: int) -> None:
    print(f"1. throughput, {args.latency * 1000:.0f} ms latency (fraction of concurrency/latency)")
    with running(args.latency) as base_url:
        for concurrency, count in ((1, min(40, n)), (8, min(320, n)), (32, n), (64, n)):
            subset = write_jsonl(work / f"c{concurrency}.jsonl", count)
            os.environ["NEWSBRIEF_HOME"] = str(work / f"home-c{concurrency}")
            run, requests, raw_s = compare(base_url, subset, work / f"c{concurrency}.out.jsonl",
                                           concurrency, count)  # fmt: skip
            raw = requests / raw_s
            ideal = concurrency / args.latency
            ours = requests / run.seconds
            print(f"   concurrency {concurrency:>2}: {count} articles, {requests} requests, "
                  f"{ours:.1f} req/s = {ours / ideal:.2f} of ideal ({ideal:.0f}), "
                  f"{count / run.seconds:.1f} articles/s; raw client on the same requests "
                  f"{raw:.1f} req/s = {raw / ideal:.2f} of ideal; "
                  f"newsbrief/raw {ours / raw:.2f}")  # fmt: skip


def overhead(work: Path, source: Path, n: int, base_url: str) -> None:
    print("2. zero latency, concurrency 32: newsbrief vs the raw AsyncOpenAI client")
    os.environ["NEWSBRIEF_HOME"] = str(work / "home-zero")
    run, requests, raw = compare(base_url, source, work / "zero.out.jsonl", 32, n)
    ours, theirs = n / run.seconds, n / raw
    print(f"   newsbrief: {n} articles ({requests} requests) in {run.seconds:.1f} s = "
          f"{ours:.0f} articles/s")  # fmt: skip
    print(f"   raw client: the same {requests} requests in {raw:.1f} s = "
          f"{theirs:.0f} articles/s;  ratio {ours / theirs:.2f} (target >= 0.5)")  # fmt: skip


if __name__ == "__main__":
    main()
