"""Benchmark: 200 summarize runs against a loopback OpenAI-compatible server where 30% of the
requests fail transiently (429 with Retry-After, 500, 503, dropped connection), next to the same
200 runs with no faults. Every article must succeed.

    python bench/fault_tolerance.py [--articles 200] [--fault-rate 0.3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fault_server import fault_server  # noqa: E402

from newsbrief import api  # noqa: E402
from newsbrief.config import resolve_settings  # noqa: E402
from newsbrief.llm import LLM, build_provider  # noqa: E402
from newsbrief.retry import RetryPolicy  # noqa: E402

POLICY = RetryPolicy(attempts=10, initial=0.01, maximum=0.2, total=10.0)


def run(articles: list[Path], fault_rate: float) -> tuple[float, list[int], int, int]:
    with fault_server() as server:
        server.fault_rate = fault_rate
        settings = resolve_settings(
            model="openai:fault", base_url=server.base_url, mode="json_schema", timeout=5.0
        )
        llm = LLM(build_provider(settings), retry=POLICY)
        attempts: list[int] = []
        started = time.perf_counter()
        for path in articles:
            result = api.summarize(str(path), llm=llm, cache=False, log=False)
            attempts.append(int(result.meta["attempts"]))
        return time.perf_counter() - started, attempts, server.faults, len(server.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    args = parser.parse_args()
    corpus = sorted((ROOT / "bench" / "corpus").glob("*.txt"))
    articles = [corpus[i % len(corpus)] for i in range(args.articles)]
    with tempfile.TemporaryDirectory() as home:
        os.environ["NEWSBRIEF_HOME"] = home
        clean_s, clean_attempts, _, clean_requests = run(articles, 0.0)
        faulty_s, faulty_attempts, faults, requests = run(articles, args.fault_rate)
    print(f"{args.articles} articles, all succeeded in both runs")
    print(f"no faults:  {clean_s:.2f} s, {clean_requests} requests, attempts per article "
          f"median {statistics.median(clean_attempts):.0f}")  # fmt: skip
    print(f"{args.fault_rate:.0%} faults: {faulty_s:.2f} s, {requests} requests ({faults} failed "
          f"transiently), attempts per article median {statistics.median(faulty_attempts):.0f}, "
          f"max {max(faulty_attempts)}")  # fmt: skip
    print(f"time ratio faulty/no-fault: {faulty_s / clean_s:.2f}")


if __name__ == "__main__":
    main()
