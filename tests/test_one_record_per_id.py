"""Issue 22: one id, one record. Two articles with the same id become one failed record naming
both, in every sink and on every engine that writes records itself; --retry-failed replaces,
never appends; the results lock is taken on the file, not on the name."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from newsbrief import batch
from newsbrief.errors import UsageError

TEXTS = {
    "a": "The mayor said on Monday that the city will plant 1,000 trees next year.",
    "b": "The minister said the government will build 200 schools by 2027.",
    "c": "The union said its members will strike on Friday unless wages rise.",
}


def _jsonl(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "text": TEXTS[t]}) + "\n" for i, t in rows))
    return path


def _records(out: Path) -> list[dict[str, Any]]:
    if out.suffix == ".sqlite":
        with sqlite3.connect(out) as db:
            return [json.loads(r[0]) for r in db.execute("SELECT record FROM results")]
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("suffix", [".jsonl", ".sqlite"])
def test_a_duplicate_id_is_one_failed_record_naming_both_sources(
    tmp_path: Path, suffix: str
) -> None:
    source = _jsonl(tmp_path / "in.jsonl", [("x", "a"), ("y", "b"), ("x", "c")])
    out = tmp_path / f"out{suffix}"
    counts = batch.run([str(source)], out)
    got = {r["id"]: r for r in _records(out)}
    assert len(_records(out)) == 2
    assert got["y"]["status"] == "ok"
    error = got["x"]["error"]
    assert got["x"]["status"] == "failed" and error["type"] == "DuplicateIdError"
    assert f"{source}:1" in error["message"] and f"{source}:3" in error["message"]
    assert (counts.done, counts.failed, counts.failed_ids) == (1, 1, ["x"])


@pytest.mark.parametrize("suffix", [".jsonl", ".sqlite"])
def test_retry_failed_replaces_and_never_appends(tmp_path: Path, suffix: str) -> None:
    source = _jsonl(tmp_path / "in.jsonl", [("x", "a"), ("y", "b"), ("x", "c")])
    out = tmp_path / f"out{suffix}"
    batch.run([str(source)], out)
    for _ in range(3):
        again = batch.run([str(source)], out, retry_failed=True)
        assert (again.failed, again.resumed) == (1, 1)
        assert sorted(r["id"] for r in _records(out)) == ["x", "y"]
    _jsonl(source, [("x", "a"), ("y", "b")])  # the ids fixed: the retry briefs x at last
    fixed = batch.run([str(source)], out, retry_failed=True)
    assert (fixed.done, fixed.failed) == (1, 0)
    assert {r["id"]: r["status"] for r in _records(out)} == {"x": "ok", "y": "ok"}


def test_a_duplicate_of_an_id_written_by_an_earlier_run_replaces_it(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    batch.run([str(_jsonl(tmp_path / "one.jsonl", [("x", "a")]))], out)
    source = _jsonl(tmp_path / "two.jsonl", [("x", "a"), ("x", "b")])
    counts = batch.run([str(source)], out, resume=True)
    got = _records(out)
    assert [r["id"] for r in got] == ["x"] and got[0]["status"] == "failed"
    assert (counts.resumed, counts.failed) == (0, 1)


def test_a_file_left_with_two_records_of_an_id_is_compacted_on_resume(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    batch.run([str(_jsonl(tmp_path / "in.jsonl", [("x", "a"), ("y", "b")]))], out)
    first, second = out.read_text(encoding="utf-8").splitlines()
    failed = json.loads(first) | {"status": "failed", "error": {"kind": "llm", "type": "X",
                                                                 "message": "m"}}  # fmt: skip
    # a crash after a replacing record was written, before the sink closed
    out.write_text("\n".join([json.dumps(failed), second, first]) + "\n", encoding="utf-8")
    batch.run([str(tmp_path / "in.jsonl")], out, resume=True)
    got = _records(out)
    assert sorted(r["id"] for r in got) == ["x", "y"]
    assert all(r["status"] == "ok" for r in got)  # the last line of an id is its record


def test_the_lock_is_on_the_file_a_link_leads_to(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    link = tmp_path / "link.jsonl"
    link.symlink_to(out)
    held = batch.ResultsLock(out)
    held.acquire()
    try:
        with pytest.raises(UsageError, match="being written by another batch"):
            batch.ResultsLock(link).acquire()
    finally:
        held.release()
