"""Helpers the batch engines' tests share: the corpus, the records a run wrote, and a
`newsbrief batch` process killed with SIGKILL once it has got somewhere."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "bench" / "corpus").glob("*.txt"))


def corpus(n: int) -> list[str]:
    """The paths of the first ``n`` corpus articles (their ids are the file stems)."""
    return [str(path) for path in CORPUS[:n]]


def records(path: Path) -> list[dict[str, Any]]:
    """The records of a JSONL results file, in the order they were written."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def batch_args(inputs: list[str], out: Path, model: str, base_url: str, *extra: str) -> list[str]:
    """The arguments of `newsbrief batch` over ``inputs`` into ``out`` with an endpoint."""
    return ["batch", *inputs, "--out", str(out), "-m", model, "--base-url", base_url, *extra]


def kill_when(args: list[str], ready: Callable[[], bool], seconds: float = 60) -> None:
    """Run `newsbrief <args>` in a process of its own (this checkout's code) and SIGKILL it as
    soon as ``ready()``; fails when it ends first or ``seconds`` pass."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen([sys.executable, "-m", "newsbrief", *args], env=env)
    try:
        deadline = time.monotonic() + seconds
        while not ready():
            assert process.poll() is None, "the batch ended before it was killed"
            assert time.monotonic() < deadline, f"not ready to be killed after {seconds} s"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


def engine_run(run: Callable[..., Any], inputs: list[str], out: Path, **options: Any) -> Any:
    """Call an engine's ``run`` the way the CLI does: a ``batch.RunOptions`` built from the
    options it names, the rest (``progress``, the engine's own) as keyword arguments."""
    import dataclasses

    from newsbrief.batch import RunOptions

    names = {f.name for f in dataclasses.fields(RunOptions)}
    shared = {k: v for k, v in options.items() if k in names}
    own = {k: v for k, v in options.items() if k not in names}
    return run(RunOptions(list(inputs), Path(out), **shared), **own)
