"""Run log and cache: migrations, records, cache hits and misses, several processes at once."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsbrief import api
from newsbrief.cli import app
from newsbrief.store import MIGRATIONS, Store, redact

from .conftest import NAMES, SUMMARY, FakeProvider


def test_migrations_apply_once_and_are_recorded(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    first = Store(db)
    assert first.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [row[0] for row in first.db.execute("SELECT name FROM migrations ORDER BY id")]
    assert names == [name for name, _ in MIGRATIONS]
    first.close()
    again = Store(db)
    assert again.migrate() == []
    again.close()


def test_summarize_twice_second_from_cache(fake_provider: FakeProvider, seed_path: Path) -> None:
    fake_provider.queue(SUMMARY, NAMES)
    first = api.summarize(str(seed_path), model="fake:x")
    calls = len(fake_provider.requests)
    second = api.summarize(str(seed_path), model="fake:x")
    assert len(fake_provider.requests) == calls, "a cache hit makes no LLM call"
    assert first.meta["cached"] is False and second.meta["cached"] is True
    assert second.brief == first.brief
    # Issue 15: a cached result tells what it cost when it was made, and how old it is.
    assert second.meta["attempts"] == first.meta["attempts"] == calls
    assert second.meta["usage"] == first.meta["usage"] and sum(first.meta["usage"].values()) > 0
    assert second.meta["latency_ms"] == first.meta["latency_ms"]
    assert second.meta["prompt_sha256"] == first.meta["prompt_sha256"]
    cache = second.meta["cache"]
    assert 0 <= cache["age_s"] < 600 and cache["created"].endswith("Z")
    assert cache["served_ms"] >= 0 and "cache" not in first.meta


def test_a_cached_result_reports_its_age(fake_provider: FakeProvider, seed_path: Path) -> None:
    import time

    from newsbrief import base, render

    stored = {"usage": {"prompt_tokens": 900, "completion_tokens": 100}, "attempts": 40,
              "latency_ms": 12_000, "cached": False}  # fmt: skip
    created = time.strftime(base.TIME_FORMAT, time.gmtime(time.time() - 3 * 3600 - 5))
    meta = base.cached_meta(stored, time.perf_counter(), created)
    assert meta["usage"] == stored["usage"] and meta["attempts"] == 40 and meta["cached"]
    assert 3 * 3600 <= meta["cache"]["age_s"] < 3 * 3600 + 600
    fake_provider.queue(SUMMARY, NAMES)
    result = api.summarize(str(seed_path), model="fake:x").to_dict()
    result["meta"] = {**result["meta"], **meta}
    footer = render.to_markdown(result).splitlines()[-1]
    assert "12.0 s · 900+100 tokens · 40 calls" in footer and "cached, made 3 h ago" in footer


def test_no_cache_asks_the_model_again(fake_provider: FakeProvider, seed_path: Path) -> None:
    fake_provider.queue(SUMMARY, NAMES)
    api.summarize(str(seed_path), model="fake:x")
    calls = len(fake_provider.requests)
    fake_provider.queue(SUMMARY, NAMES)
    result = api.summarize(str(seed_path), model="fake:x", cache=False)
    assert len(fake_provider.requests) == 2 * calls and result.meta["cached"] is False


@pytest.mark.usefixtures("brief2_default")
def test_cache_key_covers_what_changes_the_output(
    fake_provider: FakeProvider, seed_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_provider.queue(SUMMARY, NAMES)
    api.summarize(str(seed_path), model="fake:x")
    per_run = len(fake_provider.requests)
    fake_provider.queue(SUMMARY, NAMES)
    api.summarize(str(seed_path), model="fake:other")  # another model: a miss
    assert len(fake_provider.requests) == 2 * per_run
    prompts = tmp_path / "prompts"
    shutil.copytree(Path(__file__).resolve().parents[1] / "prompts", prompts)
    summary = prompts / "brief" / "v2" / "summary.j2"  # the default prompt's
    summary.write_text(summary.read_text() + "\nBe brief.\n")
    monkeypatch.setenv("NEWSBRIEF_PROMPTS_DIR", str(prompts))
    fake_provider.queue(SUMMARY, NAMES)
    api.summarize(str(seed_path), model="fake:x")  # another prompt text: a miss
    assert len(fake_provider.requests) == 3 * per_run
    copy = tmp_path / "renamed.txt"
    copy.write_text(seed_path.read_text(encoding="utf-8") + "\n\n\n", encoding="utf-8")
    monkeypatch.delenv("NEWSBRIEF_PROMPTS_DIR")
    api.summarize(str(copy), model="fake:x")  # same cleaned text, other file: a hit
    assert len(fake_provider.requests) == 3 * per_run


def test_every_call_is_logged_once(fake_provider: FakeProvider, seed_path: Path) -> None:
    fake_provider.queue(SUMMARY, {"names": "not a list"}, NAMES)
    result = api.summarize(str(seed_path), model="fake:x", prompt="brief@1")
    store = Store()
    calls = store.calls(100)
    store.close()
    # one row per question; the re-ask shows in its row's attempts, not as a row of its own
    assert len(calls) == len(fake_provider.requests) - 1
    assert sum(c["attempts"] for c in calls) == result.meta["attempts"] == len(calls) + 1
    assert sum(c["prompt_tokens"] for c in calls) == result.meta["usage"]["prompt_tokens"]
    names = next(c for c in calls if c["task"] == "quoted_experts")
    assert names["attempts"] == 2 and json.loads(names["parsed"])["names"][0] == "Zhao Huirong"
    assert {c["prompt"] for c in calls} == {"brief@1"}
    assert all(c["article_sha256"] and c["model"] == "fake:test" for c in calls)


def test_failed_calls_are_logged_with_their_error(seed_path: Path) -> None:
    from newsbrief.brief.llm import LLM
    from newsbrief.errors import LLMError

    with pytest.raises(LLMError):
        api.summarize(str(seed_path), llm=LLM(FakeProvider(["garbage"] * 3)))
    store = Store()
    (call,) = store.calls(10)
    store.close()
    assert call["attempts"] == 3 and "no valid reply" in call["error"]
    assert call["raw_reply"] == "garbage"


def test_no_log(fake_provider: FakeProvider, seed_path: Path) -> None:
    fake_provider.queue(SUMMARY, NAMES)
    api.summarize(str(seed_path), model="fake:x", log=False)
    store = Store()
    assert store.calls(10) == []
    store.close()


def test_keys_are_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "local-key-42abc")
    assert redact("auth local-key-42abc failed") == "auth [redacted] failed"
    assert redact("Bearer sk-abcdefghijklmnop") == "[redacted]"


def test_logs_commands(fake_provider: FakeProvider, seed_path: Path) -> None:
    fake_provider.queue(SUMMARY, NAMES)
    runner = CliRunner()
    assert runner.invoke(app, ["summarize", str(seed_path), "-m", "fake:x"]).exit_code == 0
    listed = runner.invoke(app, ["logs", "-n", "3", "--json"])
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 3 and rows[0]["id"] > rows[1]["id"]
    table = runner.invoke(app, ["logs"], env={"COLUMNS": "120"})  # CI's width is not ours
    assert table.exit_code == 0 and "fake:test" in table.stdout
    shown = runner.invoke(app, ["logs", "show", str(rows[-1]["id"])])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["messages"][0]["role"] == "system"
    missing = runner.invoke(app, ["logs", "show", "99999"])
    assert missing.exit_code == 2 and "no logged call 99999" in missing.stderr


def _write_rows(db: str, n: int) -> None:
    store = Store(Path(db))
    for i in range(n):
        store.log_call({"model": "m", "messages": [{"role": "user", "content": str(i)}]})
        store.cache_put(f"k{i % 7}", {"i": i})
    store.close()


def test_several_processes_at_once(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.db")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_rows, args=(db, 150)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    store = Store(Path(db))
    assert store.db.execute("SELECT COUNT(*) FROM calls").fetchone()[0] == 600
    assert store.db.execute("SELECT COUNT(*) FROM cache").fetchone()[0] == 7
    store.close()


def test_a_cached_run_does_not_clean_again(
    fake_provider: FakeProvider, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_provider.queue(SUMMARY, NAMES)
    first = api.summarize(str(seed_path), model="fake:x")

    def no_cleaning(*args: object, **kwargs: object) -> None:
        raise AssertionError("cleaned again")

    monkeypatch.setattr(api, "clean_article", no_cleaning)
    second = api.summarize(str(seed_path), model="fake:x")
    assert second.meta["cached"] and second.clean.text == first.clean.text
    assert second.clean.removed == first.clean.removed
    assert second.to_dict()["article"] == first.to_dict()["article"]


def test_a_locked_switch_to_wal_is_tried_again(tmp_path: Path) -> None:
    """Two processes opening a new run log at once: the WAL switch can fail at once with
    "database is locked" (CI saw it as exit 1 of one of two batches started together); the
    store waits a moment and looks again instead of failing the run."""
    import sqlite3

    class Flaky:
        def __init__(self, fails: int) -> None:
            self.fails, self.calls = fails, 0

        def execute(self, sql: str) -> Any:
            self.calls += 1
            if self.fails:
                self.fails -= 1
                raise sqlite3.OperationalError("database is locked")
            return sqlite3.connect(":memory:").execute("SELECT 'wal'")

    store = Store(tmp_path / "log.sqlite3")
    try:
        store.db, real = Flaky(fails=2), store.db  # type: ignore[assignment]
        store._use_wal()
        assert store.db.calls == 3  # type: ignore[attr-defined]
        store.db = Flaky(fails=5)  # type: ignore[assignment]
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            store._use_wal(attempts=3)
    finally:
        store.db = real
        store.close()
