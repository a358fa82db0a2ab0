"""Progress of one summarize (issue 15): stages and answers on a terminal's stderr, nothing
when stderr is no terminal or with -q."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from newsbrief import api
from newsbrief.brief.llm import LLM
from newsbrief.brief.prompts import load_prompt
from newsbrief.brief.strategies.common import Asker
from newsbrief.cli import app
from newsbrief.progress import SummarizeProgress

from .conftest import NAMES, SUMMARY, FakeProvider


def parts_told(events: list[dict[str, Any]]) -> dict[str, list[tuple[int, int]]]:
    """Per part, the (done, total) steps the strategy told, in order."""
    told: dict[str, list[tuple[int, int]]] = {}
    for event in events:
        if "part" in event:
            told.setdefault(event["part"], []).append((event["done"], event["total"]))
    return told


def assert_counts_up(steps: list[tuple[int, int]], total: int) -> None:
    """1 until the part knows its total, then 0, 1, ... up to it, each step once."""
    assert steps[0] == (0, 1)
    rest = steps[1:] if total != 1 else steps
    assert rest == [(done, total) for done in range(total + 1)], steps


@pytest.mark.usefixtures("brief2_default")
def test_summarize_tells_its_observer_each_stage_and_question(
    fake_provider: FakeProvider, seed_path: Path
) -> None:
    fake_provider.queue(SUMMARY, NAMES)
    events: list[dict[str, Any]] = []
    result = api.summarize(str(seed_path), model="fake:x", observe=events.append, log=False)
    stages = [e["stage"] for e in events if "stage" in e]
    assert stages == ["cleaning", "loading the model", "asking the model"]
    tasks = [e["task"] for e in events if "task" in e]
    assert tasks[:2] == ["summary", "quoted_experts"]
    assert len(tasks) == len(fake_provider.requests) == result.meta["attempts"]
    told = parts_told(events)
    assert list(told) == ["summary", "quoted_experts", "pledges", "positions"]
    assert told["summary"] == [(0, 1), (1, 1)] and told["quoted_experts"] == [(0, 1), (1, 1)]
    dropped = result.meta["grounding"]["dropped"]
    for part in ("pledges", "positions"):
        # Every sentence the part selected is either asked about or dropped unasked.
        asked = tasks.count(part)
        unasked = sum(d["part"] == part and d["reason"].startswith("the sentence ")
                      for d in dropped)  # fmt: skip
        assert asked >= 2, "the seed has several sentences of each"
        assert_counts_up(told[part], asked + unasked)
    events.clear()
    api.summarize(str(seed_path), model="fake:x", observe=events.append)
    assert events == [{"stage": "cleaning"}], "a cached brief asks nothing"


def test_whole_tells_each_part_per_piece_of_a_long_article(seed_path: Path) -> None:
    provider = FakeProvider()
    provider.window = 7000  # words, as the double counts them: the seed needs several pieces
    llm = LLM(provider)
    prompt = load_prompt("brief@3")
    article, cleaned = api.clean(str(seed_path))
    pieces = {t.part: len(Asker(prompt, cleaned, llm, None).chunks(t)) for t in prompt.spec.tasks}
    assert pieces == {"summary": 1, "pledges": 2, "positions": 2, "quoted_experts": 2}
    provider.queue(SUMMARY, *[{"pledges": []}] * 2, *[{"positions": []}] * 2,
                   *[{"quoted_experts": []}] * 2)  # fmt: skip
    events: list[dict[str, Any]] = []
    api.brief_article(article, llm=llm, prompt=prompt, cleaned=cleaned, strategy="whole",
                      progress=events.append)  # fmt: skip
    told = parts_told(events)
    assert list(told) == ["summary", "pledges", "positions", "quoted_experts"]
    assert_counts_up(told["summary"], 1)
    for part in ("pledges", "positions", "quoted_experts"):
        assert_counts_up(told[part], 2)
    assert len(provider.requests) == 7 and not provider.replies


def test_whole_tells_one_step_per_part_and_the_floor_tells_nothing(seed_path: Path) -> None:
    provider = FakeProvider().queue(SUMMARY, {"pledges": []}, {"positions": []},
                                    {"quoted_experts": []})  # fmt: skip
    article, cleaned = api.clean(str(seed_path))
    events: list[dict[str, Any]] = []
    api.brief_article(article, llm=LLM(provider), prompt=load_prompt("brief@3"), cleaned=cleaned,
                      strategy="whole", progress=events.append)  # fmt: skip
    assert events == [{"part": p, "done": d, "total": 1}
                      for p in ("summary", "pledges", "positions", "quoted_experts")
                      for d in (0, 1)]  # fmt: skip
    events.clear()
    api.brief_article(article, llm=None, prompt=None, cleaned=cleaned, strategy="floor",
                      progress=events.append)  # fmt: skip
    assert events == []


def test_the_progress_line_shows_each_part_k_of_n_and_fits_80_columns() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80, color_system=None)
    view = SummarizeProgress(console)
    with view:
        view({"stage": "cleaning"})
        assert re.fullmatch(r"cleaning · \d+m\d\ds", view.line())
        for event in ({"stage": "asking the model"}, {"part": "summary", "done": 1, "total": 1},
                      {"part": "quoted_experts", "done": 1, "total": 1},
                      {"part": "pledges", "done": 7, "total": 7},
                      {"part": "positions", "done": 3, "total": 12},
                      {"task": "positions", "error": "no valid reply"}):  # fmt: skip
            view(event)
        line = view.line()
    assert line.startswith("summary 1/1, experts 1/1, pledges 7/7, positions 3/12 · 1 failed · ")
    assert len(line) <= 78
    drawn = out.getvalue()
    assert "pledges 7/7" in drawn, "the status was drawn on the console"
    assert drawn.endswith("\x1b[2K"), "and erased at the end, leaving only the brief"


@pytest.mark.usefixtures("brief2_default")  # scripted for brief@2's questions
def test_verbose_prints_each_question_and_the_cost_without_a_terminal(
    fake_provider: FakeProvider, seed_path: Path
) -> None:
    fake_provider.queue(SUMMARY, NAMES)
    result = CliRunner().invoke(
        app, ["summarize", str(seed_path), "-m", "fake:x", "-f", "json", "--no-cache", "-v"]
    )
    assert result.exit_code == 0, result.output
    meta = json.loads(result.stdout)["meta"]
    lines = result.stderr.splitlines()
    asked = [line for line in lines if line.startswith("asked ")]
    assert len(asked) == len(fake_provider.requests)
    assert asked[0].startswith("asked summary: 100+20 tokens, ")
    assert lines[-1].startswith(f"{meta['model']} · {meta['prompt']} (focused) · ")
    assert f"{meta['attempts']} calls" in lines[-1]


def test_summarize_prints_no_progress_when_stderr_is_no_terminal(
    fake_provider: FakeProvider, seed_path: Path
) -> None:
    for quiet in ([], ["-q"]):
        fake_provider.queue(SUMMARY, NAMES)
        result = CliRunner().invoke(
            app, ["summarize", str(seed_path), "-m", "fake:x", "-f", "json", "--no-cache", *quiet]
        )
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        assert json.loads(result.stdout)["meta"]["cached"] is False


@pytest.mark.usefixtures("brief2_default")  # scripted for brief@2's questions
def test_summarize_on_a_terminal_shows_the_parts_on_stderr_and_q_hides_them(
    fake_provider: FakeProvider, seed_path: Path
) -> None:
    terminal = {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"}  # rich takes stderr for a terminal
    for quiet in ([], ["-q"]):
        fake_provider.queue(SUMMARY, NAMES)
        result = CliRunner().invoke(
            app, ["summarize", str(seed_path), "-m", "fake:x", "-f", "json", "--no-cache", *quiet],
            env=terminal,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["brief"]["summary"]
        if quiet:
            assert result.stderr == ""
        else:
            assert re.search(r"summary 1/1, experts 1/1, pledges \d+/\d+, positions \d+/\d+",
                             result.stderr)  # fmt: skip
