"""One convention for machine output (issue 15): --format json on every command that prints
data, compare reports in .json/.md/.html checked before any work, logs' nested JSON as objects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsbrief.cli import app
from newsbrief.store import Store

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "evals" / "baselines" / "brief@2.local.json"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_models_and_prompts_list_print_json() -> None:
    code, out, _ = invoke("models", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["default"] == {"model": "none", "strategy": "floor"}
    assert data["models"][0]["model"] == "local"
    code, out, _ = invoke("prompts", "list", "-f", "json")
    assert code == 0
    prompts = {p["prompt"]: p for p in json.loads(out)}
    assert prompts["brief@2"]["strategy"] == "focused" and len(prompts["brief@2"]["sha256"]) == 64
    assert "summary" in prompts["brief@3"]["tasks"]


def test_logs_json_has_messages_reply_and_parsed_as_objects() -> None:
    store = Store()
    store.log_call(
        {
            "model": "fake:x",
            "task": "summary",
            "raw_reply": "Sure! {not json",
            "messages": [{"role": "user", "content": "again"}],
            "error": "invalid",
        }
    )
    store.log_call({"model": "fake:x", "task": "summary", "raw_reply": '{"summary": "s"}',
                    "messages": [{"role": "user", "content": "hi"}],
                    "parsed": {"summary": "s"}, "usage": {"prompt_tokens": 3}})  # fmt: skip
    store.close()
    for args in (["logs", "--json"], ["logs", "--format", "json"]):
        code, out, _ = invoke(*args)
        assert code == 0
        call, failed = (json.loads(line) for line in out.splitlines())
        assert call["messages"] == [{"role": "user", "content": "hi"}]
        assert call["parsed"] == {"summary": "s"} and call["raw_reply"] == {"summary": "s"}
        assert failed["raw_reply"] == "Sure! {not json", "a reply that is no JSON stays text"
    code, out, _ = invoke("logs", "show", "2")
    assert code == 0 and json.loads(out)["raw_reply"] == {"summary": "s"}


def test_eval_replay_prints_its_summary_as_json(tmp_path: Path) -> None:
    code, out, _ = invoke("eval", "--replay", str(BASELINE), "--fixtures",
                          str(ROOT / "evals" / "fixtures"), "-o", str(tmp_path / "r.json"),
                          "--format", "json")  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert data["prompt"] == "brief@2" and data["run_file"] == str(tmp_path / "r.json")
    assert 0 <= data["summary"]["pledges"]["micro_f1"] <= 1 and data["floor"]["pledges"]


def test_compare_prints_json_and_writes_every_report_format(tmp_path: Path) -> None:
    reports = [tmp_path / name for name in ("c.json", "c.md", "c.html")]
    args = ["eval", "compare", "floor", str(BASELINE), "--format", "json"]
    for path in reports:
        args += ["--report", str(path)]
    code, out, err = invoke(*args)
    assert code == 0, err
    data = json.loads(out)
    fields = {f["name"]: f for f in data["fields"]}
    assert fields["experts"]["verdict"] == "worse" and fields["experts"]["failed"]
    assert data["verdict"].startswith("B fails the gate")
    assert json.loads(reports[0].read_text()) == data
    assert "| experts |" in reports[1].read_text() and "<svg" in reports[2].read_text()
    assert "verdict:" in err, "the table goes to stderr when stdout is JSON"


@pytest.mark.parametrize(
    ("report", "message"),
    [("out.xml", "unknown format"), ("missing/out.md", "does not exist")],
)
def test_a_bad_report_path_is_refused_before_any_work(
    tmp_path: Path, report: str, message: str
) -> None:
    missing_a, missing_b = str(tmp_path / "no-a.json"), str(tmp_path / "no-b.json")
    code, out, err = invoke("eval", "compare", missing_a, missing_b, "--report",
                            str(tmp_path / report))  # fmt: skip
    assert code == 2 and message in err and "cannot read run" not in err
    assert out == "" and err.count("\n") == 1
