"""Progress of one summarize (issue 15): stages and answers on a terminal's stderr, nothing
when stderr is no terminal or with -q."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from newsbrief import api
from newsbrief.cli import app
from newsbrief.progress import SummarizeProgress

from .conftest import NAMES, SUMMARY, FakeProvider


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
    events.clear()
    api.summarize(str(seed_path), model="fake:x", observe=events.append)
    assert events == [{"stage": "cleaning"}], "a cached brief asks nothing"


def test_the_progress_line_counts_answers_and_fits_80_columns() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80, color_system=None)
    view = SummarizeProgress(console)
    with view:
        for event in ({"stage": "cleaning"}, {"stage": "asking the model"}, {"task": "summary"},
                      {"task": "quoted_experts"}, *[{"task": "pledges"}] * 7,
                      {"task": "positions", "error": "no valid reply"}):  # fmt: skip
            view(event)
        line = view.line()
    assert line.startswith("asked: summary 1, experts 1, pledges 7, ")
    assert "positions 1 · 1 failed · 0m0" in line and len(line) <= 78
    drawn = out.getvalue()
    assert "asked: summary 1" in drawn, "the status was drawn on the console"
    assert drawn.endswith("\x1b[2K"), "and erased at the end, leaving only the brief"


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
