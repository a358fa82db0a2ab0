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
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table

from . import __version__, api, render
from .batch import RunOptions, expected_total, parse_shard
from .clean import diff
from .engines import Engine, Learning, prepare_run
from .errors import EXIT_RUNTIME, NewsbriefError, closed_pipe, mask_secrets
from .plain_help import PlainCommand, plain
from .progress import BatchProgress
from .terminal import (
    global_flags_first,
    json_chunks,
    leave_now,
    print_json,
    say,
    usage_line,
    write_json_output,
    write_output,
)

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
MODEL_HELP = (
    "local (embedded SmolLM2-135M), local:/path/model.gguf, or openai:<model>. "
    "Default: NEWSBRIEF_MODEL, then config.toml, then local."
)


def _stdout() -> Console:
    return render.console(soft_wrap=False)


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


# The options several commands take, declared once (help texts included).
SourceArgument = Annotated[
    str, typer.Argument(metavar="SOURCE", help="Article file, or - to read stdin.")
]
ModelOption = Annotated[str | None, typer.Option("--model", "-m", help=MODEL_HELP)]
PromptOption = Annotated[str | None, typer.Option("--prompt", "-p", help=PROMPT_HELP)]
BaseUrlOption = Annotated[
    str | None,
    typer.Option("--base-url", help="OpenAI-compatible endpoint (default: OPENAI_BASE_URL)."),
]
ModeOption = Annotated[
    str | None, typer.Option("--mode", help="instructor mode: tools, json_schema, json or md_json.")
]
TimeoutOption = Annotated[
    float | None,
    typer.Option("--timeout", metavar="SECONDS", help="Seconds per request.", min=1),
]
StrategyOption = Annotated[str | None, typer.Option("--strategy", help=STRATEGY_HELP)]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Ask the model even if cached.")]
NoLogOption = Annotated[bool, typer.Option("--no-log", help="Do not record the LLM calls.")]
OutputFileOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to this file instead of stdout."),
]


class OutputFormat(StrEnum):
    pretty = "pretty"
    json = "json"
    markdown = "markdown"
    html = "html"


class DataFormat(StrEnum):
    pretty = "pretty"
    json = "json"


DATA_FORMAT_HELP = "pretty (a table) or json (the same data, for scripts)."


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


