"""Benchmark: newsbrief's `local` summarize vs the raw llama-cpp-python calls, side by side.

Both sides send the same rendered messages with the same grammar (JSON schema) and token limits
to the same in-process Llama, so they generate the same tokens; the difference is newsbrief's own
work (cleaning, rendering, instructor, validation, grounding). Each measurement starts from an
empty KV cache; the order alternates between rounds so neither side profits from going second.

    python bench/summarize_local.py [--rounds 2] [--article seeds/000_ec47db115828c336.txt]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from newsbrief import api
from newsbrief.clean import clean_text
from newsbrief.config import resolve_settings
from newsbrief.llm import LocalProvider, build_provider
from newsbrief.prompts import load_prompt
from newsbrief.schemas import PARTS

ROOT = Path(__file__).resolve().parents[1]


def raw_calls(llama, prompt, text: str) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    """The same requests made directly with llama-cpp-python; returns (seconds, in, out tokens)."""
    cleaned = clean_text(text)
    variables = {"title": cleaned.title, "text": cleaned.text}
    s = prompt.spec.sampling
    prompt_tokens = completion_tokens = 0
    started = time.perf_counter()
    for task in prompt.spec.tasks:
        reply = llama.create_chat_completion(
            messages=prompt.render(task, variables),
            response_format={"type": "json_object", "schema": PARTS[task.part].model_json_schema()},
            max_tokens=task.max_tokens,
            temperature=s.temperature,
            top_p=s.top_p,
            seed=s.seed,
        )
        json.loads(reply["choices"][0]["message"]["content"])
        prompt_tokens += reply["usage"]["prompt_tokens"]
        completion_tokens += reply["usage"]["completion_tokens"]
    return time.perf_counter() - started, prompt_tokens, completion_tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--article", default=str(ROOT / "seeds" / "000_ec47db115828c336.txt"))
    args = parser.parse_args()
    text = Path(args.article).read_text(encoding="utf-8")
    prompt = load_prompt(api.DEFAULT_PROMPT)

    started = time.perf_counter()
    provider = build_provider(resolve_settings(model="local"))
    assert isinstance(provider, LocalProvider)
    llama = provider.llama
    load_s = time.perf_counter() - started
    llm = api.make_llm(resolve_settings(model="local"))

    ours: list[float] = []
    raw: list[float] = []
    tokens: dict[str, tuple[int, int]] = {}
    for round_no in range(args.rounds):
        order = ["raw", "newsbrief"] if round_no % 2 == 0 else ["newsbrief", "raw"]
        for side in order:
            llama.reset()  # empty KV cache: every measurement pays for reading the article
            if side == "raw":
                seconds, p_tok, c_tok = raw_calls(llama, prompt, text)
                raw.append(seconds)
                tokens["raw"] = (p_tok, c_tok)
            else:
                t0 = time.perf_counter()
                result = api.summarize(args.article, llm=llm)
                ours.append(time.perf_counter() - t0)
                usage = result.meta["usage"]
                tokens["newsbrief"] = (usage["prompt_tokens"], usage["completion_tokens"])
                grounding = result.meta["grounding"]

    ours_s, raw_s = statistics.median(ours), statistics.median(raw)
    print(f"article: {args.article} ({len(text.split())} words)")
    print(f"model load: {load_s:.2f} s (not in the times below)")
    print(f"tokens (prompt, completion): raw {tokens['raw']}  newsbrief {tokens['newsbrief']}")
    print(f"raw llama-cpp-python, 4 calls: median {raw_s:.2f} s  runs {[round(x, 2) for x in raw]}")
    print(
        f"newsbrief summarize:          median {ours_s:.2f} s  runs {[round(x, 2) for x in ours]}"
    )
    print(f"overhead ratio newsbrief/raw: {ours_s / raw_s:.3f}  (target <= 1.10)")
    print(f"whole summarize incl. model load: {load_s + ours_s:.2f} s  (target < 60 s)")
    print(f"grounded excerpts: {grounding['grounded']}/{grounding['checked']}")


if __name__ == "__main__":
    main()
