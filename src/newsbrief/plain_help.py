"""Help that reads like other command-line tools': ``SOURCE`` and ``--model MODEL``.

Typer's plain help (0.29) writes a required argument as ``{SOURCE}`` in the usage line, adds a
type label (``SOURCE <str>``, ``--model <str>``) to every argument and option, and older typers
wrote ``<bool>`` beside flags. The command classes here keep typer's parsing and sections and
write each parameter by its name instead: the metavar when one is given, else the option's (or
argument's) name in capitals; flags bare. Every newsbrief command and group is made with them
(``cls=``).
"""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperCommand, TyperGroup

# Typer 0.29 runs on its own copy of click (typer._click), older ones on click: the parameters,
# contexts and formatters below are whichever the installed typer passes in.
Param = Any

_BRACED = re.compile(r"^\{(?P<name>[^{}]+)\}(?P<rest>(?:\.\.\.)?)$")
_DOTS = re.compile(r"(?:\.\.\.)+")


def _name(param: Param) -> str:
    """The metavar when given, else the long option's name (``--base-url BASE_URL``), else the
    parameter's name, in capitals."""
    if param.metavar:
        return str(param.metavar)
    longest = max(getattr(param, "opts", None) or [""], key=len).lstrip("-")
    return (longest or param.name or "").replace("-", "_").upper()


def _option(param: Param) -> str:
    names = ", ".join(sorted(param.opts, key=len))
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return names
    return f"{names} {_name(param)}"


class _PlainHelp:
    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces: list[str] = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        # "{INPUT...}..." (a metavar that already says "...") reads "INPUT...".
        return [_DOTS.sub("...", _BRACED.sub(r"\g<name>\g<rest>", p)) for p in pieces]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        params: list[Param] = self.get_params(ctx)  # type: ignore[attr-defined]
        for param in params:
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "option":
                options.append((_option(param), record[1]))
            else:
                arguments.append((_name(param), record[1]))
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class PlainCommand(_PlainHelp, TyperCommand):
    """A typer command whose help names parameters plainly (see the module docstring)."""


class PlainGroup(_PlainHelp, TyperGroup):
    """A typer group whose help names parameters plainly (see the module docstring)."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)


def plain(**settings: Any) -> dict[str, Any]:
    """Typer settings with the plain help classes: ``typer.Typer(**plain(help=...))``."""
    return {"cls": PlainGroup, "rich_markup_mode": None, **settings}
