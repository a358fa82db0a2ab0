"""Issue 22: names from outside are data. A file name that is not UTF-8, a member name holding
terminal escapes, symbolic links and special files in an input folder."""

from __future__ import annotations

import io
import json
import os
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsbrief import batch, ingest
from newsbrief.cli import app
from newsbrief.ingest.files import file_item
from newsbrief.outside import lossless, printable

TEXT = "The mayor said on Monday that the city will plant 1,000 trees next year."


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- the two functions ---------------------------------------------------------------------


@given(st.binary(max_size=40))
def test_a_non_utf8_name_becomes_valid_unicode_without_losing_its_bytes(raw: bytes) -> None:
    name = lossless(os.fsdecode(raw))
    name.encode("utf-8")  # a results file can hold it
    # nothing is lost: two different names stay different (the escape is \xNN per byte)
    assert lossless(os.fsdecode(raw + b"\xff")) != name


def test_lossless_shows_each_undecodable_byte_and_leaves_good_text_alone() -> None:
    assert lossless(os.fsdecode(b"caf\xe9")) == "caf\\xe9"
    assert lossless("café – ok") == "café – ok"
    assert lossless("a\ud800b") == "a\\ud800b"  # a lone surrogate from a JSON escape


@given(st.text())
def test_printable_never_lets_a_control_character_through(text: str) -> None:
    shown = printable(text)
    shown.encode("utf-8")
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert not any(c in shown for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_printable_keeps_ordinary_text_and_newlines_when_asked() -> None:
    assert printable("Zürich, 3 p.m.") == "Zürich, 3 p.m."
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("a\nb", keep_newlines=True) == "a\nb"
    assert printable("a\nb") == "a\\x0ab"


# --- file names that are not UTF-8 ---------------------------------------------------------


@pytest.fixture
def latin1_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text(TEXT, encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "w", encoding="utf-8") as handle:
        handle.write(TEXT)
    return folder


def test_a_folder_with_a_non_utf8_file_name_is_briefed_and_resumes(
    latin1_folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    counts = batch.run([str(latin1_folder)], out)
    assert (counts.done, counts.failed) == (2, 0)
    ids = {str(r["id"]) for r in _records(out)}
    assert ids == {"ok", "caf\\xe9"}
    again = batch.run([str(latin1_folder)], out, resume=True)
    assert (again.done, again.resumed) == (0, 2)  # the same name is found again


def test_a_non_utf8_name_in_a_tar_and_in_sqlite(tmp_path: Path) -> None:
    archive = tmp_path / "a.tar"
    with tarfile.open(archive, "w", encoding="utf-8", errors="surrogateescape") as tar:
        data = TEXT.encode()
        info = tarfile.TarInfo(os.fsdecode(b"r\xe9sum\xe9.txt"))
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    out = tmp_path / "out.sqlite"
    counts = batch.run([str(archive)], out)
    assert (counts.done, counts.failed) == (1, 0)


def test_a_json_record_id_with_a_lone_surrogate_is_kept(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "x\ud800", "text": TEXT}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    batch.run([str(source)], out)
    assert [r["id"] for r in _records(out)] == ["x\\ud800"]


# --- terminal escapes in names -------------------------------------------------------------


def test_a_member_name_with_terminal_escapes_is_printed_escaped(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("\x1b[2J\x1b[31mbad.txt", b"\x00\x01\x02" * 20)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["batch", str(archive), "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert "\x1b" not in result.output
    assert "failed: \\x1b[2J\\x1b[31mbad" in result.output


def test_summarize_prints_a_path_and_title_with_escapes_escaped(tmp_path: Path) -> None:
    path = tmp_path / "t\x1b[31mred.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["summarize", str(path)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\\x1b[31mred" in result.output
    missing = CliRunner().invoke(app, ["summarize", str(tmp_path / "no\x1b]0;x\x07.txt")])
    assert missing.exit_code == 2 and "\x1b" not in missing.output and "\x07" not in missing.output


# --- links and special files in a folder -----------------------------------------------------


def _ids_and_errors(out: Path) -> dict[str, str]:
    return {str(r["id"]): str((r.get("error") or {}).get("message", "ok")) for r in _records(out)}


def test_links_are_followed_only_inside_the_input_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("The password is swordfish and the vault will open at noon.", "utf-8")
    (folder / "sub" / "real.txt").write_text(TEXT, encoding="utf-8")
    (folder / "inside.txt").symlink_to(folder / "sub" / "real.txt")
    (folder / "outside.txt").symlink_to(secret)
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    out = tmp_path / "out.jsonl"
    batch.run([str(folder)], out)
    found = _ids_and_errors(out)
    assert found["inside"] == "ok" and found["sub/real"] == "ok"
    assert "outside the input folder" in found["outside"]
    assert "cannot read" in found["dangling"] and "cannot read" in found["loop"]
    assert "swordfish" not in out.read_text(encoding="utf-8")


def test_a_fifo_in_a_folder_is_a_failed_record_not_a_hang(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")  # nobody ever writes to it: opening it to read would block
    out = tmp_path / "out.jsonl"
    batch.run([str(folder)], out)
    found = _ids_and_errors(out)
    assert found["a"] == "ok" and "is a FIFO, which is not read" in found["pipe"]


def test_a_file_swapped_for_a_fifo_after_listing_is_not_opened_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "late.txt")
    item = file_item(tmp_path / "late.txt", "late")  # the check after opening
    assert isinstance(item, ingest.Unreadable) and "FIFO" in str(item.error)
