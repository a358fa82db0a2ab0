"""How the commands meet the terminal: what newsbrief writes about itself on stderr, the files
``--output`` names, and the command line it was started with.

Every line about the run (errors, hints, progress) goes through :func:`say`, so credentials are
masked and control characters shown escaped in all of them. :func:`rerun` rebuilds the command
line for the "finish with:" and "redo them:" hints; :func:`global_flags_first` and
:func:`usage_line` are the two places the command line is rewritten or explained before typer
and click see it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from .errors import InputError, mask_secrets
from .outside import printable


def say(line: str) -> None:
    """Write one line to stderr. Every line newsbrief writes about itself (errors, hints,
    progress) goes through here, so credentials are masked by :func:`mask_secrets` in all, and
    control characters from names are shown escaped (:func:`newsbrief.outside.printable`)."""
    typer.echo(printable(mask_secrets(line)), err=True)


def print_json(data: Any) -> None:
    """``data`` as indented JSON on stdout (the ``--format json`` of the data commands)."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def write_output(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (``--output``); a bad path is one clear line."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _unwritable(path, exc) from exc


def json_chunks(value: Any, inline_from: int, depth: int = 0) -> Iterator[str]:
    """``value`` as JSON, in pieces: laid out one item a line (indented by one space a level)
    down to ``inline_from`` levels deep, and each value at that depth on one line. The pieces
    below that depth are made by the standard library's C encoder in one call each; indenting
    all the way down goes through its pure-Python encoder, several times slower on a large
    document (a tracker over 100,000 records writes about 200 MB)."""
    if depth >= inline_from or not isinstance(value, (dict, list)) or not value:
        yield json.dumps(value, ensure_ascii=False)
        return
    inner, outer = "\n" + " " * (depth + 1), "\n" + " " * depth
    pairs = value.items() if isinstance(value, dict) else ((None, item) for item in value)
    yield "{" if isinstance(value, dict) else "["
    for number, (key, item) in enumerate(pairs):
        yield ("," if number else "") + inner
        if key is not None:
            yield json.dumps(key, ensure_ascii=False) + ": "
        yield from json_chunks(item, inline_from, depth + 1)
    yield outer + ("}" if isinstance(value, dict) else "]")


def write_json_output(path: Path, document: Any, inline_from: int = 1 << 16) -> None:
    """``document`` as JSON into ``path`` (``--output``), streamed: no second copy of a large
    document; one item a line down to ``inline_from`` levels (:func:`json_chunks`)."""
    try:
        with path.open("w", encoding="utf-8") as handle:
            handle.writelines(json_chunks(document, inline_from))
            handle.write("\n")
    except OSError as exc:
        raise _unwritable(path, exc) from exc


def _unwritable(path: Path, exc: OSError) -> InputError:
    return InputError(f"cannot write --output {path}: {exc.strerror}",
                      "check the folder exists and is writable")  # fmt: skip


def leave_now(code: int) -> None:
    """Flush stdout and stderr and end the process at once with ``code``: threads still in
    flight (an interrupted batch's) must not hold the exit."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def rerun(add: str, drop: tuple[str, ...] = ()) -> str:
    """The command this process was started with, without ``drop``, plus ``add``: the
    "finish with:" and "redo them:" hints, masked (a --base-url with a password ends up in
    CI logs otherwise)."""
    again = [a for a in sys.argv[1:] if a not in (*drop, add)]
    return mask_secrets(" ".join(["newsbrief", *again, add]))


def global_flags_first(args: list[str]) -> list[str]:
    """``--debug`` is accepted anywhere before a ``--``: it is moved to the front, where the
    root command reads it (``newsbrief summarize a.txt --debug`` works as users expect)."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" not in args[:end]:
        return args
    rest = [a for a in args[:end] if a != "--debug"]
    return ["--debug", *rest, *args[end:]]


def usage_line(exc: Any) -> str:
    """click's usage error (a bad value, an unknown option, a missing argument) as one line
    with where to look, instead of the usage block click prints before it."""
    message = " ".join(str(exc.format_message()).split()).rstrip(".")
    command = getattr(getattr(exc, "ctx", None), "command_path", None)
    return f"error: {message}" + (f"; see `{command} -h`" if command else "")
