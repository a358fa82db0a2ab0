"""Benchmark: 200 summarize runs against a loopback OpenAI-compatible server where 30% of the
requests fail transiently (429 with Retry-After, 500, 503, dropped connection), next to the same
200 runs with no faults. Every article must succeed.

Before printing it checks that every article succeeded on both sides, uncached; that the server
received exactly the attempts newsbrief reports; that the no-fault side met no fault and the
faulty side did (each costing one more attempt than the no-fault side, and nothing else); and
that both sides used the same tokens. Otherwise it exits with status 3 (see bench/_valid.py).

    python bench/fault_tolerance.py [--articles 200] [--fault-rate 0.3]
    python bench/fault_tolerance.py --tiny    # 4 articles: checks the bench
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _valid import Checks  # noqa: E402
from tests.fault_server import fault_server  # noqa: E402

from newsbrief import api  # noqa: E402
from newsbrief.brief.llm import LLM, build_provider  # noqa: E402
from newsbrief.config import resolve_settings  # noqa: E402
from newsbrief.errors import NewsbriefError  # noqa: E402
from newsbrief.retry import RetryPolicy  # noqa: E402

POLICY = RetryPolicy(attempts=10, initial=0.01, maximum=0.2, total=10.0)


@dataclass
class Side:
    """One side's run over the articles, as newsbrief and as the server saw it."""

    seconds: float = 0.0
    attempts: list[int] = field(default_factory=list)  # meta.attempts per succeeded article
    tokens: int = 0
    cached: int = 0
    failed: list[str] = field(default_factory=list)
    faults: int = 0  # faults the server injected
    requests: int = 0  # requests the server received


def run(articles: list[Path], fault_rate: float) -> Side:
    side = Side()
    with fault_server() as server:
        server.fault_rate = fault_rate
        settings = resolve_settings(
            model="openai:fault", base_url=server.base_url, mode="json_schema", timeout=5.0
        )
        llm = LLM(build_provider(settings), retry=POLICY)
        started = time.perf_counter()
        for path in articles:
            try:
                result = api.summarize(str(path), llm=llm, cache=False, log=False)
            except NewsbriefError as exc:
                side.failed.append(f"{path.name}: {exc}")
                continue
            side.attempts.append(int(result.meta["attempts"]))
            side.tokens += sum(result.meta["usage"].values())
            side.cached += bool(result.meta["cached"])
        side.seconds = time.perf_counter() - started
        side.faults, side.requests = server.faults, len(server.requests)
    return side


def check_sides(clean: Side, faulty: Side, articles: int, fault_rate: float) -> None:
    """Exit with status 3 unless both sides briefed every article from the same requests and
    tokens, and only the faulty side met faults, each paid for with one more attempt."""
    checks = Checks()
    for name, side in (("no-fault side", clean), ("faulty side", faulty)):
        checks.that(not side.failed, f"{name}: articles failed: {side.failed[:3]}")
        checks.equal(len(side.attempts), articles, f"{name}: articles briefed")
        checks.equal(side.cached, 0, f"{name}: articles served from the cache")
        checks.equal(side.requests, sum(side.attempts),
                     f"{name}: requests the server got vs attempts newsbrief counted")  # fmt: skip
    checks.equal(clean.faults, 0, "faults injected on the no-fault side")
    if fault_rate > 0:
        checks.that(faulty.faults > 0, "no fault was injected on the faulty side")
    checks.equal(sum(faulty.attempts) - sum(clean.attempts), faulty.faults,
                 "extra attempts of the faulty side vs faults injected")  # fmt: skip
    checks.that(clean.tokens > 0, "the no-fault side used no tokens")
    checks.equal(faulty.tokens, clean.tokens, "tokens of the faulty side vs the no-fault side")
    checks.verify()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--tiny", action="store_true", help="4 articles")
    args = parser.parse_args()
    if args.tiny:
        args.articles = 4
    corpus = sorted((ROOT / "bench" / "corpus").glob("*.txt"))
    articles = [corpus[i % len(corpus)] for i in range(args.articles)]
    with tempfile.TemporaryDirectory() as home:
        os.environ["NEWSBRIEF_HOME"] = home
        run(articles[:1], 0.0)  # warm-up (imports, prompt templates): neither side pays for it
        clean = run(articles, 0.0)
        faulty = run(articles, args.fault_rate)
    check_sides(clean, faulty, args.articles, args.fault_rate)
    print(f"{args.articles} articles, all succeeded in both runs")
    print(f"no faults:  {clean.seconds:.2f} s, {clean.requests} requests, attempts per article "
          f"median {statistics.median(clean.attempts):.0f}")  # fmt: skip
    print(f"{args.fault_rate:.0%} faults: {faulty.seconds:.2f} s, {faulty.requests} requests "
          f"({faulty.faults} failed transiently), attempts per article median "
          f"{statistics.median(faulty.attempts):.0f}, max {max(faulty.attempts)}")  # fmt: skip
    print(f"time ratio faulty/no-fault: {faulty.seconds / clean.seconds:.2f}")


if __name__ == "__main__":
    main()
