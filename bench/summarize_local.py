"""Benchmark: newsbrief's `local` summarize vs the raw llama-cpp-python calls, side by side.

The raw side replays, on the same in-process Llama, exactly the requests newsbrief sent in its
first run (same messages, grammar, sampling and token limits), so both sides generate the same
tokens; the difference is newsbrief's own work (reading, cleaning, rendering, instructor,
validation, sentence selection, grounding). Every measurement starts from an empty KV cache and
the order alternates between rounds, so neither side profits from going second.

This machine is shared: wall times of the two sides drift by +-15% between rounds, more than
the overhead being measured. So the script also times newsbrief's own work directly (its wall
time minus the time spent inside llama calls), which that noise barely touches.

The newsbrief side runs with ``cache=False`` in a fresh, temporary NEWSBRIEF_HOME: a result
served from the cache would cost no llama call at all. Before printing, the script checks that
no run was cached, that every newsbrief run made as many llama calls, with the same requests,
as the raw side replays, and that both sides used the same (non-zero) tokens; otherwise it
exits with status 3 (see bench/_valid.py).

    python bench/summarize_local.py [--rounds 3] [--article seeds/000_ec47db115828c336.txt]
    python bench/summarize_local.py --tiny    # one round on a short article: checks the bench
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _valid import Checks

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ec47db115828c336.txt"
SHORT = ROOT / "bench" / "corpus" / "19_football_governance.txt"


class Recording:
    """Wraps the provider's llama call: keeps every request and the time spent inside llama."""

    def __init__(self, provider: Any) -> None:
        self.requests: list[dict[str, Any]] = []
        self.inside_s = 0.0
        self._create = provider.llama.create_chat_completion_openai_v1
        provider.llama.create_chat_completion_openai_v1 = self._record

    def _record(self, **kwargs: Any) -> Any:
        self.requests.append(dict(kwargs))
        started = time.perf_counter()
        try:
            return self._create(**kwargs)
        finally:
            self.inside_s += time.perf_counter() - started


@dataclass
class Run:
    """One measured run of one side."""

    side: str  # "raw", "newsbrief", or "cold" (newsbrief's first run, which records the requests)
    seconds: float
    tokens: tuple[int, int]  # (prompt, completion), as the side reports them
    requests: list[dict[str, Any]] = field(default_factory=list)  # the llama calls it made
    attempts: int = 0  # the calls the side says it made (newsbrief: meta.attempts)
    cached: bool = False


def raw_calls(llama: Any, requests: list[dict[str, Any]]) -> Run:
    """Send ``requests`` straight to llama-cpp-python."""
    prompt_tokens = completion_tokens = replies = 0
    started = time.perf_counter()
    for request in requests:
        reply = llama.create_chat_completion(**request)
        prompt_tokens += reply["usage"]["prompt_tokens"]
        completion_tokens += reply["usage"]["completion_tokens"]
        replies += 1
    seconds = time.perf_counter() - started
    return Run("raw", seconds, (prompt_tokens, completion_tokens), list(requests), replies)


def newsbrief_run(side: str, article: str, llm: Any, recording: Recording) -> tuple[Run, Any]:
    """One uncached ``api.summarize``; the Run holds the llama calls it made."""
    from newsbrief import api

    recording.requests.clear()
    recording.inside_s = 0.0
    started = time.perf_counter()
    result = api.summarize(article, llm=llm, cache=False)
    seconds = time.perf_counter() - started
    meta = result.meta
    tokens = (meta["usage"]["prompt_tokens"], meta["usage"]["completion_tokens"])
    run = Run(side, seconds, tokens, list(recording.requests), meta["attempts"], meta["cached"])
    return run, result


