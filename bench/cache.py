"""Benchmark: `newsbrief summarize` end to end (process start included), uncached vs cached.

Runs the CLI as a user would, in a fresh NEWSBRIEF_HOME: once with an empty cache (the model
runs), then several times with the result cached (no LLM call).

    python bench/cache.py [--runs 5] [--model local] [--article seeds/000_ec47db115828c336.txt]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], env: dict[str, str]) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    return time.perf_counter() - started, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--model", default="local")
    parser.add_argument("--article", default=str(ROOT / "seeds" / "000_ec47db115828c336.txt"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "NEWSBRIEF_HOME": home}
        command = [sys.executable, "-m", "newsbrief", "summarize", args.article,
                   "--model", args.model, "--format", "json"]  # fmt: skip
        cold, first = run(command, env)
        cached = [run(command, env) for _ in range(args.runs)]
        pretty = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run([*command[:-1], "pretty"], capture_output=True, env=env, check=True)
            pretty.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        python_s = time.perf_counter() - started
    meta = first["meta"]
    assert isinstance(meta, dict) and not meta["cached"]
    assert all(result["meta"]["cached"] for _, result in cached)  # type: ignore[index]
    times = [seconds for seconds, _ in cached]
    print(f"uncached summarize ({args.model}): {cold:.2f} s, {meta['attempts']} LLM calls")
    print(f"cached summarize: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f} ms over {args.runs} runs (target < 150 ms)")  # fmt: skip
    print(f"cached summarize --format pretty (rich): median "
          f"{statistics.median(pretty) * 1000:.0f} ms")  # fmt: skip
    print(f"bare python start for reference: {python_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
