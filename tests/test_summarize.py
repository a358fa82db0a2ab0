"""summarize end to end with the scripted LLM double: contract, formats, attempts, usage."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from newsbrief import api
from newsbrief.cli import app
from newsbrief.errors import LLMError
from newsbrief.llm import LLM

from .conftest import GOOD_PARTS, FakeProvider, completion

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "brief.v1.schema.json").read_text(encoding="utf-8"))


def test_json_output_follows_the_contract(fake_provider: FakeProvider, seed_path: Path) -> None:
    fake_provider.queue(*GOOD_PARTS)
    result = CliRunner().invoke(app, ["summarize", str(seed_path), "-m", "fake:x", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"article", "brief", "meta"}
    assert data["article"] == {
        "id": "000_ec47db115828c336",
        "source": str(seed_path),
        "title": "China-Belarus high-level development of partnership ‘exemplary model’",
    }
    jsonschema.validate(data["brief"], SCHEMA)
    meta = data["meta"]
    assert set(meta) == {
        "prompt", "prompt_sha256", "model", "usage", "latency_ms", "attempts", "grounding",
        "newsbrief_version",
    }  # fmt: skip
    assert meta["prompt"] == "brief@1"
    assert len(meta["prompt_sha256"]) == 64
    assert meta["model"] == "fake:test"
    assert meta["usage"] == {"prompt_tokens": 400, "completion_tokens": 80}
    assert meta["attempts"] == 4
    assert meta["grounding"] == {"checked": 4, "grounded": 4, "ungrounded": []}
    assert data["brief"]["quoted_experts"][0]["name"] == "Zhao Huirong"


def test_every_task_sends_the_article_first_and_the_question_last(
    fake_provider: FakeProvider, seed_path: Path
) -> None:
    fake_provider.queue(*GOOD_PARTS)
    api.summarize(str(seed_path), model="fake:x")
    users = [r["messages"][1]["content"] for r in fake_provider.requests]
    systems = {r["messages"][0]["content"] for r in fake_provider.requests}
    assert len(systems) == 1, "the system message must be identical so the prefix is reused"
    prefix = users[0][: users[0].index("</article>") + len("</article>")]
    assert all(u.startswith(prefix) for u in users)
    assert len({u[len(prefix) :] for u in users}) == 4, "each task asks its own question"
    assert all(r["temperature"] == 0.0 for r in fake_provider.requests)


def test_invalid_reply_is_reasked_and_counted(fake_provider: FakeProvider, seed_path: Path) -> None:
    fake_provider.queue(
        GOOD_PARTS[0],
        {"pledges": [{"actor": "China"}]},  # missing fields: re-asked with the error
        GOOD_PARTS[1],
        *GOOD_PARTS[2:],
    )
    result = api.summarize(str(seed_path), model="fake:x")
    assert result.meta["attempts"] == 5
    assert result.meta["usage"] == {"prompt_tokens": 500, "completion_tokens": 100}
    reask = fake_provider.requests[2]["messages"]
    assert len(reask) > 2 and "commitment" in json.dumps(reask[2:])


def test_reasks_are_bounded_and_the_error_carries_details(seed_path: Path) -> None:
    provider = FakeProvider(["not json at all"] * 3)
    llm = LLM(provider, max_reasks=2)
    with pytest.raises(LLMError) as info:
        api.summarize(str(seed_path), llm=llm)
    assert info.value.attempts == 3
    assert info.value.last_reply == "not json at all"
    assert info.value.usage == {"prompt_tokens": 300, "completion_tokens": 60}
    assert "3 attempts" in str(info.value)


def test_truncated_reply_is_an_error_not_a_result(seed_path: Path) -> None:
    truncated = completion('{"summary": "Premier Li', finish_reason="length")
    llm = LLM(FakeProvider([truncated]))
    with pytest.raises(LLMError, match="token limit"):
        api.summarize(str(seed_path), llm=llm)


def test_tools_mode_path(fake_provider: FakeProvider, seed_path: Path) -> None:
    fake_provider.queue(*GOOD_PARTS)
    result = api.summarize(str(seed_path), model="fake:x", mode="tools")
    assert "tools" in fake_provider.requests[0]
    assert result.brief.positions[0].stance == "supports"


def test_ungrounded_quote_is_reported(fake_provider: FakeProvider, seed_path: Path) -> None:
    invented = {
        "quoted_experts": [
            {
                "name": "Jane Invented",
                "role": None,
                "affiliation": None,
                "quotes": [{"text": "This never appears in the article.", "kind": "direct"}],
            }
        ]
    }
    fake_provider.queue(*GOOD_PARTS[:3], invented)
    result = api.summarize(str(seed_path), model="fake:x")
    grounding = result.meta["grounding"]
    assert grounding["checked"] == 4 and grounding["grounded"] == 2
    assert {u["path"] for u in grounding["ungrounded"]} == {
        "quoted_experts[0].quotes[0].text",
        "quoted_experts[0].name",
    }


def test_article_over_the_context_window_is_refused(seed_path: Path) -> None:
    provider = FakeProvider(GOOD_PARTS)
    provider.window = 500
    with pytest.raises(LLMError, match="context window of 500"):
        api.summarize(str(seed_path), llm=LLM(provider))
    assert provider.requests == []


@pytest.mark.parametrize("fmt", ["markdown", "pretty"])
def test_human_formats(fake_provider: FakeProvider, seed_path: Path, fmt: str) -> None:
    fake_provider.queue(*GOOD_PARTS)
    result = CliRunner().invoke(app, ["summarize", str(seed_path), "-m", "fake:x", "-f", fmt])
    assert result.exit_code == 0, result.output
    for expected in ("Premier Li Qiang visited Belarus", "Zhao Huirong", "one-China principle"):
        assert expected in " ".join(result.stdout.split())
    if fmt == "markdown":
        assert result.stdout.startswith("# China-Belarus high-level development")
        assert "## Pledges" in result.stdout


def test_stdin_source(fake_provider: FakeProvider, seed_path: Path) -> None:
    fake_provider.queue(*GOOD_PARTS)
    text = seed_path.read_text(encoding="utf-8")
    result = CliRunner().invoke(app, ["summarize", "-", "-m", "fake:x", "-f", "json"], input=text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["article"]["source"] == "<stdin>"
    assert len(data["article"]["id"]) == 16


def test_model_resolution_env_beats_config(
    fake_provider: FakeProvider,
    seed_path: Path,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    isolated_home.mkdir(parents=True)
    (isolated_home / "config.toml").write_text('model = "openai:from-config"\n')
    monkeypatch.setenv("NEWSBRIEF_MODEL", "fake:from-env")
    fake_provider.queue(*GOOD_PARTS)
    assert api.summarize(str(seed_path)).meta["model"] == "fake:test"
