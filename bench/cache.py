"""Benchmark: `newsbrief summarize` end to end (process start included), uncached vs cached.

Runs the CLI as a user would, in a fresh NEWSBRIEF_HOME: once with an empty cache (the model
runs), then several times with the result cached (no LLM call). Before printing, it checks that
the first run really was uncached (LLM calls, tokens), that every timed run was served from the
cache (marked cached, the same brief, reporting the first run's calls and tokens as what it
cost when it was made) and, with --server, that the server saw no request
after the first run; otherwise it exits with status 3 (see bench/_valid.py).

    python bench/cache.py [--runs 5] [--model local] [--article seeds/000_ec47db115828c336.txt]
    python bench/cache.py --tiny    # 2 runs, short article, bench/latency_server.py as the model
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from _valid import Checks
from latency_server import requests_seen, running

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ec47db115828c336.txt"
SHORT = ROOT / "bench" / "corpus" / "19_football_governance.txt"


def run(args: list[str], env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    return time.perf_counter() - started, json.loads(done.stdout)


def check_runs(
    first: dict[str, Any], cached: list[dict[str, Any]], runs: int, served: int | None = None
) -> None:
    """Exit with status 3 unless ``first`` ran the model and each of the ``runs`` ``cached``
    results came from the cache. ``served``: requests the server saw in all (None: unknown)."""
    checks = Checks()
    meta = first["meta"]
    checks.that(not meta["cached"], "the first (uncached) run was answered from the cache")
    checks.that(meta["attempts"] > 0, "the first (uncached) run made no LLM call")
    checks.that(sum(meta["usage"].values()) > 0, "the first (uncached) run used no tokens")
    checks.equal(len(cached), runs, "timed cached runs")
    for number, result in enumerate(cached):
        name = f"cached run {number}"
        checks.that(result["meta"]["cached"], f"{name} was not served from the cache")
        # A cached result reports what it cost when it was made: the first run's calls and tokens.
        checks.equal(result["meta"]["attempts"], meta["attempts"], f"LLM calls reported by {name}")
        checks.equal(result["meta"]["usage"], meta["usage"], f"tokens reported by {name}")
        checks.that(result["brief"] == first["brief"], f"{name} returned another brief")
    if served is not None:
        checks.equal(served, meta["attempts"], "requests the server saw (all from the first run)")
    checks.verify()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--model", default="local")
    parser.add_argument("--article", default=None, help=f"default: {SEED.relative_to(ROOT)}")
    parser.add_argument(
        "--server", action="store_true", help="answer from bench/latency_server.py, not --model"
    )
    parser.add_argument(
        "--tiny", action="store_true", help="2 runs on a short article with --server"
    )
    args = parser.parse_args()
    if args.tiny:
        args.runs, args.server = 2, True
    article = args.article or str(SHORT if args.tiny else SEED)
    serving = running(0.0) if args.server else nullcontext(None)
    with tempfile.TemporaryDirectory() as home, serving as base_url:
        env = {**os.environ, "NEWSBRIEF_HOME": home}
        model = ["--model", args.model]
        if base_url:
            model = ["--model", "openai:fault", "--base-url", base_url, "--mode", "json_schema"]
        command = [sys.executable, "-m", "newsbrief", "summarize", article, *model,
                   "--format", "json"]  # fmt: skip
        cold, first = run(command, env)
        cached = [run(command, env) for _ in range(args.runs)]
        pretty = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run([*command[:-1], "pretty"], capture_output=True, env=env, check=True)
            pretty.append(time.perf_counter() - started)
        served = len(requests_seen(base_url)) if base_url else None
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        python_s = time.perf_counter() - started
    check_runs(first, [result for _, result in cached], args.runs, served)
    meta = first["meta"]
    times = [seconds for seconds, _ in cached]
    label = "latency server" if base_url else args.model
    print(f"uncached summarize ({label}): {cold:.2f} s, {meta['attempts']} LLM calls")
    print(f"cached summarize: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f} ms over {args.runs} runs (target < 150 ms)")  # fmt: skip
    print(f"cached summarize --format pretty (rich): median "
          f"{statistics.median(pretty) * 1000:.0f} ms")  # fmt: skip
    print(f"bare python start for reference: {python_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
