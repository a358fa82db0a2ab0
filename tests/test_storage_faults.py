"""Issue 22: storage faults never cost paid work. A full disk under the data folder leaves the
briefs made (the cache and run log degrade with one warning); a results file that cannot be
written stops the batch with the resume command instead of writing failed records."""

from __future__ import annotations

import errno
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsbrief import batch, store
from newsbrief.cli import app

from .fault_server import FaultServer, fault_server
from .helpers import CORPUS, records


class FullStore(store.Store):
    """The run log and cache on a disk with no room left: SQLite's own "database or disk is
    full", from a page limit at the size the database has now."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(path)
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {pages}")


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with fault_server() as state:
        yield state


def test_a_full_store_degrades_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full = FullStore(tmp_path / "nb.db")
    big = {"brief": {"summary": "x" * 200_000}}
    full.cache_put("k1", big)  # no exception: the brief that was paid for is not lost
    full.cache_put("k2", big)
    assert full.log_call({"model": "m", "messages": [], "usage": {}}) is None
    assert full.degraded and full.cache_get("k1") is None
    warned = capsys.readouterr().err
    assert warned.count("warning: cannot write the cache and run log") == 1
    assert "database or disk is full" in warned and "NEWSBRIEF_HOME" in warned


def test_a_batch_on_a_full_data_disk_writes_every_brief(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch.article, "Store", FullStore)  # where Batch opens its store
    out = tmp_path / "out.jsonl"
    counts = batch.run([str(p) for p in CORPUS[:3]], out, model="openai:fault",
                       base_url=server.base_url, mode="json_schema")  # fmt: skip
    assert (counts.done, counts.failed) == (3, 0)
    assert all(r["status"] == "ok" for r in records(out))


def _full_after(n: int) -> Any:
    """A sink's write that fails for want of space after ``n`` records."""
    left = [n]

    def write(sink: batch.JsonlSink, record: dict[str, Any]) -> None:
        if left[0] == 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        left[0] -= 1
        _write(sink, record)

    return write


_write = batch.JsonlSink.write


def test_a_results_file_that_cannot_be_written_stops_the_run_for_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in CORPUS[:6]:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(batch.JsonlSink, "write", _full_after(2))
    result = CliRunner().invoke(app, ["batch", str(folder), "--out", str(out), "-q",
                                      "--concurrency", "1"])  # fmt: skip
    assert result.exit_code == 1
    assert "cannot write the results to" in result.output
    assert "No space left on device" in result.output
    assert "free some space" in result.output and "--resume" in result.output
    written = records(out)
    assert len(written) == 2 and all(r["status"] == "ok" for r in written)  # no failed records
    monkeypatch.setattr(batch.JsonlSink, "write", _write)  # space again: resume finishes it
    again = batch.run([str(folder)], out, resume=True)
    assert (again.resumed, again.done, again.failed) == (2, 4, 0)
    assert len({r["id"] for r in records(out)}) == 6


def test_a_full_sqlite_results_file_stops_the_run_too(tmp_path: Path) -> None:
    out = tmp_path / "out.sqlite"
    original = batch.SqliteSink.__init__

    def full_init(self: batch.SqliteSink, path: Path, **kwargs: Any) -> None:
        original(self, path, **kwargs)
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {pages}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch.SqliteSink, "__init__", full_init)
        counts = batch.run([str(p) for p in CORPUS[:4]], out)
    assert counts.storage is not None and "database or disk is full" in counts.storage
    assert counts.exit_code == 1 and counts.failed == 0
    with sqlite3.connect(out) as db:
        statuses = [json.loads(r[0])["status"] for r in db.execute("SELECT record FROM results")]
    assert "failed" not in statuses
