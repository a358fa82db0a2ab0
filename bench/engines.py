"""Benchmark: articles/s of `batch --engine ray` next to the single-process batch (threads).

Both engines brief the same JSONL of short articles against bench/latency_server.py (its own
process, a fixed latency per request) at the same concurrency, each with an empty cache. Ray runs
a local cluster of ``--cpus`` CPUs started before the clock (its actors start inside the
measured run, as they do for a user). Before printing, it checks what the numbers rest on and
otherwise exits with status 3 (bench/_valid.py): every article written once and none failed or
cached on either side; the server saw exactly the requests each side's records report; and
both sides sent the very same request bodies.

    python bench/engines.py [--articles 400] [--latency 0.2] [--concurrency 32] [--cpus 2]
    python bench/engines.py --tiny    # 8 articles, 10 ms latency: checks the bench
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from _valid import Checks
from batch import Measured, check_run, read_records, write_jsonl
from latency_server import requests_seen, running


def measure(engine: str, source: Path, out: Path, base_url: str, concurrency: int) -> Measured:
    from newsbrief import batch
    from newsbrief.engines import ray_engine

    runner: Any = ray_engine.run if engine == "ray" else batch.run_threads
    os.environ["NEWSBRIEF_HOME"] = str(out.parent / f"home-{engine}")  # an empty cache each
    started = time.perf_counter()
    options = batch.RunOptions([str(source)], out, model="openai:fault", base_url=base_url,
                               mode="json_schema", concurrency=concurrency)  # fmt: skip
    counts = runner(options)  # the same options object for both engines
    measured = read_records(out, time.perf_counter() - started)
    measured.failures = dict(counts.failures)
    return measured


def canonical(bodies: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(body, sort_keys=True) for body in bodies)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray cluster")
    parser.add_argument("--tiny", action="store_true", help="8 articles, 10 ms latency")
    args = parser.parse_args()
    if args.tiny:
        args.articles, args.latency, args.concurrency = 8, 0.01, 4
    import ray

    from newsbrief.engines.ray_engine import short_temp_dir

    work = Path(tempfile.mkdtemp(prefix="newsbrief-bench-engines-"))
    n = args.articles
    source = write_jsonl(work / "articles.jsonl", n)
    short_temp_dir()
    started = time.perf_counter()
    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    startup = time.perf_counter() - started
    bodies: dict[str, list[dict[str, Any]]] = {}
    runs: dict[str, Measured] = {}
    with running(args.latency) as base_url:
        for engine in ("threads", "ray"):
            before = len(requests_seen(base_url))
            runs[engine] = measure(engine, source, work / f"{engine}.jsonl", base_url,
                                   args.concurrency)  # fmt: skip
            bodies[engine] = requests_seen(base_url)[before:]
            check_run(runs[engine], n, cached=False, served=len(bodies[engine]))
    ray.shutdown()
    checks = Checks()
    for engine in runs:
        ids = [json.loads(x)["id"] for x in (work / f"{engine}.jsonl").read_text().splitlines()]
        checks.equal(len(set(ids)), len(ids), f"distinct ids written by {engine}")
    checks.that(canonical(bodies["threads"]) == canonical(bodies["ray"]),
                "the two engines sent different request bodies")  # fmt: skip
    checks.verify()
    print(f"engines: {n} articles, {runs['ray'].requests} requests each, "
          f"{args.latency * 1000:.0f} ms latency, concurrency {args.concurrency}, "
          f"Ray cluster of {args.cpus} CPUs (started in {startup:.1f} s, not counted)")  # fmt: skip
    for engine, run in runs.items():
        print(f"   {engine:>7}: {run.seconds:.1f} s = {n / run.seconds:.1f} articles/s, "
              f"{run.requests / run.seconds:.1f} requests/s")  # fmt: skip
    ratio = runs["threads"].seconds / runs["ray"].seconds
    print(f"   ray/threads articles/s: {ratio:.2f}")
    print(f"(work files in {work})")


if __name__ == "__main__":
    main()
