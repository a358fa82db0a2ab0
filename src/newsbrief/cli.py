"""The ``newsbrief`` command: parse options, call one library function, print.

Errors become one line on stderr and an exit code (2 for bad usage or input, 1 for runtime
failures); ``--debug`` (or NEWSBRIEF_DEBUG=1) shows the traceback instead.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table

from . import __version__, api, render
from .clean import diff
from .config import progress_every
from .errors import (
    EXIT_RUNTIME,
    InputError,
    NewsbriefError,
    UsageError,
    closed_pipe,
    mask_secrets,
)
from .outside import printable
from .plain_help import PlainCommand, plain

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    **plain(
        name="newsbrief",
        help="Turn news articles into structured, checkable briefs with an LLM.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
)
prompts_app = typer.Typer(
    **plain(help="List, show, start and compare the versioned prompts.", no_args_is_help=True)
)
logs_app = typer.Typer(**plain(help="The run log: every LLM call newsbrief made."))
schema_app = typer.Typer(**plain(help="Export the Brief JSON Schema.", no_args_is_help=True))
app.add_typer(prompts_app, name="prompts")
app.add_typer(schema_app, name="schema")
app.add_typer(logs_app, name="logs")
eval_app = typer.Typer(
    **plain(help="Score a prompt on the labelled fixtures, or compare two runs.")
)
app.add_typer(eval_app, name="eval")

_state = {"debug": False}
STRATEGY_HELP = (
    "How the brief is made: focused (many small questions, for the embedded 135M model), whole "
    "(the article and one question per part, for capable models) or floor (no model: the "
    "yardstick). Default: the --prompt's strategy, then NEWSBRIEF_STRATEGY, then config.toml, "
    "then by model (openai: whole; local: focused)."
)
PROMPT_HELP = "Prompt id@version. Default: the strategy's (focused brief@4, whole brief@3)."


def _stdout() -> Console:
    return render.console(soft_wrap=False)


def say(line: str) -> None:
    """Write one line to stderr. Every line newsbrief writes about itself (errors, hints,
    progress) goes through here, so credentials are masked by :func:`mask_secrets` in all, and
    control characters from names are shown escaped (:func:`newsbrief.outside.printable`)."""
    typer.echo(printable(mask_secrets(line)), err=True)


def rerun(add: str, drop: tuple[str, ...] = ()) -> str:
    """The command this process was started with, without ``drop``, plus ``add``: the
    "finish with:" and "redo them:" hints, masked (a --base-url with a password ends up in
    CI logs otherwise)."""
    again = [a for a in sys.argv[1:] if a not in (*drop, add)]
    return mask_secrets(" ".join(["newsbrief", *again, add]))


def _fail(message: str, code: int) -> typer.Exit:
    say(f"error: {message}")
    return typer.Exit(code)


def handle_errors(func: F) -> F:
    """Turn newsbrief errors into one line and an exit code; re-raise under --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsbriefError as exc:
            if _state["debug"]:
                raise
            raise _fail(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise _fail("interrupted", 130) from None
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:  # the reader's choice, not a failure: quiet, 141
            raise typer.Exit(closed_pipe()) from None
        except Exception as exc:
            if _state["debug"]:
                raise
            raise _fail(
                f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for the traceback "
                "and report it)",
                EXIT_RUNTIME,
            ) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsbrief {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    debug: bool = typer.Option(
        False,
        "--debug",
        help="Show tracebacks instead of one-line errors.",
        envvar="NEWSBRIEF_DEBUG",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    _state["debug"] = debug


def quiet_option(help_text: str) -> Any:
    """``-q/--quiet``: the same flag, with what it silences, on every command that talks."""
    return typer.Option(False, "--quiet", "-q", help=help_text)


def verbose_option(help_text: str) -> Any:
    """``-v/--verbose``: the same flag, with what it adds, on stderr."""
    return typer.Option(False, "--verbose", "-v", help=help_text)


# The model options every command that briefs takes, declared once (help texts included).
def model_option() -> Any:
    return typer.Option(None, "--model", "-m", help=MODEL_HELP)


def prompt_option() -> Any:
    return typer.Option(None, "--prompt", "-p", help=PROMPT_HELP)


def base_url_option() -> Any:
    return typer.Option(
        None, "--base-url", help="OpenAI-compatible endpoint (default: OPENAI_BASE_URL)."
    )


def mode_option() -> Any:
    return typer.Option(
        None, "--mode", help="instructor mode: tools, json_schema, json or md_json."
    )


def timeout_option() -> Any:
    return typer.Option(None, "--timeout", metavar="SECONDS", help="Seconds per request.", min=1)


class OutputFormat(StrEnum):
    pretty = "pretty"
    json = "json"
    markdown = "markdown"
    html = "html"


class DataFormat(StrEnum):
    pretty = "pretty"
    json = "json"


DATA_FORMAT_HELP = "pretty (a table) or json (the same data, for scripts)."


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def choice_of(choices: type[StrEnum]) -> Callable[[typer.Context, typer.CallbackParam, str], str]:
    """A --format check that fails with one readable line: "error: --format xml: choose one of
    pretty, json, markdown" (click's said "Value error, 'xml' is not one of ...")."""
    names = [c.value for c in choices]

    def check(ctx: typer.Context, param: typer.CallbackParam, value: str) -> str:
        if ctx.resilient_parsing or value in names:
            return value
        flag = max(param.opts, key=len) if param.opts else param.name
        say(f"error: {flag} {value}: choose one of {', '.join(names)}")
        raise typer.Exit(2)

    return check


# The --format option of every command that prints data (models, prompts, logs, paths, ...).
DataFormatOption = Annotated[
    str,
    typer.Option(
        "--format", "-f", metavar="FORMAT", callback=choice_of(DataFormat), help=DATA_FORMAT_HELP
    ),
]


class CleanFormat(StrEnum):
    text = "text"
    json = "json"
    diff = "diff"


MODEL_HELP = (
    "local (embedded SmolLM2-135M), local:/path/model.gguf, or openai:<model>. "
    "Default: NEWSBRIEF_MODEL, then config.toml, then local."
)


@app.command(cls=PlainCommand)
@handle_errors
def summarize(
    source: str = typer.Argument(..., metavar="SOURCE", help="Article file, or - to read stdin."),
    model: str | None = model_option(),
    prompt: str | None = prompt_option(),
    output: str = typer.Option(
        "pretty",
        "--format",
        "-f",
        metavar="FORMAT",
        callback=choice_of(OutputFormat),
        help="pretty, json, markdown, or html (one page: the brief beside the article).",
    ),
    base_url: str | None = base_url_option(),
    mode: str | None = mode_option(),
    timeout: float | None = timeout_option(),
    no_cache: bool = typer.Option(False, "--no-cache", help="Ask the model even if cached."),
    no_log: bool = typer.Option(False, "--no-log", help="Do not record the LLM calls."),
    strategy: str | None = typer.Option(None, "--strategy", help=STRATEGY_HELP),
    quiet: bool = quiet_option("No progress line (it shows only on a terminal)."),
    verbose: bool = verbose_option(
        "Print each question as it is answered, and what the brief cost, on stderr."
    ),
    out_file: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write to this file instead of stdout."
    ),
) -> None:
    """Summarize one article into a brief: summary, pledges, positions, quoted experts.

    On a terminal, a progress line on stderr shows the stage and each part's questions
    answered (pledges 3/7); -q hides it, and pipes never see it."""
    from .progress import SummarizeProgress

    console = render.console(stderr=True)
    live = not quiet and console.is_terminal
    view = SummarizeProgress(console, live=live, verbose=verbose) if live or verbose else None
    with view or contextlib.nullcontext():
        result = _summarize(source, prompt, model, base_url, mode, timeout, no_cache, no_log,
                            strategy, view)  # fmt: skip
    if verbose:
        console.print(
            render.footer(result.to_dict()), markup=False, highlight=False, soft_wrap=True
        )
    if output == OutputFormat.html:
        from .attribution import attributions, to_document
        from .html_view import brief_page

        who = to_document(result.clean.text, attributions(result.clean.text))
        page = brief_page(result.to_dict(), result.clean.to_dict(), who)
        if out_file is not None:
            _write(out_file, page)
        else:
            sys.stdout.write(page)
    elif out_file is not None:
        _write(out_file, render.to_text(result.to_dict(), str(output)))
    else:
        render.emit(result.to_dict(), str(output))


def removed_line(cleaned: Any) -> str:
    """What cleaning removed, in one line: how much, and how many of each kind."""
    kinds: dict[str, int] = {}
    for removal in cleaned.removed:
        kinds[removal.kind] = kinds.get(removal.kind, 0) + 1
    chars = sum(len(r.text) for r in cleaned.removed)
    listed = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    return (
        f"removed {len(cleaned.removed)} pieces, {chars:,} characters"
        + (f": {listed}" if listed else "")
        + f"; kept {len(cleaned.text):,} characters"
    )


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (``--output``); a bad path is one clear line."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write --output {path}: {exc.strerror}",
                         "check the folder exists and is writable") from exc  # fmt: skip


def _summarize(
    source: str,
    prompt: str | None,
    model: str | None,
    base_url: str | None,
    mode: str | None,
    timeout: float | None,
    no_cache: bool,
    no_log: bool,
    strategy: str | None,
    observe: Callable[[dict[str, Any]], Any] | None,
) -> api.BriefResult:
    return api.summarize(
        source,
        prompt=prompt,
        model=model,
        base_url=base_url,
        mode=mode,
        timeout=timeout,
        cache=not no_cache,
        log=not no_log,
        strategy=strategy,
        observe=observe,
    )


@app.command(cls=PlainCommand)
@handle_errors
def batch(
    inputs: list[str] = typer.Argument(
        ...,
        metavar="INPUT...",
        help="Files, folders, globs, .jsonl(.gz), .csv, .zip, .tar(.gz), .warc(.gz).",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="results.jsonl or results.sqlite."),
    model: str | None = model_option(),
    prompt: str | None = prompt_option(),
    base_url: str | None = base_url_option(),
    mode: str | None = mode_option(),
    timeout: float | None = timeout_option(),
    concurrency: int = typer.Option(
        8, "--concurrency", "-c", min=1, help="Articles in flight (the local model runs one)."
    ),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Stop after N articles."),
    resume: bool = typer.Option(False, "--resume", help="Finish the run already in --out."),
    retry_failed: bool = typer.Option(
        False, "--retry-failed", help="Resume, and redo the articles whose records failed."
    ),
    shard: str | None = typer.Option(None, "--shard", help="Only shard I of N, e.g. 2/4."),
    fail_fast: bool = typer.Option(False, "--fail-fast", help="Stop at the first failure."),
    text_field: str = typer.Option("text", "--text-field", help="JSONL/CSV text field."),
    id_field: str = typer.Option("id", "--id-field", help="JSONL/CSV id field."),
    quiet: bool = quiet_option("No progress and no summary."),
    verbose: bool = verbose_option("Name each failed article on stderr as it fails."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Ask the model even if cached."),
    no_log: bool = typer.Option(False, "--no-log", help="Do not record the LLM calls."),
    strategy: str | None = typer.Option(None, "--strategy", help=STRATEGY_HELP),
    engine: str = typer.Option("threads", "--engine", help="threads, or ray (newsbrief[ray])."),
    address: str | None = typer.Option(None, "--address", help="Ray cluster (default: local)."),
    via: str = typer.Option("live", "--via", help="live, or openai-batch (Batch API files)."),
    export_requests: Path | None = typer.Option(
        None, "--export-requests", help="Write the Batch API requests here (vllm run-batch)."
    ),
    import_results: Path | None = typer.Option(
        None, "--import-results", help="Read a batch runner's output for exported requests."
    ),
    poll_interval: float = typer.Option(30.0, "--poll-interval", min=0, help="Seconds."),
    learn_boilerplate: bool = typer.Option(
        False,
        "--learn-boilerplate",
        help="Read all inputs first to learn the lines each site repeats; remove them.",
    ),
    boilerplate_file: Path | None = typer.Option(
        None, "--boilerplate", help="Start from lines learned before (--save-boilerplate)."
    ),
    save_boilerplate: Path | None = typer.Option(
        None, "--save-boilerplate", help="Write the lines learned per site to this file."
    ),
) -> None:
    """Brief many articles into one results file; resumable, one failure never stops it.

    Boilerplate: lines a site repeats across its articles are chrome. --learn-boilerplate
    learns them from every input before the run and removes them from every article;
    --boilerplate or --save-boilerplate alone learn as the run goes (the first articles of a
    site keep them). Each record lists what was removed under boilerplate_removed.

    Exit codes: 0 every article succeeded; 3 the run finished but some articles failed (their
    records say why; --retry-failed redoes them); 1 stopped by the circuit breaker (the
    endpoint kept failing; rerun with --resume); 130 interrupted (rerun with --resume); 2 bad
    usage (a missing input, an input with no article), or --out is being written by another
    batch; 141 the reader of the output went away (`| head`).
    """
    from . import batch as batch_module

    parsed_shard = batch_module.parse_shard(shard) if shard else None
    total = None if quiet else batch_module.count_inputs(inputs)
    if total is not None and limit is not None:
        total = min(total, limit)
    view = _BatchView(quiet=quiet, verbose=verbose)
    runner = _batch_engine(engine, address, via, export_requests, import_results, poll_interval)
    learning: dict[str, Any] = {}
    if learn_boilerplate or boilerplate_file or save_boilerplate:
        if runner is not batch_module.run_threads:
            raise UsageError(
                "boilerplate learning works with live requests on the threads engine",
                "drop --engine/--via, or the boilerplate options",
            )
        from .clean.boilerplate import Boilerplate

        if save_boilerplate is not None and not save_boilerplate.parent.is_dir():
            raise UsageError(f"--save-boilerplate {save_boilerplate}: no such folder",
                             "create the folder first")  # fmt: skip
        learned = Boilerplate.load(boilerplate_file) if boilerplate_file else Boilerplate()
        learning = {"boilerplate": learned, "learn_first": learn_boilerplate}
    options = batch_module.RunOptions(
        inputs, out, prompt=prompt, model=model, base_url=base_url, mode=mode, timeout=timeout,
        strategy=strategy, concurrency=concurrency, limit=limit, resume=resume,
        retry_failed=retry_failed, shard=parsed_shard, fail_fast=fail_fast, cache=not no_cache,
        log=not no_log, text_field=text_field, id_field=id_field, total=total,
    )  # fmt: skip
    with view:
        counts = runner(options, progress=view.update, **learning)
    if save_boilerplate is not None:
        learning["boilerplate"].save(save_boilerplate)
    if not quiet:
        view.summary(counts, out)
    if getattr(counts, "waiting", 0):  # batch files: articles whose requests are still out
        where = f"in {counts.exported}" if counts.exported else "in live batches"
        say(
            f"{counts.waiting} articles wait for replies {where}; when they are answered, run "
            "again with --import-results or --resume"
        )
    stopped = counts.breaker or getattr(counts, "storage", None)
    if stopped is not None:
        fix = "fix the endpoint" if counts.breaker else "free some space (or fix the folder)"
        say(
            f"error: stopped: {stopped}; {counts.held_back} articles were not written; "
            f"{fix}, then finish with: {rerun('--resume')}"
        )
        raise typer.Exit(counts.exit_code)
    if counts.interrupted:
        say(
            f"interrupted: {counts.done + counts.failed} articles written this run; "
            f"finish with: {rerun('--resume')}"
        )
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)  # threads still in flight must not hold the exit; resume redoes them
    if counts.exit_code:
        raise typer.Exit(counts.exit_code)


def _batch_engine(
    engine: str,
    address: str | None,
    via: str,
    export_requests: Path | None,
    import_results: Path | None,
    poll_interval: float,
) -> Callable[..., Any]:
    """The run function for ``--engine`` / ``--via``: each takes a batch.RunOptions, the
    progress callback, and its own options (bound here)."""
    from . import batch as batch_module

    if via != "live" or export_requests or import_results:
        if engine != "threads":
            raise UsageError(f"--engine {engine} sends live requests", "drop --engine or --via")
        from . import batchfiles

        return functools.partial(
            batchfiles.run, via=None if via == "live" else via, export_requests=export_requests,
            import_results=import_results, poll_interval=poll_interval,
        )  # fmt: skip
    if engine == "ray":
        from .engines import ray_engine

        return functools.partial(ray_engine.run, address=address)
    if engine != "threads":
        raise UsageError(f"unknown --engine {engine!r}", "choose threads or ray")
    return batch_module.run_threads


class _BatchView:
    """A rich progress bar on a terminal; a plain line every few seconds otherwise."""

    def __init__(self, *, quiet: bool, verbose: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.named = 0  # failed articles named so far (-v)
        self.console = render.console(stderr=True)
        self.live = not quiet and self.console.is_terminal
        self.every = progress_every()
        self.last = 0.0
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _BatchView:
        if self.live:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("[bold]batch"),
                BarColumn(bar_width=16),
                MofNCompleteColumn(),
                TextColumn("{task.fields[line]}"),
                TimeRemainingColumn(),
                console=self.console,
            )
            self.bar.__enter__()
            self.task = self.bar.add_task("batch", total=None, line="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    @staticmethod
    def line(counts: Any) -> str:
        """The live line beside the bar: short, so bar, count and ETA fit 80 columns."""
        return f"{counts.done} ok · {counts.failed} failed · {counts.rate:.2f}/s"

    @staticmethod
    def plain(counts: Any, width: int = 80) -> str:
        """The line written every few seconds when stderr is no terminal: counts, rate and ETA
        always; cached, resumed and tokens while the line stays within ``width``."""
        finished = counts.done + counts.failed + counts.resumed
        of = f"/{counts.total}" if counts.total else ""
        eta = ""
        if counts.total and counts.rate > 0:
            left = max(counts.total - finished, 0) / counts.rate
            eta = f", ETA {int(left // 60)}m{int(left % 60):02d}s"
        line = f"batch {finished}{of}: {counts.done} ok, {counts.failed} failed"
        tail = f", {counts.rate:.2f}/s{eta}"
        extra = [f"{counts.cached} cached"]
        if counts.resumed:
            extra.append(f"{counts.resumed} resumed")
        extra.append(f"{counts.tokens:,} tokens")
        for part in extra:
            if len(line) + len(part) + 2 + len(tail) <= width:
                line += f", {part}"
        return line + tail

    def update(self, counts: Any) -> None:
        if self.verbose:
            for failed in counts.failed_ids[self.named :]:
                self.console.print(f"failed: {printable(failed)}", markup=False, highlight=False,
                                   soft_wrap=True)  # fmt: skip
            self.named = len(counts.failed_ids)
        if self.quiet:
            return
        finished = counts.done + counts.failed + counts.resumed
        if self.bar is not None:
            self.bar.update(self.task, completed=finished, total=counts.total,
                            line=self.line(counts))  # fmt: skip
            return
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            say(self.plain(counts))

    def summary(self, counts: Any, out: Path) -> None:
        table = Table("Articles", "Count", title=f"batch → {out}")
        table.add_row("succeeded", str(counts.done))
        table.add_row("  of which cached", str(counts.cached))
        table.add_row("failed", str(counts.failed))
        for kind, number in sorted(counts.failures.items()):
            table.add_row(f"  {kind}", str(number))
        table.add_row("already done (resume)", str(counts.resumed))
        table.add_row("tokens", f"{counts.tokens:,}")
        table.add_row("time", f"{counts.elapsed:.1f} s ({counts.rate:.2f} articles/s)")
        console = _stdout()
        console.print(table)
        if counts.failed_ids:
            shown = ", ".join(printable(failed) for failed in counts.failed_ids[:10])
            more = len(counts.failed_ids) - 10
            console.print(f"failed: {shown}" + (f" and {more} more" if more > 0 else ""),
                          highlight=False, markup=False)  # fmt: skip
            for line in (f"why: {failed_query(out)}",
                         f"redo them: {rerun('--retry-failed', drop=('--resume',))}"):  # fmt: skip
                console.print(mask_secrets(line), highlight=False, markup=False, soft_wrap=True)


def failed_query(out: Path) -> str:
    """A shell command that lists the failed records of a results file, with why they failed."""
    if out.suffix.lower() in (".sqlite", ".sqlite3", ".db"):
        return (f"sqlite3 {out} \"SELECT id, json_extract(record, '$.error.message') FROM "
                "results WHERE status = 'failed'\"")  # fmt: skip
    return f"jq -c 'select(.status == \"failed\") | [.id, .error.message]' {out}"


@eval_app.callback(invoke_without_command=True)
@handle_errors
def eval_run(
    ctx: typer.Context,
    prompt: str | None = prompt_option(),
    model: str | None = model_option(),
    base_url: str | None = base_url_option(),
    mode: str | None = mode_option(),
    repeats: int = typer.Option(1, "--repeats", "-k", min=1, help="Runs per fixture."),
    fixtures: list[Path] = typer.Option(
        [Path("evals/fixtures")], "--fixtures", help="Fixture folder (repeatable)."
    ),
    replay: Path | None = typer.Option(
        None, "--replay", help="Re-score this run file's stored outputs; no model is asked."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Run file to write (default: evals/runs/<prompt>.<model>...)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Ask the model even if cached."),
    judge: str | None = typer.Option(
        None, "--judge", help="Also ask this model whether each key fact is in the summary."
    ),
    articles_from: Path | None = typer.Option(
        None,
        "--articles-from",
        envvar="NEWSBRIEF_ARTICLES_FROM",
        help="Folder holding the articles of external fixture sets (<id>.txt).",
    ),
    strategy: str | None = typer.Option(None, "--strategy", help=STRATEGY_HELP),
    keep_text: bool = typer.Option(
        False,
        "--keep-text",
        help="Keep external articles' text and briefs in the run file (local use; never commit).",
    ),
    output: DataFormatOption = "pretty",
    yes: bool = typer.Option(
        False, "--yes", "-y", help="Run a full eval on a local model without asking."
    ),
    quiet: bool = quiet_option("No line per fixture as it is scored (on stderr)."),
) -> None:
    """Run a prompt over every fixture and score it next to the no-model floor; writes a
    versioned run file. On a local model it asks first (it takes long); --yes skips that."""
    if ctx.invoked_subcommand is not None:
        return
    from .evals import runner

    if replay is None and not yes:
        _confirm_local_eval(model, fixtures, prompt, strategy)

    if replay is not None:
        run = runner.replay(runner.load_run(replay), fixtures, judge=judge)
    else:
        console = render.console(stderr=True)
        run = runner.run_eval(
            prompt=prompt, model=model, base_url=base_url, mode=mode, repeats=repeats,
            fixtures_dirs=fixtures, articles_from=articles_from, cache=not no_cache, judge=judge,
            strategy=strategy, keep_text=keep_text,
            progress=None if quiet else lambda line: console.print(
                f"[dim]{mask_secrets(line)}[/dim]"),
        )  # fmt: skip
    path = out or runner.default_run_path(run)
    runner.save_run(run, path)
    if output == DataFormat.json:
        keys = ("prompt", "prompt_sha256", "model", "strategy", "created", "repeats", "fixtures")
        _print_json({**{k: run.get(k) for k in keys}, "run_file": str(path),
                     "summary": run["summary"],
                     "floor": (run.get("floor") or {}).get("summary")})  # fmt: skip
        return
    console = _stdout()
    console.print(_side_by_side(run))
    cost = run["summary"]["cost"]
    console.print(
        f"{cost['n']} outputs, {cost['prompt_tokens']:,}+{cost['completion_tokens']:,} tokens, "
        f"{cost['latency_ms'] / 1000:.1f} s of model time; run file: {path}"
    )


def _confirm_local_eval(
    model: str | None, fixtures: list[Path], prompt: str | None, strategy: str | None
) -> None:
    """A full eval on the embedded or a local GGUF model takes an hour or more on a laptop:
    ask on a terminal, refuse elsewhere, unless --yes. The floor (the default with no model
    named) asks nothing: it takes seconds."""
    from .config import resolve_settings
    from .errors import UsageError

    settings = resolve_settings(model=model)
    chosen = settings.model
    if chosen.split(":", 1)[0] != "local" or not api.plan(prompt, strategy, settings).prompt:
        return  # a hosted model, or a strategy that needs no model
    folders = ", ".join(str(f) for f in fixtures)
    what = f"a full eval of every fixture in {folders} on {chosen} (an hour or more on 2 cores)"
    if sys.stdin.isatty() and sys.stderr.isatty():
        if not typer.confirm(f"This starts {what}. Go on?", default=False, err=True):
            raise typer.Exit(1)
        return
    raise UsageError(
        f"this would start {what}", "pass --yes to run it, or --replay RUN to re-score"
    )


def _side_by_side(run: dict[str, Any]) -> Table:
    """Per score: the floor's value next to the run's (micro F1 with P/R for list scores)."""
    from .evals.report import number

    floor = (run.get("floor") or {}).get("summary", {})
    title = f"{run['prompt']} on {run['model']}, {len(run['fixtures'])} fixtures"
    if run.get("external"):
        title += f" ({len(run['external'])} external)"
    table = Table("score", "floor (no model)", f"{run['prompt']}", "delta", "n", title=title,
                  caption="pledges, positions, experts: micro F1 (precision/recall)")  # fmt: skip

    def cell(entry: dict[str, Any] | None) -> tuple[str, float | None]:
        if not entry:
            return "", None
        if entry.get("micro_f1") is not None:
            value = entry["micro_f1"]
            p, r = entry["micro_precision"], entry["micro_recall"]
            return f"{number(value)} ({p:.2f}/{r:.2f})", value
        return number(entry["mean"]), entry["mean"]

    for name, entry in run["summary"].items():
        if name == "cost":
            continue
        ours, value = cell(entry)
        theirs, base = cell(floor.get(name)) if floor else ("", None)
        delta = number(value - base, signed=True) if value is not None and base is not None else ""
        table.add_row(name, theirs, ours, delta, str(entry["n"]))
    return table


@eval_app.command("compare", cls=PlainCommand)
@handle_errors
def eval_compare(
    run_a: Path = typer.Argument(
        ...,
        metavar="A",
        help="The baseline run file (A), or `floor` for the no-model floor scored in B.",
    ),
    run_b: Path = typer.Argument(..., metavar="B", help="The candidate run file (B)."),
    gate: bool = typer.Option(
        False,
        "--gate",
        help="Exit 4 when a gated field is worse (95% CI below 0, lower bound beyond -delta) "
        "or a hard gate fails; inconclusive fields do not fail it.",
    ),
    delta: float = typer.Option(
        0.02, "--delta", min=0, help="Tolerance: a CI within ±delta is no significant difference."
    ),
    report: list[Path] = typer.Option(
        [], "--report", help="Also write a report: out.json, out.md or out.html (repeatable)."
    ),
    fixtures: list[Path] = typer.Option(
        [Path("evals/fixtures")], "--fixtures", help="Fixture folder, for the HTML diffs."
    ),
    shared_only: bool = typer.Option(
        False, "--shared-only", help="Runs on different fixture sets: compare the shared ones."
    ),
    output: DataFormatOption = "pretty",
) -> None:
    """B against A per field: deltas, paired bootstrap 95% CIs, flips, verdict, gate.

    Runs made on different fixture sets are refused unless --shared-only.

    Exit codes: 0 (or no --gate); 4 the gate failed; 2 bad input.
    """
    from .errors import EXIT_GATE
    from .evals import compare as compare_module
    from .evals import report as report_module
    from .evals import runner
    from .evals.report import interval, number

    report_module.check_report_paths(report)  # before any work: a typo costs nothing
    b = runner.load_run(run_b)
    a = runner.floor_run(b) if str(run_a) == "floor" else runner.load_run(run_a)
    if not shared_only:
        compare_module.check_same_fixtures(a, b)
    result = compare_module.compare(a, b, tolerance=delta)

    def named(run: dict[str, Any]) -> str:
        return f"{run['prompt']} on {run['model']} ({run.get('strategy') or 'focused'})"

    if output == DataFormat.json:
        _print_json(report_module.to_dict(result))
    title = f"B {named(b)} vs A {named(a)}"
    if shared_only and {i["id"] for i in a["items"]} != {i["id"] for i in b["items"]}:
        title += f", on the {len(result.fixtures)} fixtures both runs have"
    table = Table("field", "A", "B", "delta", "95% CI", "n", "verdict", title=title,
                  caption=f"FAIL: worse beyond -{delta}; not gated: "
                  f"{', '.join(compare_module.NOT_GATED)}")  # fmt: skip
    colours = {"better": "green", "worse": "red", "inconclusive": "yellow"}
    for f in result.fields:
        cell = report_module.verdict_cell(f)
        if f.verdict in colours:
            cell = f"[{colours[f.verdict]}]{cell}[/{colours[f.verdict]}]"
        table.add_row(f.name, number(f.a), number(f.b), number(f.delta, signed=True),
                      interval(f.low, f.high), str(f.n), cell)  # fmt: skip
    # With --format json the table and the lines below go to stderr: stdout is the JSON.
    console = render.console(stderr=True) if output == DataFormat.json else _stdout()
    console.print(table)
    for hard in result.hard:
        mark = "[green]ok[/green]" if hard["ok"] else "[red]FAIL[/red]"
        console.print(f"{mark} {hard['gate']}" + (f" ({hard['why']})" if hard["why"] else ""))
    for flip in result.flipped:
        console.print(f"flipped: {flip['fixture']} {flip['field']} {flip['a']:.2f} -> "
                      f"{flip['b']:.2f} ({flip['direction']})")  # fmt: skip
    console.print(f"[bold]verdict:[/bold] {result.verdict}")
    labels: dict[str, Any] = {}
    if any(p.suffix.lower() in (".html", ".htm", ".md") for p in report):
        from .evals.dataset import load_fixtures

        labels = {f.id: f.labels for f in load_fixtures(fixtures, articles=False)}
    for path in report:
        if path.suffix.lower() in (".html", ".htm"):
            text = report_module.to_html(result, a, b, labels)
        elif path.suffix.lower() == ".md":
            text = report_module.to_markdown(result, a, b, labels)
        else:
            text = json.dumps(report_module.to_dict(result), indent=2, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
        console.print(f"wrote {path}")
    if gate and result.gate_failed:
        raise typer.Exit(EXIT_GATE)


@app.command("clean", cls=PlainCommand)
@handle_errors
def clean_command(
    source: str = typer.Argument(..., metavar="SOURCE", help="Article file, or - to read stdin."),
    output: str = typer.Option(
        "text",
        "--format",
        "-f",
        metavar="FORMAT",
        callback=choice_of(CleanFormat),
        help="text, json (with the audit) or diff.",
    ),
    out_file: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write to this file instead of stdout."
    ),
    verbose: bool = verbose_option("Also say what was removed, by kind, on stderr."),
) -> None:
    """Print the cleaned article (what the model sees), its audit as JSON, or a diff."""
    article, cleaned = api.clean(source)
    if verbose:
        say(removed_line(cleaned))
    if output == CleanFormat.json:
        text = json.dumps(cleaned.to_dict(), indent=2, ensure_ascii=False)
    elif output == CleanFormat.diff:
        text = diff(article.raw, cleaned.text, article.source, cleaned.removed)
    else:
        text = cleaned.text
    if out_file is not None:
        _write(out_file, text + "\n")
    else:
        typer.echo(text)


@app.command("attributions", cls=PlainCommand)
@handle_errors
def attributions_command(
    source: str = typer.Argument(..., metavar="SOURCE", help="Article file, or - to read stdin."),
    output: DataFormatOption = "pretty",
    out_file: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write to this file instead of stdout."
    ),
) -> None:
    """Who said, promised or believes what: source, cue and content of every attribution, with
    offsets into the cleaned text (--format json)."""
    from .render import attributions_rich

    _, _, document = api.attributions(source)
    if output == DataFormat.json or out_file is not None:
        text = json.dumps(document, indent=2, ensure_ascii=False)
        if out_file is not None:
            _write(out_file, text + "\n")
            return
        typer.echo(text)
        return
    _stdout().print(attributions_rich(document))


@app.command(cls=PlainCommand)
@handle_errors
def models(
    output: DataFormatOption = "pretty",
) -> None:
    """List the models newsbrief can use and which one is the default."""
    from .base import pick_strategy
    from .config import resolve_settings
    from .llm import embedded_model_path

    settings = resolve_settings()
    api.check_configured_strategy(settings)
    strategy = pick_strategy(None, None, settings.strategy, settings.model, settings.model_given)
    table = Table("Model", "What", "Status")
    embedded_path: str | None = None
    try:
        embedded = embedded_model_path()
        size = embedded.stat().st_size / 1e6
        status = f"ready, {size:.0f} MB"
        embedded_path = str(embedded)
    except NewsbriefError as exc:
        status = f"missing: {exc}"
    endpoint = mask_secrets(settings.base_url or "https://api.openai.com/v1")
    if output == DataFormat.json:
        _print_json({
            "default": {"model": settings.model if settings.model_given else "none",
                        "strategy": strategy},
            "models": [
                {"model": "local", "what": "SmolLM2-135M-Instruct, embedded", "status": status,
                 "path": embedded_path},
                {"model": "local:<path.gguf>", "what": "any GGUF model file"},
                {"model": "openai:<model>", "what": "OpenAI-compatible endpoint",
                 "base_url": endpoint, "api_key_set": bool(settings.api_key)},
            ],
        })  # fmt: skip
        return
    table.add_row("local", "SmolLM2-135M-Instruct, embedded, runs on the CPU", status)
    table.add_row("local:<path.gguf>", "any GGUF model file, run by llama-cpp-python", "")
    key = "key set" if settings.api_key else "no OPENAI_API_KEY"
    table.add_row("openai:<model>", f"OpenAI-compatible endpoint {endpoint}", key)
    console = _stdout()
    console.print(table)
    if settings.model_given:
        console.print(f"default: {settings.model}, strategy {strategy}")
    else:
        console.print(
            f"default: no model, strategy {strategy} (about a second an article); "
            "-m local asks the embedded model, -m openai:<model> a hosted one"
        )


@prompts_app.command("list", cls=PlainCommand)
@handle_errors
def prompts_list(
    output: DataFormatOption = "pretty",
) -> None:
    """List every prompt version."""
    from .prompts import available, load_prompt

    table = Table("Prompt", "Strategy", "Tasks", "sha256", "Description")
    found = []
    for name, versions in available().items():
        for number in versions:
            loaded = load_prompt(f"{name}@{number}")
            tasks = [t.part for t in loaded.spec.tasks]
            summary = loaded.spec.description.split(". ")[0].rstrip(".") + "."
            found.append({"prompt": loaded.ref, "strategy": loaded.spec.strategy, "tasks": tasks,
                          "sha256": loaded.sha256, "description": loaded.spec.description,
                          "directory": str(loaded.directory)})  # fmt: skip
            table.add_row(loaded.ref, loaded.spec.strategy, ", ".join(tasks), loaded.sha256[:12],
                          summary)  # fmt: skip
    if output == DataFormat.json:
        _print_json(found)
        return
    _stdout().print(table)


@prompts_app.command("show", cls=PlainCommand)
@handle_errors
def prompts_show(
    ref: str = typer.Argument(..., metavar="REF", help="Prompt id@version, e.g. brief@1."),
    raw: bool = typer.Option(
        False, "--raw", help="The exact files, unwrapped and uncoloured (to pipe or copy)."
    ),
    file: str | None = typer.Option(
        None, "--file", help="Only this file, e.g. prompt.yaml (implies --raw)."
    ),
) -> None:
    """Show a prompt version: its front matter and every template."""
    from .prompt_work import raw_files
    from .prompts import load_prompt

    loaded = load_prompt(ref)
    if raw or file is not None:
        for header, text in raw_files(loaded, file):
            if header is not None:
                sys.stdout.write(header + "\n")
            sys.stdout.write(text)
        return
    console = _stdout()
    console.print(f"[bold]{loaded.ref}[/bold]  sha256 {loaded.sha256}  ({loaded.directory})")
    for path in sorted(loaded.directory.iterdir()):
        lexer = "yaml" if path.suffix == ".yaml" else "jinja"
        console.rule(path.name)
        console.print(Syntax(path.read_text(encoding="utf-8"), lexer, word_wrap=True))


@prompts_app.command("new", cls=PlainCommand)
@handle_errors
def prompts_new(
    ref: str = typer.Argument(..., metavar="REF", help="The new version, e.g. brief@4."),
    source: str = typer.Option(..., "--from", help="The version to copy, e.g. brief@2."),
    directory: Path | None = typer.Option(
        None,
        "--dir",
        help="Prompts folder to write into. Default: NEWSBRIEF_PROMPTS_DIR, else the "
        "checkout's prompts/.",
    ),
    quiet: bool = quiet_option("Print only the new version's folder."),
) -> None:
    """Start a new prompt version as an unreleased copy of another; opens nothing."""
    from .base import prompt_dirs
    from .prompt_work import new_version

    made = new_version(ref, source, directory)
    typer.echo(str(made.directory) if quiet else f"made {made.ref} from {source}: {made.directory}")
    if not any(made.directory.is_relative_to(d) for d in prompt_dirs()):
        say(f"to use it: export NEWSBRIEF_PROMPTS_DIR={made.directory.parent.parent}")
    if not quiet:
        typer.echo(f"next: edit its files, then newsbrief eval --prompt {made.ref}")


@prompts_app.command("diff", cls=PlainCommand)
@handle_errors
def prompts_diff(
    ref_a: str = typer.Argument(..., metavar="A", help="The old version, e.g. brief@2."),
    ref_b: str = typer.Argument(..., metavar="B", help="The new version, e.g. brief@4."),
) -> None:
    """A unified diff of two prompt versions, file by file."""
    from .prompt_work import diff
    from .prompts import load_prompt

    sys.stdout.write(diff(load_prompt(ref_a), load_prompt(ref_b)))


@app.command(cls=PlainCommand)
@handle_errors
def view(
    results: str = typer.Argument(
        ..., metavar="RESULTS", help="A batch's results.jsonl or results.sqlite."
    ),
    out_file: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FILE",
        help="The page to write (default: RESULTS with .html).",
    ),
    quiet: bool = quiet_option("Do not say where the page was written."),
) -> None:
    """Write one HTML page over a batch's results, filtered by status, field, actor or text."""
    from .html_view import batch_page, read_results

    records = read_results(results)
    target = out_file or Path(results).with_suffix(".html")
    _write(target, batch_page(records, Path(results).name))
    if not quiet:
        typer.echo(f"wrote {target} ({len(records)} records); open it in a browser")


class TrackFormat(StrEnum):
    pretty = "pretty"
    json = "json"
    html = "html"


@app.command("track", cls=PlainCommand)
@handle_errors
def track_command(
    results: list[str] = typer.Argument(
        ..., metavar="RESULTS...", help="Results files of batch runs (.jsonl or .sqlite)."
    ),
    output: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            callback=choice_of(TrackFormat),
            help="pretty (per actor, its threads), json (actors -> threads -> "
            "mentions) or html (one page with a timeline per actor).",
        ),
    ] = "pretty",
    out_file: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write to this file instead of stdout."
    ),
    actor: str | None = typer.Option(
        None, "--actor", metavar="NAME", help="Only actors whose name contains NAME."
    ),
    since: str | None = typer.Option(
        None, "--since", metavar="DATE", help="Only mentions dated on or after DATE (YYYY-MM-DD)."
    ),
    until: str | None = typer.Option(
        None, "--until", metavar="DATE", help="Only mentions dated on or before DATE (YYYY-MM-DD)."
    ),
    similarity: str | None = typer.Option(
        None,
        "--similarity",
        metavar="NAME",
        help="How pledges are matched: overlap (content words, the default) or wordllama "
        "(static word embeddings; pip install wordllama).",
    ),
) -> None:
    """Who promised what, and did it change: actors merged across a batch's results, their
    pledges threaded over time, changed amounts, dates or conditions and reversals flagged."""
    from .track_view import brief_pages, track_page, track_rich

    document = api.track(results, actor=actor, since=since, until=until, similarity=similarity)
    if output == TrackFormat.html or (out_file is not None and out_file.suffix == ".html"):
        page = track_page(document, brief_pages(results))
        if out_file is None:
            typer.echo(page, nl=False)
            return
        _write(out_file, page)
        typer.echo(
            f"wrote {out_file} ({document['counts']['threads']} threads); open it in a browser"
        )
    elif out_file is not None:
        _write_json(out_file, document)
    elif output == TrackFormat.json:
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        _stdout().print(track_rich(document))


