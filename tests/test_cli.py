"""Every command has help; models and version work."""

from __future__ import annotations

from typing import Any

import typer
from typer.testing import CliRunner

from newsbrief import __version__
from newsbrief.cli import app


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        found.append(path)
        if hasattr(command, "commands"):
            found += _commands(command, path)
    return found


def test_every_command_has_help() -> None:
    root = typer.main.get_command(app)
    paths = _commands(root)
    assert {
        ("summarize",),
        ("clean",),
        ("models",),
        ("prompts", "list"),
        ("schema", "export"),
    } <= set(paths)
    for path in paths:
        result = CliRunner().invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        command = root
        for part in path:
            command = command.commands[part]
        assert command.help, f"{' '.join(path)} has no help text"


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.stdout.strip() == f"newsbrief {__version__}"


def test_models_lists_the_embedded_default() -> None:
    result = CliRunner().invoke(app, ["models"])
    assert result.exit_code == 0, result.output
    assert "SmolLM2-135M" in result.stdout
    assert "ready" in result.stdout
    # no model named anywhere: the default is the no-model floor, the model one flag away
    assert "default: no model, strategy floor" in result.stdout
    assert "-m local" in result.stdout
    result = CliRunner().invoke(app, ["models"], env={"NEWSBRIEF_MODEL": "local"})
    assert "default: local, strategy focused" in result.stdout


def test_models_shows_configured_default(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NEWSBRIEF_MODEL", "openai:gpt-4o-mini")
    result = CliRunner().invoke(app, ["models"])
    assert "default: openai:gpt-4o-mini" in result.stdout
    assert "no OPENAI_API_KEY" in result.stdout
