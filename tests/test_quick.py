"""The cached-summarize fast path: the full CLI's output, misses fall through, light imports."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsbrief import api, base, quick
from newsbrief.cli import app
from newsbrief.config import FileConfig

from .conftest import NAMES, SUMMARY, FakeProvider

ROOT = Path(__file__).resolve().parents[1]


def fast(*args: str) -> tuple[bool, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        served = quick.try_fast(list(args))
    return served, out.getvalue()


def without_latency(text: str) -> dict[str, object]:
    data = json.loads(text)
    data["meta"].pop("latency_ms")
    if "cache" in data["meta"]:  # when it was made is the same; serving it takes its own time
        data["meta"]["cache"] = {"created": data["meta"]["cache"]["created"]}
    return data


@pytest.fixture
def cached_seed(fake_provider: FakeProvider, seed_path: Path) -> Path:
    fake_provider.queue(SUMMARY, NAMES)
    api.summarize(str(seed_path), model="fake:x")
    return seed_path


def test_file_keys_match_the_config_model() -> None:
    assert set(FileConfig.model_fields) == base.FILE_KEYS


def test_cached_summarize_is_served_with_the_full_cli_output(cached_seed: Path) -> None:
    full = CliRunner().invoke(
        app, ["summarize", str(cached_seed), "-m", "fake:x", "--format", "json"]
    )
    assert full.exit_code == 0, full.output
    served, out = fast("summarize", str(cached_seed), "-m", "fake:x", "--format", "json")
    assert served
    assert without_latency(out) == without_latency(full.output)
    assert json.loads(out)["meta"]["cached"] is True
    for fmt in ("markdown", "pretty"):
        full = CliRunner().invoke(app, ["summarize", str(cached_seed), "-m", "fake:x", "-f", fmt])
        served, out = fast("summarize", str(cached_seed), "--model=fake:x", f"--format={fmt}")
        assert served and out.splitlines()[:-3] == full.output.splitlines()[:-3]


def test_model_from_the_environment_counts(
    cached_seed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not fast("summarize", str(cached_seed), "-f", "json")[0]  # default model: a miss
    monkeypatch.setenv("NEWSBRIEF_MODEL", "fake:x")
    assert fast("summarize", str(cached_seed), "-f", "json")[0]
    monkeypatch.setenv("NEWSBRIEF_MODE", "tools")  # another mode is another identity
    assert not fast("summarize", str(cached_seed), "-f", "json")[0]


def test_misses_fall_through(
    cached_seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["summarize", str(cached_seed), "-m", "fake:x", "-f", "json"]
    assert fast(*args)[0]
    assert not fast(*args, "--no-cache")[0]
    assert not fast(*args[:-1], "yaml")[0]
    assert not fast(*args, "--timeout", "0")[0]
    assert not fast("summarize", "-", "-m", "fake:x")[0]
    assert not fast(*args, "-p", "brief@9")[0]
    assert not fast(*args, "--strategy", "whole")[0]
    assert not fast(*args[:3], "-m", "fake:y")[0]
    copy = tmp_path / cached_seed.name
    copy.write_bytes(cached_seed.read_bytes() + b"\n")
    assert not fast("summarize", str(copy), "-m", "fake:x", "-f", "json")[0]
    prompts = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", prompts)
    monkeypatch.setenv("NEWSBRIEF_PROMPTS_DIR", str(prompts))
    assert fast(*args)[0], "an identical copy of the prompt folder has the same sha"
    (prompts / "brief" / f"v{base.default_prompt()[-1]}" / "summary.j2").write_text("Nothing\n")
    assert not fast(*args)[0]


def test_a_config_file_the_full_path_would_reject_falls_through(
    cached_seed: Path, isolated_home: Path
) -> None:
    base = ["summarize", str(cached_seed), "-m", "fake:x", "-f", "json"]
    (isolated_home / "config.toml").write_text("timeout = 30\n")
    assert fast(*base)[0]
    (isolated_home / "config.toml").write_text('modle = "typo"\n')
    assert not fast(*base)[0]
    (isolated_home / "config.toml").write_text("model = [\n")
    assert not fast(*base)[0]


def test_a_cache_hit_through_the_full_path_records_the_fast_row(
    fake_provider: FakeProvider, seed_path: Path, isolated_home: Path
) -> None:
    fake_provider.queue(SUMMARY, NAMES)
    api.summarize(str(seed_path), model="fake:x")
    api.summarize(str(seed_path), model="fake:x")  # hit
    from newsbrief.store import Store

    store = Store()
    store.db.execute("DELETE FROM fastpath")
    store.close()
    assert not fast("summarize", str(seed_path), "-m", "fake:x", "-f", "json")[0]
    api.summarize(str(seed_path), model="fake:x")  # hit again: the row comes back
    assert fast("summarize", str(seed_path), "-m", "fake:x", "-f", "json")[0]


def test_the_fast_path_imports_none_of_the_heavy_stack(cached_seed: Path) -> None:
    code = (
        "import sys; from newsbrief import quick; "
        f"served = quick.try_fast(['summarize', {str(cached_seed)!r}, '-m', 'fake:x', '-f', "
        "'json']); heavy = [m for m in ('typer', 'pydantic', 'jinja2', 'yaml', 'rich', "
        "'trafilatura', 'wordfreq', 'openai', 'instructor', 'spacy') if m in sys.modules]; "
        "print('RESULT', served, heavy, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy()
    )
    assert "RESULT True []" in done.stderr, done.stderr
    assert json.loads(done.stdout)["meta"]["cached"] is True


def test_python_m_newsbrief_falls_through_to_the_full_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "newsbrief", "summarize", "/nonexistent/file.txt"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "file not found" in done.stderr and "Traceback" not in done.stderr