def _write_json(path: Path, document: Any) -> None:
    """``document`` as JSON into ``path``, streamed: no second copy of a large document."""
    try:
        with path.open("w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1, ensure_ascii=False)
            handle.write("\n")
    except OSError as exc:
        raise InputError(f"cannot write --output {path}: {exc.strerror}",
                         "check the folder exists and is writable") from exc  # fmt: skip


@app.command(cls=PlainCommand)
@handle_errors
def paths(
    output: DataFormatOption = "pretty",
) -> None:
    """Show where the config file, the run log and cache, and the prompts live."""
    from .base import config_path, data_dir, prompt_dirs
    from .store import default_path

    found = {
        "config": str(config_path()),
        "data": str(data_dir()),
        "log_and_cache": str(default_path()),
        "prompts": [str(p) for p in prompt_dirs()],
    }
    if output == DataFormat.json:
        _print_json(found)
        return
    for name, value in found.items():
        for item in value if isinstance(value, list) else [value]:
            typer.echo(f"{name + ':':15}{item}")


@schema_app.command("export", cls=PlainCommand)
@handle_errors
def schema_export(
    directory: Path = typer.Option(
        Path("schemas"), "--dir", help="Folder to write into, or - for stdout."
    ),
    quiet: bool = quiet_option("Do not say which file was written."),
) -> None:
    """Write schemas/brief.v1.schema.json from the pydantic models."""
    from .schemas import export_schema, schema_text

    if str(directory) == "-":
        sys.stdout.write(schema_text())
        return
    path = export_schema(directory)
    if not quiet:
        typer.echo(f"wrote {path}")


@logs_app.callback(invoke_without_command=True)
@handle_errors
def logs_list(
    ctx: typer.Context,
    count: int = typer.Option(20, "-n", help="How many of the latest calls; 0 for all.", min=0),
    model: str | None = typer.Option(
        None, "--model", "-m", help="Only calls to models whose name contains this."
    ),
    grep: str | None = typer.Option(
        None, "--grep", help="Only calls whose messages, reply or error contain this text."
    ),
    run: str | None = typer.Option(
        None, "--run", help="Only the calls of this article run (an ID from the Run column)."
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="One JSON object per line (messages, reply and parsed result as objects).",
    ),
    output: str = typer.Option(
        "pretty",
        "--format",
        "-f",
        metavar="FORMAT",
        callback=choice_of(DataFormat),
        help="pretty, or json (the same as --json).",
    ),
) -> None:
    """List the latest LLM calls grouped by article run (one brief of one article): the newest
    run first, its calls in the order asked. `logs show ID` shows one call in full."""
    if ctx.invoked_subcommand is not None:
        return
    from .store import group_runs, open_store

    store = open_store()
    try:
        calls = store.calls(count or None, model=model, text=grep, run=run)
    finally:
        store.close()
    if as_json or output == DataFormat.json:  # newest first; each call names its ``run``
        for call in calls:
            typer.echo(json.dumps(_nested(call), ensure_ascii=False))
        return
    console = _stdout()
    for group in group_runs(calls):
        console.print(_run_line(group), highlight=False, markup=False)  # wraps at the width
        # Identifying columns never wrap or shrink to an ellipsis; an error wraps instead.
        table = Table(box=None, padding=(0, 1), pad_edge=False)
        table.add_column("  ID", no_wrap=True, justify="right")
        for name in ("Time", "Task", "Tokens", "ms"):
            table.add_column(name, no_wrap=True)
        table.add_column("Error", overflow="fold")
        for c in group:
            tries = f" ({c['attempts']} tries)" if c["attempts"] > 1 else ""
            table.add_row(str(c["id"]), c["time"][11:19], (c["task"] or "") + tries,
                          f"{c['prompt_tokens']}+{c['completion_tokens']}",
                          str(c["latency_ms"]), c["error"] or "")  # fmt: skip
        console.print(table)


@logs_app.command("show", cls=PlainCommand)
@handle_errors
def logs_show(
    call_id: int = typer.Argument(..., metavar="ID", help="A call ID from `newsbrief logs`."),
) -> None:
    """Show one logged call: messages, raw reply, parsed result, usage, error."""
    from .errors import UsageError
    from .store import open_store

    store = open_store()
    try:
        call = store.call(call_id)
    finally:
        store.close()
    if call is None:
        raise UsageError(f"no logged call {call_id}", "list them with `newsbrief logs`")
    typer.echo(json.dumps(_nested(call), indent=2, ensure_ascii=False))


def _run_line(group: list[dict[str, Any]]) -> str:
    """The head of one article run in `newsbrief logs`: run id, prompt, model, when, and what
    its calls cost together."""
    head = group[0]
    prompt = tokens = 0
    for c in group:
        prompt += c["prompt_tokens"]
        tokens += c["completion_tokens"]
    seconds = sum(c["latency_ms"] or 0 for c in group) / 1000
    run = f"run {head['run'][:6]}" if head.get("run") else "call"
    return (f"{run} · {head['prompt'] or '-'} on {head['model']} · "
            f"{head['time'].replace('T', ' ').rstrip('Z')} · {len(group)} calls, "
            f"{prompt:,}+{tokens:,} tokens, {seconds:.1f} s")  # fmt: skip


def _nested(call: dict[str, Any]) -> dict[str, Any]:
    """A logged call with its stored JSON as objects, not strings: the messages, the parsed
    result, and the raw reply when it is a JSON object or list (else the reply's text)."""
    out = dict(call)
    for key in ("messages", "parsed", "raw_reply"):
        if isinstance(out.get(key), str):
            with contextlib.suppress(ValueError):  # not JSON after all: left as text
                value = json.loads(out[key])
                if key != "raw_reply" or isinstance(value, (dict, list)):
                    out[key] = value
    return out


def global_flags_first(args: list[str]) -> list[str]:
    """``--debug`` is accepted anywhere before a ``--``: it is moved to the front, where the
    root command reads it (``newsbrief summarize a.txt --debug`` works as users expect)."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" not in args[:end]:
        return args
    rest = [a for a in args[:end] if a != "--debug"]
    return ["--debug", *rest, *args[end:]]


def main() -> None:
    """Console-script entry point."""
    if os.environ.get("NEWSBRIEF_DEBUG") in ("1", "true", "yes"):
        _state["debug"] = True
    code: Any = 0
    try:
        code = app(args=global_flags_first(sys.argv[1:]), prog_name="newsbrief",
                   standalone_mode=False)  # fmt: skip
        sys.stdout.flush()
    except BrokenPipeError:
        sys.exit(closed_pipe())
    except SystemExit:
        # click meets a closed pipe itself while it prints --help or --version: it wraps stdout
        # to keep the flush at exit quiet and exits 1. The same convention as every command.
        if "PacifyFlushWrapper" in type(sys.stdout).__name__:
            sys.exit(closed_pipe())
        raise
    except Exception as exc:
        if type(exc).__name__ == "Abort":  # a declined or interrupted prompt
            say("error: aborted")
            sys.exit(1)
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help, as click does
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if _state["debug"] or not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
            raise
        say(usage_line(exc))
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


def usage_line(exc: Any) -> str:
    """click's usage error (a bad value, an unknown option, a missing argument) as one line
    with where to look, instead of the usage block click prints before it."""
    message = " ".join(str(exc.format_message()).split()).rstrip(".")
    command = getattr(getattr(exc, "ctx", None), "command_path", None)
    return f"error: {message}" + (f"; see `{command} -h`" if command else "")
