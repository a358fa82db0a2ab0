"""Bad input and bad settings: one clear line, the documented exit code, no traceback."""

from __future__ import annotations

import io
import os
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from newsbrief import api
from newsbrief.cli import app
from newsbrief.errors import NewsbriefError

CASES = yaml.safe_load((Path(__file__).parent / "error_cases.yaml").read_text(encoding="utf-8"))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _materialize(case: dict[str, Any], tmp_path: Path, seed: Path) -> dict[str, Any]:
    values = {"tmp": str(tmp_path), "seed": str(seed), "closed_port": str(_closed_port())}

    def fill(value: Any) -> Any:
        return value.format(**values) if isinstance(value, str) else value

    home = Path(os.environ["NEWSBRIEF_HOME"])  # the isolated home of conftest
    for folder, files in ((tmp_path, case.get("files")), (home, case.get("home_files"))):
        for name, content in (files or {}).items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(_content(content).encode("latin-1"))
    for name, value in (case.get("env") or {}).items():
        os.environ[name] = fill(value)  # monkeypatch.setenv in the test undoes it
    return {
        "source": fill(case["source"]),
        "stdin": case.get("stdin"),
        "options": {k: fill(v) for k, v in (case.get("options") or {}).items()},
    }


def _content(content: str | dict[str, Any]) -> str:
    """A file's text, or ``{before: text, repeat: [head, times, tail]}``: text + head * times +
    tail * times (a file too big to write out in the YAML: an array nested 100,000 deep)."""
    if isinstance(content, dict):
        head, times, tail = content["repeat"]
        return str(content.get("before", "")) + str(head) * int(times) + str(tail) * int(times)
    return content


@pytest.fixture(autouse=True)
def _restore_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Variables a case sets (``env:``) are undone after it."""
    for case in CASES:
        for name in case.get("env") or {}:
            monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_library_raises_clear_error(case: dict[str, Any], tmp_path: Path, seed_path: Path) -> None:
    run = _materialize(case, tmp_path, seed_path)
    stdin = io.BytesIO(run["stdin"].encode()) if run["stdin"] is not None else None
    with pytest.raises(NewsbriefError) as info:
        api.summarize(run["source"], stdin=stdin, **run["options"])
    assert info.value.exit_code == case["exit"]
    assert case["message"] in str(info.value)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_cli_prints_one_line(case: dict[str, Any], tmp_path: Path, seed_path: Path) -> None:
    run = _materialize(case, tmp_path, seed_path)
    args = ["summarize", run["source"]]
    for key, value in run["options"].items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    result = CliRunner().invoke(app, args, input=run["stdin"])
    assert result.exit_code == case["exit"], result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert case["message"] in lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_debug_flag_shows_the_exception(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--debug", "summarize", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0
    assert isinstance(result.exception, NewsbriefError)
    assert "file not found" in str(result.exception)


def test_usage_error_from_typer_is_exit_2() -> None:
    result = CliRunner().invoke(app, ["summarize", "x.txt", "--format", "yaml"])
    assert result.exit_code == 2
    assert "yaml" in result.output