def check_runs(replayed: list[dict[str, Any]], runs: list[Run]) -> None:
    """Exit with status 3 unless every run measured the same uncached work: no cache hit, the
    requests the raw side replays (as many, and the same), the same non-zero tokens."""
    checks = Checks()
    checks.that(len(replayed) > 0, "newsbrief's first run made no llama call: nothing to replay")
    raw = [run for run in runs if run.side == "raw"]
    checks.that(len(raw) > 0, "no raw run was measured")
    expected = raw[0].tokens if raw else None
    for number, run in enumerate(runs):
        name = f"{run.side} run {number}"
        checks.that(not run.cached, f"{name} was answered from the result cache")
        checks.equal(len(run.requests), len(replayed), f"llama calls in {name}")
        checks.equal(run.attempts, len(run.requests), f"calls {name} reports vs llama calls made")
        checks.that(run.requests == replayed, f"{name} sent other requests than the raw replay")
        checks.that(min(run.tokens) > 0, f"{name} used no tokens: {run.tokens}")
        checks.equal(run.tokens, expected, f"tokens (prompt, completion) of {name} vs the raw side")
    checks.verify()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--article", default=None, help=f"default: {SEED.relative_to(ROOT)}")
    parser.add_argument("--tiny", action="store_true", help="one round on a short article")
    args = parser.parse_args()
    if args.tiny:
        args.rounds = 1
    article = args.article or str(SHORT if args.tiny else SEED)
    with tempfile.TemporaryDirectory(prefix="newsbrief-bench-") as home:
        # Before newsbrief is imported: nothing of the user's cache, log or config takes part.
        os.environ["NEWSBRIEF_HOME"] = home
        measure(article, args.rounds)


def measure(article: str, rounds: int) -> None:
    from newsbrief.brief.llm import LLM, LocalProvider, build_provider
    from newsbrief.config import resolve_settings

    started = time.perf_counter()
    provider = build_provider(resolve_settings(model="local"))
    assert isinstance(provider, LocalProvider)
    llama = provider.llama
    load_s = time.perf_counter() - started
    llm = LLM(provider)
    recording = Recording(provider)

    # A first, cold run: records the exact requests for the raw side.
    cold, first = newsbrief_run("cold", article, llm, recording)
    requests = cold.requests

    runs: list[Run] = [cold]
    own: list[float] = []  # newsbrief's own time: its wall time minus the time inside llama
    for round_no in range(rounds):
        order = ["raw", "newsbrief"] if round_no % 2 == 0 else ["newsbrief", "raw"]
        for side in order:
            llama.reset()  # empty KV cache: every measurement pays for reading the article
            if side == "raw":
                runs.append(raw_calls(llama, requests))
            else:
                run, _ = newsbrief_run("newsbrief", article, llm, recording)
                runs.append(run)
                own.append(run.seconds - recording.inside_s)
    check_runs(requests, runs)

    ours = [run.seconds for run in runs if run.side == "newsbrief"]
    raw = [run.seconds for run in runs if run.side == "raw"]
    ours_s, raw_s = statistics.median(ours), statistics.median(raw)
    words = len(Path(article).read_text(encoding="utf-8").split())
    grounding = first.meta["grounding"]
    print(f"article: {article} ({words} words), {len(requests)} LLM calls per summarize")
    print(f"model load: {load_s:.2f} s; first (cold) summarize: {cold.seconds:.2f} s")
    print(f"tokens (prompt, completion) per summarize: {cold.tokens}, the same on every run of "
          f"both sides; no run cached")  # fmt: skip
    print(f"raw llama-cpp-python: median {raw_s:.2f} s  runs {[round(x, 2) for x in raw]}")
    print(f"newsbrief summarize:  median {ours_s:.2f} s  runs {[round(x, 2) for x in ours]}")
    print(
        f"overhead ratio newsbrief/raw: median {ours_s / raw_s:.3f}, "
        f"best-of {min(ours) / min(raw):.3f}  (target <= 1.10)"
    )
    own_s = statistics.median(own)
    print(
        f"newsbrief's own work (outside llama): median {own_s * 1000:.0f} ms per summarize = "
        f"{own_s / raw_s:.2%} of the raw llama time (noise-free overhead; target <= 10%)"
    )
    print(f"whole summarize incl. model load: {load_s + cold.seconds:.2f} s  (target < 60 s)")
    print(f"grounded excerpts and names: {grounding['grounded']}/{grounding['checked']}")


if __name__ == "__main__":
    main()
