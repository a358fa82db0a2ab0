"""Working on prompts from the command line: start a new version from a released one, compare
two versions, read a version's exact files.

A new version is a copy of another version's folder with its ``id`` and ``version`` keys set to
the new reference, its leading comment replaced by one that says it is an unreleased draft, and
its description starting with the same words. Nothing else changes (the sha256 differs only by
those lines), and the copy is loaded as a prompt before the command returns, so a draft that
``prompts new`` made always loads.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from .base import PACKAGE_DIR, PROMPT_REF, available_prompts, builtin_prompt_dirs
from .brief.prompts import Prompt, load_prompt, load_version
from .errors import UsageError

_DESCRIPTION_BLOCK = re.compile(r"^description:[ \t]*[>|][-+]?[ \t]*\n(?P<indent>[ \t]+)", re.M)
_DESCRIPTION_INLINE = re.compile(r"^description:[ \t]*(?P<value>\S.*)$", re.M)


def parse_new_ref(ref: str) -> tuple[str, int]:
    """(id, version) of a reference that names its version, e.g. ``brief@4``."""
    match = PROMPT_REF.match(ref.strip())
    if not match or match.group("version") is None:
        raise UsageError(f"bad prompt reference {ref!r}", "name the new version, e.g. brief@4")
    return match.group("id"), int(match.group("version"))


def default_prompts_dir() -> Path:
    """Where a new version goes: NEWSBRIEF_PROMPTS_DIR, else the source checkout's prompts/
    (never the installed package's data)."""
    extra = os.environ.get("NEWSBRIEF_PROMPTS_DIR")
    if extra:
        return Path(extra)
    installed = PACKAGE_DIR / "_data"
    for directory in builtin_prompt_dirs():
        if not directory.is_relative_to(installed):
            return directory
    raise UsageError(
        "no prompts folder to write into (newsbrief is installed, not run from a checkout)",
        "pass --dir FOLDER and set NEWSBRIEF_PROMPTS_DIR=FOLDER to use the new version",
    )


def _draft_yaml(text: str, name: str, version: int, source: str) -> str:
    """``prompt.yaml`` of the draft: its id and version, an unreleased mark, nothing else."""
    note = f"Unreleased draft of {name}@{version}, copied from {source}; not yet measured."
    body = text.splitlines(keepends=True)
    while body and body[0].lstrip().startswith("#"):
        body.pop(0)  # the source's leading comment ("released; never edit")
    text = "".join(body)
    text, ids = re.subn(r"^id:.*$", f"id: {name}", text, count=1, flags=re.M)
    text, versions = re.subn(r"^version:.*$", f"version: {version}", text, count=1, flags=re.M)
    if not ids or not versions:
        raise UsageError(f"{source}'s prompt.yaml has no top-level id or version key", "fix it")
    block = _DESCRIPTION_BLOCK.search(text)
    if block:
        at = block.end("indent")
        text = f"{text[:at]}{note}\n{block.group('indent')}{text[at:]}"
    else:
        inline = _DESCRIPTION_INLINE.search(text)
        if inline is None:
            raise UsageError(f"{source}'s prompt.yaml has no description", "fix it")
        import yaml

        old = yaml.safe_load(f"d: {inline.group('value')}")["d"]
        new = f"description: {json.dumps(f'{note} {old}', ensure_ascii=False)}"
        text = text[: inline.start()] + new + text[inline.end() :]
    header = (
        f"# {name}/v{version}: an unreleased draft, copied from {source} by `newsbrief prompts "
        "new`.\n# Edit it freely; measure it with `newsbrief eval --prompt "
        f"{name}@{version}` before it is released.\n"
    )
    return header + text


def new_version(ref: str, source: str, directory: Path | None = None) -> Prompt:
    """Copy ``source`` (a released version) to ``ref`` in ``directory`` (default:
    :func:`default_prompts_dir`) as an unreleased draft; opens nothing. The new folder is
    removed again if the copy does not load."""
    name, version = parse_new_ref(ref)
    original = load_prompt(source)
    if version in available_prompts().get(name, []):
        taken = available_prompts()[name]
        raise UsageError(
            f"prompt {name}@{version} exists already",
            f"choose a new version, e.g. {name}@{max(taken) + 1}",
        )
    root = directory or default_prompts_dir()
    target = root / name / f"v{version}"
    if target.exists():
        raise UsageError(f"{target} exists already", "choose another version or --dir")
    if not root.is_dir():
        raise UsageError(f"prompts folder {root} does not exist", "create it or pass --dir")
    shutil.copytree(original.directory, target)
    try:
        meta = target / "prompt.yaml"
        text = meta.read_text(encoding="utf-8")
        meta.write_text(_draft_yaml(text, name, version, original.ref), encoding="utf-8")
        return load_version(target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


def files(prompt: Prompt) -> list[Path]:
    """The files of a prompt version, prompt.yaml first, then by name."""
    found = sorted(p for p in prompt.directory.iterdir() if p.is_file())
    return sorted(found, key=lambda p: p.name != "prompt.yaml")


def raw_files(prompt: Prompt, only: str | None = None) -> Iterator[tuple[str | None, str]]:
    """(header, exact text) per file; with ``only``, that one file and no header."""
    if only is not None:
        path = prompt.directory / only
        if not path.is_file() or path.parent != prompt.directory:
            names = ", ".join(p.name for p in files(prompt))
            raise UsageError(f"{prompt.ref} has no file {only!r}", f"its files: {names}")
        yield None, path.read_text(encoding="utf-8")
        return
    for path in files(prompt):
        yield f"==> {prompt.ref}/{path.name} <==", path.read_text(encoding="utf-8")


def diff(a: Prompt, b: Prompt) -> str:
    """A unified diff of two prompt versions, file by file (names as ``a/brief@2/x.j2``)."""
    names_a = {p.name for p in files(a)}
    names_b = {p.name for p in files(b)}
    out: list[str] = []
    for name in sorted(names_a | names_b, key=lambda n: (n != "prompt.yaml", n)):
        left = (a.directory / name).read_text(encoding="utf-8") if name in names_a else ""
        right = (b.directory / name).read_text(encoding="utf-8") if name in names_b else ""
        out += difflib.unified_diff(
            left.splitlines(keepends=True),
            right.splitlines(keepends=True),
            f"a/{a.ref}/{name}" if name in names_a else "/dev/null",
            f"b/{b.ref}/{name}" if name in names_b else "/dev/null",
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)
