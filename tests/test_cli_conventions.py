"""Conventions users expect (issue 15): -h, --debug after the subcommand, -o/--output,
schema export to stdout, `newsbrief paths`, logs -n 0 and filters, a full local eval that asks
first, help that reads cleanly at 80 columns."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsbrief import cli, terminal
from newsbrief.brief.schemas import schema_text
from newsbrief.cli import app
from newsbrief.errors import NewsbriefError
from newsbrief.store import Store

from .conftest import NAMES, ROOT, SUMMARY, FakeProvider

COMMANDS = [[], ["summarize"], ["batch"], ["clean"], ["models"], ["paths"], ["view"], ["eval"],
            ["eval", "compare"], ["prompts"], ["prompts", "list"], ["prompts", "show"],
            ["prompts", "new"], ["prompts", "diff"], ["logs"], ["logs", "show"], ["schema"],
            ["schema", "export"]]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "newsbrief")
def test_every_help_works_with_h_and_fits_80_columns(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "-h"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "Usage: newsbrief" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    for noise in ("<bool>", "<str>", "<int>", "<float", "<path>", "{", "}"):
        assert noise not in result.output, noise


def test_help_names_arguments_and_option_values_plainly() -> None:
    result = CliRunner().invoke(app, ["summarize", "-h"], env={"COLUMNS": "80"})
    assert "Usage: newsbrief summarize [OPTIONS] SOURCE\n" in result.output
    assert "\n  SOURCE  Article file" in result.output
    for shown in ("-m, --model MODEL ", "--timeout SECONDS ", "-o, --output FILE ",
                  "-q, --quiet  ", "--no-cache  "):  # fmt: skip
        assert f"\n  {shown}" in result.output, shown
    result = CliRunner().invoke(app, ["batch", "-h"], env={"COLUMNS": "80"})
    assert "Usage: newsbrief batch [OPTIONS] INPUT...\n" in result.output


def test_debug_is_accepted_after_the_subcommand(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert terminal.global_flags_first(["summarize", "a.txt", "--debug"]) == [
        "--debug", "summarize", "a.txt"]  # fmt: skip
    assert terminal.global_flags_first(["clean", "--", "--debug"]) == ["clean", "--", "--debug"]
    assert terminal.global_flags_first(["models"]) == ["models"]
    missing = str(tmp_path / "missing.txt")
    monkeypatch.setattr(cli, "_state", {"debug": False})  # --debug sets it: not for later tests
    monkeypatch.setattr(sys, "argv", ["newsbrief", "clean", missing, "--debug"])
    with pytest.raises(NewsbriefError):  # the traceback, not the one-line error
        cli.main()
    monkeypatch.setattr(cli, "_state", {"debug": False})
    monkeypatch.setattr(sys, "argv", ["newsbrief", "clean", missing])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 2


@pytest.mark.usefixtures("brief2_default")
def test_output_writes_the_brief_and_the_cleaned_text_to_a_file(
    fake_provider: FakeProvider, seed_path: Path, tmp_path: Path
) -> None:
    fake_provider.queue(SUMMARY, NAMES)
    for fmt in ("json", "pretty"):
        out = tmp_path / f"brief.{fmt}"
        result = CliRunner().invoke(
            app, ["summarize", str(seed_path), "-m", "fake:x", "-f", fmt, "-o", str(out)]
        )
        assert result.exit_code == 0 and result.stdout == "", result.output
        text = out.read_text()
        if fmt == "json":
            assert json.loads(text)["brief"]["summary"] == SUMMARY["summary"]
        else:
            assert "Pledges (" in text and "\x1b[" not in text
            assert max(len(line) for line in text.splitlines()) <= 80
    cleaned = tmp_path / "clean.txt"
    result = CliRunner().invoke(app, ["clean", str(seed_path), "--output", str(cleaned)])
    assert result.exit_code == 0 and result.stdout == ""
    assert "Belarus" in cleaned.read_text()
    bad = CliRunner().invoke(app, ["clean", str(seed_path), "-o", str(tmp_path / "no" / "x")])
    assert bad.exit_code == 2 and "cannot write --output" in bad.output


def test_schema_export_to_stdout_makes_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["schema", "export", "--dir", "-"])
    assert result.exit_code == 0 and result.stdout == schema_text()
    assert list(tmp_path.iterdir()) == []


def test_paths_shows_where_config_log_and_cache_live(isolated_home: Path) -> None:
    result = CliRunner().invoke(app, ["paths", "--format", "json"])
    assert result.exit_code == 0
    found = json.loads(result.stdout)
    assert found["config"] == str(isolated_home / "config.toml")
    assert found["log_and_cache"] == str(isolated_home / "newsbrief.db")
    assert any(p.endswith("prompts") for p in found["prompts"])
    plain = CliRunner().invoke(app, ["paths"]).stdout
    assert f"log_and_cache: {isolated_home / 'newsbrief.db'}" in plain


def test_logs_n_0_lists_all_and_filters_by_model_and_text() -> None:
    store = Store()
    for index in range(25):
        store.log_call({"model": "fake:a" if index % 2 else "fake:b", "task": "summary",
                        "messages": [{"role": "user", "content": f"article {index}"}],
                        "raw_reply": "{}", "usage": {}})  # fmt: skip
    store.close()

    def ids(*args: str) -> list[int]:
        result = CliRunner().invoke(app, ["logs", "--json", *args])
        assert result.exit_code == 0, result.output
        return [json.loads(line)["id"] for line in result.stdout.splitlines()]

    assert len(ids()) == 20 and len(ids("-n", "0")) == 25
    assert ids("-n", "0", "--model", "fake:a") == list(range(24, 0, -2))
    assert ids("-n", "0", "--grep", "article 7") == [8]


@pytest.mark.usefixtures("brief2_default")  # scripted for brief@2's questions
def test_logs_group_the_calls_of_each_article_run(
    fake_provider: FakeProvider, seed_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    other.write_text(seed_path.read_text(encoding="utf-8").replace("Belarus", "Belarus "))
    for path in (seed_path, other):
        fake_provider.queue(SUMMARY, NAMES)
        result = CliRunner().invoke(app, ["summarize", str(path), "-m", "fake:x", "-f", "json"])
        assert result.exit_code == 0, result.output
    lines = CliRunner().invoke(app, ["logs", "-n", "0", "--json"]).stdout.splitlines()
    calls = [json.loads(line) for line in lines]
    assert len(calls) == len(fake_provider.requests)
    runs = list(dict.fromkeys(c["run"] for c in calls))  # newest run first
    assert len(runs) == 2 and all(runs)
    second = [c["id"] for c in calls if c["run"] == runs[0]]
    first = [c["id"] for c in calls if c["run"] == runs[1]]
    assert min(second) > max(first), "one summarize's calls are one run"
    assert {c["article_sha256"] for c in calls if c["run"] == runs[0]} != {
        c["article_sha256"] for c in calls if c["run"] == runs[1]}  # fmt: skip
    only = CliRunner().invoke(app, ["logs", "-n", "0", "--json", "--run", runs[1][:6]])
    assert [json.loads(line)["id"] for line in only.stdout.splitlines()] == first
    table = CliRunner().invoke(app, ["logs", "-n", "0"], env={"COLUMNS": "80"}).stdout
    heads = [line for line in table.splitlines() if line.startswith("run ")]
    assert [h.split()[1] for h in heads] == [runs[0][:6], runs[1][:6]]
    assert f"· {len(second)} calls, " in heads[0] and f"· {len(first)} calls, " in heads[1]
    ids = [int(line.split()[0]) for line in table.splitlines() if line.split()[0].isdigit()]
    assert ids == sorted(second) + sorted(first), "newest run first, its calls as asked"


def test_a_full_local_eval_asks_first_and_is_refused_without_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "-m", "local", "-o", str(tmp_path / "run.json")])
    assert result.exit_code == 2, result.output
    assert "this would start a full eval" in result.output and "--yes" in result.output
    assert not (tmp_path / "run.json").exists()


def test_the_default_eval_is_the_floor_and_asks_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["eval", "-q", "-o", str(tmp_path / "run.json"), "--fixtures", "evals/fixtures"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["strategy"] == "floor"


@pytest.mark.parametrize(
    ("args", "choices"),
    [
        (["summarize", "a.txt", "-f", "xml"], "pretty, json, markdown, html"),
        (["clean", "a.txt", "--format=xml"], "text, json, diff"),
        (["models", "-f", "yaml"], "pretty, json"),
        (["eval", "compare", "a", "b", "-f", "csv"], "pretty, json"),
    ],
)
def test_a_bad_choice_is_one_readable_line(args: list[str], choices: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == f"error: --format {args[-1].split('=')[-1]}: choose one of {choices}\n"
    assert "Value error" not in result.output


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["summarize", "a.txt", "--timeout", "abc"], "error: Invalid value for '--timeout': "),
        (["batch", "a.txt", "-o", "o.jsonl", "-c", "0"], "error: Invalid value for '--conc"),
        (["logs", "-n", "x"], "error: Invalid value for '-n': "),
        (["summarize", "a.txt", "--bogus"], "error: No such option: --bogus"),
        (["summarize"], "error: Missing argument 'SOURCE'"),
        (["summarize", "a.txt", "-f", "xml"], "error: --format xml: choose one of "),
    ],
)
def test_a_bad_value_from_the_command_line_is_one_line(
    args: list[str], line: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["newsbrief", *args])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(line) and err.count("\n") == 1, err
    assert "Usage:" not in err and "Value error" not in err
    if args[-1] != "xml":
        assert err.endswith(f"; see `newsbrief {args[0]} -h`\n")


def test_q_and_v_where_a_command_talks(
    seed_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(app, list(args))
        return result.exit_code, result.stdout, result.stderr

    plain, verbose = run("clean", str(seed_path)), run("clean", str(seed_path), "-v")
    assert verbose[1] == plain[1] and plain[2] == ""
    assert re.fullmatch(r"removed \d+ pieces, [\d,]+ characters(: .+)?; kept [\d,]+ characters\n",
                        verbose[2])  # fmt: skip
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(seed_path.read_text(encoding="utf-8"))
    (folder / "blank.txt").write_text("   \n")
    out = tmp_path / "out.jsonl"
    code, _, err = run("batch", str(folder), "-o", str(out), "--strategy", "floor", "-q", "-v")
    assert code == 3 and err == "failed: blank\n", "-v names the failure, -q drops the rest"
    assert run("view", str(out), "-q") == (0, "", "") and out.with_suffix(".html").is_file()
    code, stdout, _ = run("schema", "export", "--dir", str(tmp_path / "s"), "-q")
    assert (code, stdout) == (0, "") and (tmp_path / "s" / "brief.v1.schema.json").is_file()
    (tmp_path / "prompts").mkdir()
    monkeypatch.setenv("NEWSBRIEF_PROMPTS_DIR", str(tmp_path / "prompts"))
    code, stdout, _ = run("prompts", "new", "brief@9", "--from", "brief@2",
                          "--dir", str(tmp_path / "prompts"), "-q")  # fmt: skip
    assert (code, stdout) == (0, f"{tmp_path / 'prompts' / 'brief' / 'v9'}\n")
    fixtures = tmp_path / "fixtures"
    shutil.copytree(ROOT / "evals" / "fixtures" / "02_rate_decision", fixtures / "02_rate_decision")
    for quiet in ([], ["-q"]):
        code, _, err = run("eval", "--strategy", "floor", "--fixtures", str(fixtures), "-o",
                           str(tmp_path / "run.json"), "-f", "json", *quiet)  # fmt: skip
        assert code == 0 and (err == "") == bool(quiet), err