@app.command(cls=PlainCommand)
@handle_errors
def summarize(
    source: SourceArgument,
    model: ModelOption = None,
    prompt: PromptOption = None,
    output: str = typer.Option(
        "pretty",
        "--format",
        "-f",
        metavar="FORMAT",
        callback=choice_of(OutputFormat),
        help="pretty, json, markdown, or html (one page: the brief beside the article).",
    ),
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    timeout: TimeoutOption = None,
    no_cache: NoCacheOption = False,
    no_log: NoLogOption = False,
    strategy: StrategyOption = None,
    quiet: bool = quiet_option("No progress line (it shows only on a terminal)."),
    verbose: bool = verbose_option(
        "Print each question as it is answered, and what the brief cost, on stderr."
    ),
    out_file: OutputFileOption = None,
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
        from .brief.rules.attribution import attributions, to_document
        from .html_view import brief_page

        who = to_document(result.clean.text, attributions(result.clean.text))
        page = brief_page(result.to_dict(), result.clean.to_dict(), who)
        if out_file is not None:
            write_output(out_file, page)
        else:
            sys.stdout.write(page)
    elif out_file is not None:
        write_output(out_file, render.to_text(result.to_dict(), str(output)))
    else:
        render.emit(result.to_dict(), str(output))


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


# The options of `batch` alone.
BatchInputs = Annotated[
    list[str],
    typer.Argument(
        metavar="INPUT...",
        help="Files, folders, globs, .jsonl(.gz), .csv, .zip, .tar(.gz), .warc(.gz).",
    ),
]
BatchOut = Annotated[Path, typer.Option("--out", "-o", help="results.jsonl or results.sqlite.")]
Concurrency = Annotated[
    int,
    typer.Option(
        "--concurrency", "-c", min=1, help="Articles in flight (the local model runs one)."
    ),
]
Limit = Annotated[int | None, typer.Option("--limit", min=1, help="Stop after N articles.")]
Resume = Annotated[bool, typer.Option("--resume", help="Finish the run already in --out.")]
RetryFailed = Annotated[
    bool,
    typer.Option("--retry-failed", help="Resume, and redo the articles whose records failed."),
]
Shard = Annotated[str | None, typer.Option("--shard", help="Only shard I of N, e.g. 2/4.")]
FailFast = Annotated[bool, typer.Option("--fail-fast", help="Stop at the first failure.")]
TextField = Annotated[str, typer.Option("--text-field", help="JSONL/CSV text field.")]
IdField = Annotated[str, typer.Option("--id-field", help="JSONL/CSV id field.")]
EngineName = Annotated[str, typer.Option("--engine", help="threads, or ray (newsbrief[ray]).")]
Address = Annotated[str | None, typer.Option("--address", help="Ray cluster (default: local).")]
Via = Annotated[str, typer.Option("--via", help="live, or openai-batch (Batch API files).")]
ExportRequests = Annotated[
    Path | None,
    typer.Option("--export-requests", help="Write the Batch API requests here (vllm run-batch)."),
]
ImportResults = Annotated[
    Path | None,
    typer.Option("--import-results", help="Read a batch runner's output for exported requests."),
]
PollInterval = Annotated[float, typer.Option("--poll-interval", min=0, help="Seconds.")]
LearnBoilerplate = Annotated[
    bool,
    typer.Option(
        "--learn-boilerplate",
        help="Read all inputs first to learn the lines each site repeats; remove them.",
    ),
]
BoilerplateFile = Annotated[
    Path | None,
    typer.Option("--boilerplate", help="Start from lines learned before (--save-boilerplate)."),
]
SaveBoilerplate = Annotated[
    Path | None,
    typer.Option("--save-boilerplate", help="Write the lines learned per site to this file."),
]


@app.command(cls=PlainCommand)
@handle_errors
def batch(
    inputs: BatchInputs,
    out: BatchOut,
    model: ModelOption = None,
    prompt: PromptOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    timeout: TimeoutOption = None,
    concurrency: Concurrency = 8,
    limit: Limit = None,
    resume: Resume = False,
    retry_failed: RetryFailed = False,
    shard: Shard = None,
    fail_fast: FailFast = False,
    text_field: TextField = "text",
    id_field: IdField = "id",
    quiet: bool = quiet_option("No progress and no summary."),
    verbose: bool = verbose_option("Name each failed article on stderr as it fails."),
    no_cache: NoCacheOption = False,
    no_log: NoLogOption = False,
    strategy: StrategyOption = None,
    engine: EngineName = "threads",
    address: Address = None,
    via: Via = "live",
    export_requests: ExportRequests = None,
    import_results: ImportResults = None,
    poll_interval: PollInterval = 30.0,
    learn_boilerplate: LearnBoilerplate = False,
    boilerplate_file: BoilerplateFile = None,
    save_boilerplate: SaveBoilerplate = None,
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
    options = RunOptions(
        inputs, out, prompt=prompt, model=model, base_url=base_url, mode=mode, timeout=timeout,
        strategy=strategy, concurrency=concurrency, limit=limit, resume=resume,
        retry_failed=retry_failed, shard=parse_shard(shard) if shard else None,
        fail_fast=fail_fast, cache=not no_cache, log=not no_log, text_field=text_field,
        id_field=id_field, total=None if quiet else expected_total(inputs, limit),
    )  # fmt: skip
    chosen = Engine(engine, address, via, export_requests, import_results, poll_interval)
    learning = Learning(learn_boilerplate, boilerplate_file, save_boilerplate)
    run = prepare_run(options, chosen, learning)  # checked before the progress view starts
    with BatchProgress(quiet=quiet, verbose=verbose) as view:
        counts = run(view.update)
    if view.finish(counts, out):  # interrupted: threads in flight must not hold the exit
        leave_now(130)  # resume redoes their articles
    if counts.exit_code:
        raise typer.Exit(counts.exit_code)


# The options of `eval` and `eval compare`.
Fixtures = Annotated[list[Path], typer.Option("--fixtures", help="Fixture folder (repeatable).")]
Repeats = Annotated[int, typer.Option("--repeats", "-k", min=1, help="Runs per fixture.")]
Replay = Annotated[
    Path | None,
    typer.Option("--replay", help="Re-score this run file's stored outputs; no model is asked."),
]
RunOut = Annotated[
    Path | None,
    typer.Option(
        "--out", "-o", help="Run file to write (default: evals/runs/<prompt>.<model>...)."
    ),
]
Judge = Annotated[
    str | None,
    typer.Option("--judge", help="Also ask this model whether each key fact is in the summary."),
]
ArticlesFrom = Annotated[
    Path | None,
    typer.Option(
        "--articles-from",
        envvar="NEWSBRIEF_ARTICLES_FROM",
        help="Folder holding the articles of external fixture sets (<id>.txt).",
    ),
]
KeepText = Annotated[
    bool,
    typer.Option(
        "--keep-text",
        help="Keep external articles' text and briefs in the run file (local use; never commit).",
    ),
]
Yes = Annotated[
    bool, typer.Option("--yes", "-y", help="Run a full eval on a local model without asking.")
]
RunA = Annotated[
    Path,
    typer.Argument(
        metavar="A",
        help="The baseline run file (A), or `floor` for the no-model floor scored in B.",
    ),
]
RunB = Annotated[Path, typer.Argument(metavar="B", help="The candidate run file (B).")]
Gate = Annotated[
    bool,
    typer.Option(
        "--gate",
        help="Exit 4 when a gated field is worse (95% CI below 0, lower bound beyond -delta) "
        "or a hard gate fails; inconclusive fields do not fail it.",
    ),
]
Delta = Annotated[
    float,
    typer.Option(
        "--delta", min=0, help="Tolerance: a CI within ±delta is no significant difference."
    ),
]
Reports = Annotated[
    list[Path],
    typer.Option(
        "--report", help="Also write a report: out.json, out.md or out.html (repeatable)."
    ),
]
DiffFixtures = Annotated[
    list[Path], typer.Option("--fixtures", help="Fixture folder, for the HTML diffs.")
]
SharedOnly = Annotated[
    bool,
    typer.Option("--shared-only", help="Runs on different fixture sets: compare the shared ones."),
]
DEFAULT_FIXTURES = [Path("evals/fixtures")]


@eval_app.callback(invoke_without_command=True)
@handle_errors
def eval_run(
    ctx: typer.Context,
    prompt: PromptOption = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    repeats: Repeats = 1,
    fixtures: Fixtures = DEFAULT_FIXTURES,
    replay: Replay = None,
    out: RunOut = None,
    no_cache: NoCacheOption = False,
    judge: Judge = None,
    articles_from: ArticlesFrom = None,
    strategy: StrategyOption = None,
    keep_text: KeepText = False,
    output: DataFormatOption = "pretty",
    yes: Yes = False,
    quiet: bool = quiet_option("No line per fixture as it is scored (on stderr)."),
) -> None:
    """Run a prompt over every fixture and score it next to the no-model floor; writes a
    versioned run file. On a local model it asks first (it takes long); --yes skips that."""
    if ctx.invoked_subcommand is not None:
        return
    from . import eval_view
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
        print_json(eval_view.run_digest(run, path))
        return
    console = _stdout()
    console.print(eval_view.side_by_side(run))
    console.print(eval_view.cost_line(run, path))


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


@eval_app.command("compare", cls=PlainCommand)
@handle_errors
def eval_compare(
    run_a: RunA,
    run_b: RunB,
    gate: Gate = False,
    delta: Delta = 0.02,
    report: Reports = [],  # noqa: B006 (typer reads the default; it is never changed)
    fixtures: DiffFixtures = DEFAULT_FIXTURES,
    shared_only: SharedOnly = False,
    output: DataFormatOption = "pretty",
) -> None:
    """B against A per field: deltas, paired bootstrap 95% CIs, flips, verdict, gate.

    Runs made on different fixture sets are refused unless --shared-only.

    Exit codes: 0 (or no --gate); 4 the gate failed; 2 bad input.
    """
    from . import eval_view
    from .errors import EXIT_GATE
    from .evals import compare, runner
    from .evals import report as report_module

    report_module.check_report_paths(report)  # before any work: a typo costs nothing
    a, b = runner.load_pair(run_a, run_b, shared_only=shared_only)
    result = compare.compare(a, b, tolerance=delta)
    if output == DataFormat.json:
        print_json(report_module.to_dict(result))
    # With --format json the table and the lines below go to stderr: stdout is the JSON.
    console = render.console(stderr=True) if output == DataFormat.json else _stdout()
    table = eval_view.comparison_table(result, a, b, delta=delta, shared_only=shared_only)
    eval_view.print_comparison(console, result, table)
    for path in report_module.write_reports(report, result, a, b, fixtures):
        console.print(f"wrote {path}")
    if gate and result.gate_failed:
        raise typer.Exit(EXIT_GATE)


@app.command("clean", cls=PlainCommand)
@handle_errors
def clean_command(
    source: SourceArgument,
    output: str = typer.Option(
        "text",
        "--format",
        "-f",
        metavar="FORMAT",
        callback=choice_of(CleanFormat),
        help="text, json (with the audit) or diff.",
    ),
    out_file: OutputFileOption = None,
    verbose: bool = verbose_option("Also say what was removed, by kind, on stderr."),
) -> None:
    """Print the cleaned article (what the model sees), its audit as JSON, or a diff."""
    article, cleaned = api.clean(source)
    if verbose:
        say(render.removed_line(cleaned))
    if output == CleanFormat.json:
        text = json.dumps(cleaned.to_dict(), indent=2, ensure_ascii=False)
    elif output == CleanFormat.diff:
        text = diff(article.raw, cleaned.text, article.source, cleaned.removed)
    else:
        text = cleaned.text
    if out_file is not None:
        write_output(out_file, text + "\n")
    else:
        typer.echo(text)


@app.command("attributions", cls=PlainCommand)
@handle_errors
def attributions_command(
    source: SourceArgument,
    output: DataFormatOption = "pretty",
    out_file: OutputFileOption = None,
) -> None:
    """Who said, promised or believes what: source, cue and content of every attribution, with
    offsets into the cleaned text (--format json)."""
    from .render import attributions_rich

    _, _, document = api.attributions(source)
    if output == DataFormat.json or out_file is not None:
        text = json.dumps(document, indent=2, ensure_ascii=False)
        if out_file is not None:
            write_output(out_file, text + "\n")
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
    from .brief.llm import embedded_model_path
    from .config import resolve_settings

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
        print_json({
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
    from .brief.prompts import available, load_prompt

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
        print_json(found)
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
    from .brief.prompts import load_prompt
    from .prompt_work import raw_files

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
    from .brief.prompts import load_prompt
    from .prompt_work import diff

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
    write_output(target, batch_page(records, Path(results).name))
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
    out_file: OutputFileOption = None,
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
    from .track import MENTION_DEPTH
    from .track_view import brief_pages, track_page, track_rich

    document = api.track(results, actor=actor, since=since, until=until, similarity=similarity)
    if output == TrackFormat.html or (out_file is not None and out_file.suffix == ".html"):
        page = track_page(document, brief_pages(results))
        if out_file is None:
            typer.echo(page, nl=False)
            return
        write_output(out_file, page)
        typer.echo(
            f"wrote {out_file} ({document['counts']['threads']} threads); open it in a browser"
        )
    elif out_file is not None:
        write_json_output(out_file, document, MENTION_DEPTH)
    elif output == TrackFormat.json:
        sys.stdout.writelines(json_chunks(document, MENTION_DEPTH))
        sys.stdout.write("\n")
    else:
        _stdout().print(track_rich(document))


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
        print_json(found)
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
    from .brief.schemas import export_schema, schema_text

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
    from .log_view import nested, print_runs
    from .store import open_store

    store = open_store()
    try:
        calls = store.calls(count or None, model=model, text=grep, run=run)
    finally:
        store.close()
    if as_json or output == DataFormat.json:  # newest first; each call names its ``run``
        for call in calls:
            typer.echo(json.dumps(nested(call), ensure_ascii=False))
        return
    print_runs(_stdout(), calls)


@logs_app.command("show", cls=PlainCommand)
@handle_errors
def logs_show(
    call_id: int = typer.Argument(..., metavar="ID", help="A call ID from `newsbrief logs`."),
) -> None:
    """Show one logged call: messages, raw reply, parsed result, usage, error."""
    from .errors import UsageError
    from .log_view import nested
    from .store import open_store

    store = open_store()
    try:
        call = store.call(call_id)
    finally:
        store.close()
    if call is None:
        raise UsageError(f"no logged call {call_id}", "list them with `newsbrief logs`")
    typer.echo(json.dumps(nested(call), indent=2, ensure_ascii=False))


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
