"""The per-article rules every batch engine keeps (issue 25): the same resume, --retry-failed,
duplicate-id, bad-record and empty-input cases through the thread engine, Ray and the Batch API
files. Each engine only turns work items into records; these rules must not drift apart."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from newsbrief import batch, batchfiles
from newsbrief.errors import UsageError

from .batch_server import batch_server
from .fault_server import fault_server
from .helpers import CORPUS, engine_run, records

Runner = Callable[..., Any]


@pytest.fixture(params=["threads", "ray", "openai-batch"])
def engine(request: pytest.FixtureRequest) -> Iterator[Runner]:
    """A function running one engine over ``inputs`` into ``out`` with the run's options."""
    if request.param == "openai-batch":
        with batch_server() as files:
            yield functools.partial(engine_run, batchfiles.run, model="openai:gpt-x",
                                    base_url=files.base_url, poll_interval=0.01)  # fmt: skip
        return
    run: Runner = batch.run_threads
    options: dict[str, Any] = {}
    if request.param == "ray":
        if not os.environ.get("CI"):
            pytest.importorskip("ray")
        request.getfixturevalue("cluster")
        from newsbrief.engines import ray_engine

        run, options = ray_engine.run, {"block": 2}
    with fault_server() as live:
        yield functools.partial(engine_run, run, model="openai:fault", base_url=live.base_url,
                                mode="json_schema", **options)  # fmt: skip


def _jsonl(path: Path, rows: list[str]) -> str:
    path.write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    return str(path)


def _row(article_id: str, n: int) -> str:
    return json.dumps({"id": article_id, "text": CORPUS[n].read_text(encoding="utf-8")})


def _statuses(out: Path) -> dict[str, str]:
    got = records(out)
    assert len(got) == len({r["id"] for r in got}), "one record per id"
    return {r["id"]: r["status"] for r in got}


def test_resume_finishes_what_a_limited_run_left(engine: Runner, tmp_path: Path) -> None:
    inputs = [str(p) for p in CORPUS[:4]]
    out = tmp_path / "r.jsonl"
    first = engine(inputs, out, limit=2)
    assert first.done == 2
    again = engine(inputs, out, resume=True)
    assert (again.resumed, again.done, again.failed) == (2, 2, 0)
    assert _statuses(out) == {p.stem: "ok" for p in CORPUS[:4]}


def test_retry_failed_redoes_a_failed_article_once_it_is_fixed(
    engine: Runner, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in CORPUS[:2]:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    broken = folder / "late.txt"
    broken.write_bytes(b"\x00\x01\x02\xff" * 64)  # binary: a failed input record
    out = tmp_path / "r.jsonl"
    first = engine([str(folder)], out)
    assert (first.done, first.failed) == (2, 1)
    broken.write_text(CORPUS[2].read_text(encoding="utf-8"), encoding="utf-8")
    again = engine([str(folder)], out, retry_failed=True)
    assert (again.resumed, again.done, again.failed) == (2, 1, 0)
    assert _statuses(out) == {CORPUS[0].stem: "ok", CORPUS[1].stem: "ok", "late": "ok"}


def test_a_duplicate_id_and_a_bad_record_are_one_failed_record_each(
    engine: Runner, tmp_path: Path
) -> None:
    source = _jsonl(tmp_path / "in.jsonl", [_row("x", 0), "{not json", _row("y", 1), _row("x", 2)])
    out = tmp_path / "r.jsonl"
    counts = engine([source], out)
    got = {r["id"]: r for r in records(out)}
    assert _statuses(out) == {"x": "failed", f"{source}:2": "failed", "y": "ok"}
    assert got["x"]["error"]["type"] == "DuplicateIdError"
    assert (counts.done, counts.failed) == (1, 2)


def test_an_input_with_no_article_is_refused_before_any_file(
    engine: Runner, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "r.jsonl"
    with pytest.raises(UsageError, match="holds no article"):
        engine([str(empty)], out)
    assert not out.exists()
