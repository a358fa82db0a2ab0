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

    python bench/batch.py [--articles 2000] [--big 20000] [--latency 0.2]
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
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


@contextmanager
def server(latency: float) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "latency_server.py"), "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait()


def newsbrief_run(source: Path, out: Path, base_url: str, concurrency: int) -> tuple[float, int]:
    """(seconds, requests) of one in-process batch run."""
    from newsbrief import batch

    started = time.perf_counter()
    counts = batch.run([str(source)], out, model="openai:fault", base_url=base_url,
                       mode="json_schema", concurrency=concurrency)  # fmt: skip
    seconds = time.perf_counter() - started
    assert counts.failed == 0, counts.failures
    requests = 0
    with out.open(encoding="utf-8") as handle:
        for line in handle:
            requests += json.loads(line)["meta"]["attempts"]
    return seconds, requests


def bodies_since(base_url: str, start: int) -> list[dict[str, object]]:
    with urllib.request.urlopen(f"{base_url}/requests") as response:
        return list(json.loads(response.read()))[start:]


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
    assert process.returncode == 0
    return peak_kb / 1024, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--big", type=int, default=20000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--parts", default="1234", help="which sections to run, e.g. 34")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsbrief-bench-"))
    os.environ["NEWSBRIEF_HOME"] = str(work / "home")
    n = args.articles
    source = write_jsonl(work / "articles.jsonl", n)

    if "1" in args.parts:
        throughput(args, work, n)
    with server(0.0) as base_url:
        if "2" in args.parts:
            overhead(work, source, n, base_url)
        if "3" in args.parts:
            print("3. fully cached re-run of the same articles")
            if not (work / "zero.out.jsonl").exists():
                newsbrief_run(source, work / "zero.out.jsonl", base_url, 32)
            seconds, requests = newsbrief_run(source, work / "cached.out.jsonl", base_url, 32)
            print(f"   {n} articles in {seconds:.2f} s = {n / seconds:.0f} articles/s, "
                  f"{requests} requests (target >= 1000/s)")  # fmt: skip
        if "4" in args.parts:
            print("4. peak RSS of `newsbrief batch` (process), zero latency, concurrency 16")
            for count in (n, args.big):
                big = write_jsonl(work / f"big{count}.jsonl.gz", count)
                rss, seconds = peak_rss(big, work / f"big{count}.out.jsonl", base_url,
                                        str(work / f"home-big{count}"))  # fmt: skip
                print(f"   {count} articles: peak RSS {rss:.0f} MB, {seconds:.0f} s "
                      f"({count / seconds:.0f} articles/s)")  # fmt: skip
    print(f"(work files in {work})")


def throughput(args: argparse.Namespace, work: Path, n: int) -> None:
    print(f"1. throughput, {args.latency * 1000:.0f} ms latency (fraction of concurrency/latency)")
    with server(args.latency) as base_url:
        sent = 0  # requests the server has seen so far (newsbrief's, then the raw replay's)
        for concurrency, count in ((1, 40), (8, 320), (32, n), (64, n)):
            subset = write_jsonl(work / f"c{concurrency}.jsonl", count)
            os.environ["NEWSBRIEF_HOME"] = str(work / f"home-c{concurrency}")
            seconds, requests = newsbrief_run(subset, work / f"c{concurrency}.out.jsonl",
                                              base_url, concurrency)  # fmt: skip
            bodies = bodies_since(base_url, sent)
            raw = len(bodies) / raw_replay(base_url, bodies, concurrency)
            sent += 2 * len(bodies)
            ideal = concurrency / args.latency
            ours = requests / seconds
            print(f"   concurrency {concurrency:>2}: {count} articles, {requests} requests, "
                  f"{ours:.1f} req/s = {ours / ideal:.2f} of ideal ({ideal:.0f}), "
                  f"{count / seconds:.1f} articles/s; raw client on the same requests "
                  f"{raw:.1f} req/s = {raw / ideal:.2f} of ideal; "
                  f"newsbrief/raw {ours / raw:.2f}")  # fmt: skip


def overhead(work: Path, source: Path, n: int, base_url: str) -> None:
    print("2. zero latency, concurrency 32: newsbrief vs the raw AsyncOpenAI client")
    os.environ["NEWSBRIEF_HOME"] = str(work / "home-zero")
    seconds, requests = newsbrief_run(source, work / "zero.out.jsonl", base_url, 32)
    bodies = bodies_since(base_url, 0)
    raw = raw_replay(base_url, bodies, 32)
    ours, theirs = n / seconds, n / raw
    print(f"   newsbrief: {n} articles ({requests} requests) in {seconds:.1f} s = "
          f"{ours:.0f} articles/s")  # fmt: skip
    print(f"   raw client: the same {len(bodies)} requests in {raw:.1f} s = "
          f"{theirs:.0f} articles/s;  ratio {ours / theirs:.2f} (target >= 0.5)")  # fmt: skip


if __name__ == "__main__":
    main()
