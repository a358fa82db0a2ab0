"""``newsbrief logs``: the run log's calls, grouped by article run, as lines and tables, or as
JSON objects with their stored JSON unpacked."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from rich.table import Table

from .store import group_runs

if TYPE_CHECKING:
    from rich.console import Console


def run_line(group: list[dict[str, Any]]) -> str:
    """The head of one article run in `newsbrief logs`: run id, prompt, model, when, and what
    its calls cost together."""
    head = group[0]
    prompt = tokens = 0
    for c in group:
        prompt += c["prompt_tokens"]
        tokens += c["completion_tokens"]
    seconds = sum(c["latency_ms"] or 0 for c in group) / 1000
    run = f"run {head['run'][:6]}" if head.get("run") else "call"
    return (f"{run} · {head['prompt'] or '-'} on {head['model']} · "
            f"{head['time'].replace('T', ' ').rstrip('Z')} · {len(group)} calls, "
            f"{prompt:,}+{tokens:,} tokens, {seconds:.1f} s")  # fmt: skip


def calls_table(group: list[dict[str, Any]]) -> Table:
    """One article run's calls, in the order asked. Identifying columns never wrap or shrink
    to an ellipsis; an error wraps instead."""
    table = Table(box=None, padding=(0, 1), pad_edge=False)
    table.add_column("  ID", no_wrap=True, justify="right")
    for name in ("Time", "Task", "Tokens", "ms"):
        table.add_column(name, no_wrap=True)
    table.add_column("Error", overflow="fold")
    for c in group:
        tries = f" ({c['attempts']} tries)" if c["attempts"] > 1 else ""
        table.add_row(str(c["id"]), c["time"][11:19], (c["task"] or "") + tries,
                      f"{c['prompt_tokens']}+{c['completion_tokens']}",
                      str(c["latency_ms"]), c["error"] or "")  # fmt: skip
    return table


def print_runs(console: Console, calls: list[dict[str, Any]]) -> None:
    """Each article run's head line (it wraps at the width), then its calls."""
    for group in group_runs(calls):
        console.print(run_line(group), highlight=False, markup=False)
        console.print(calls_table(group))


def nested(call: dict[str, Any]) -> dict[str, Any]:
    """A logged call with its stored JSON as objects, not strings: the messages, the parsed
    result, and the raw reply when it is a JSON object or list (else the reply's text)."""
    out = dict(call)
    for key in ("messages", "parsed", "raw_reply"):
        if isinstance(out.get(key), str):
            with contextlib.suppress(ValueError):  # not JSON after all: left as text
                value = json.loads(out[key])
                if key != "raw_reply" or isinstance(value, (dict, list)):
                    out[key] = value
    return out
