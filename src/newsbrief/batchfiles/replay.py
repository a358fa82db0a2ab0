"""Replaying an article over the replies collected so far (see :mod:`newsbrief.batchfiles`):
the stand-in replies, the replay provider and LLM, and the replayer that turns an article into
its record or the requests it still needs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from .. import api
from ..batch.records import failure_kind, failure_record, ok_record
from ..brief.llm import LLM, CallResult, OpenAIProvider
from ..brief.prompts import Prompt
from ..brief.strategies import Strategy
from ..config import Settings
from ..ingest import Article
from ..retry import RetryPolicy
from ..store import Store

if TYPE_CHECKING:
    from pydantic import BaseModel
from .files import ENDPOINT, body_sha, custom_id
from .state import State

# --- stand-in replies ----------------------------------------------------------------------------


def placeholder(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> Any:
    """The smallest value ``schema`` accepts (first choices, empty lists, required fields)."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return placeholder(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return placeholder(schema[key][0], defs)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = kind[0]
    if kind == "object":
        required = schema.get("required", list(schema.get("properties", {})))
        props = schema.get("properties", {})
        return {name: placeholder(props[name], defs) for name in required if name in props}
    if kind == "array":
        return [placeholder(schema.get("items", {}), defs)] * int(schema.get("minItems", 0))
    if kind == "string":
        return "x" * max(1, int(schema.get("minLength", 1)))
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return None


def _stand_in(kwargs: dict[str, Any]) -> Any:
    """A completion holding the placeholder reply for the request ``kwargs`` (tools mode or a
    response_format schema)."""
    from openai.types.chat import ChatCompletion

    message: dict[str, Any] = {"role": "assistant", "content": None}
    if kwargs.get("tools"):
        function = kwargs["tools"][0]["function"]
        arguments = json.dumps(placeholder(function.get("parameters", {})))
        message["tool_calls"] = [
            {
                "id": "stand-in",
                "type": "function",
                "function": {"name": function["name"], "arguments": arguments},
            }
        ]
    else:
        fmt = kwargs.get("response_format") or {}
        schema = fmt.get("json_schema", {}).get("schema") or fmt.get("schema") or {}
        message["content"] = json.dumps(placeholder(schema))
    return ChatCompletion.model_validate(
        {
            "id": "stand-in",
            "object": "chat.completion",
            "created": 0,
            "model": "stand-in",
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": "tool_calls" if kwargs.get("tools") else "stop",
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }
    )


def _status_error(status: int, message: str) -> Exception:
    """The openai client's exception for an HTTP ``status`` (what the live path would have got),
    so :meth:`LLM._translate` words a batch reply's failure exactly as a live one."""
    import openai

    try:
        import httpx2 as http  # what openai>=3 uses
    except ImportError:  # pragma: no cover - older openai clients
        import httpx as http  # type: ignore[no-redef]
    classes: dict[int, type[openai.APIStatusError]] = {
        400: openai.BadRequestError,
        401: openai.AuthenticationError,
        403: openai.PermissionDeniedError,
        404: openai.NotFoundError,
        409: openai.ConflictError,
        422: openai.UnprocessableEntityError,
        429: openai.RateLimitError,
    }
    cls = classes.get(
        status, openai.InternalServerError if status >= 500 else openai.APIStatusError
    )
    response = http.Response(status, request=http.Request("POST", f"https://batch{ENDPOINT}"))
    return cls(message, response=response, body={"error": {"message": message}})


# --- replaying an article ------------------------------------------------------------------------


@dataclass
class Needed:
    sha: str
    custom_id: str
    article: str
    task: str
    body: dict[str, Any]


@dataclass
class ReplayProvider:
    """A provider that answers from the state's replies; see the module docstring."""

    real: OpenAIProvider
    state: State
    article: str
    task: str = ""
    needed: list[Needed] = field(default_factory=list)
    waiting: set[str] = field(default_factory=set)  # tasks whose replies are not all there

    @property
    def name(self) -> str:
        return self.real.name

    @property
    def mode(self) -> Any:
        return self.real.mode

    @property
    def context_window(self) -> int | None:
        return self.real.context_window

    def count_tokens(self, messages: list[dict[str, str]]) -> int | None:
        return self.real.count_tokens(messages)

    def create(self, **kwargs: Any) -> Any:
        from openai.types.chat import ChatCompletion

        if self.task in self.waiting:  # this request follows a stand-in reply: never sent
            return _stand_in(kwargs)
        body = {"model": self.real.model, **kwargs}
        sha = body_sha(body)
        reply = self.state.reply(sha)
        if reply is None:
            self.needed.append(
                Needed(sha, custom_id(self.article, self.task, sha), self.article, self.task, body)
            )
            self.waiting.add(self.task)
            return _stand_in(kwargs)
        if reply.status == 200 and reply.body is not None:
            return ChatCompletion.model_validate(reply.body)
        raise _status_error(reply.status or 503, reply.message)


class ReplayLLM(LLM):
    """The live :class:`LLM`, told which task each question belongs to, with no transport
    retries (the batch rounds retry instead, without sleeping)."""

    def extract(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        **options: Any,
    ) -> CallResult:
        cast(ReplayProvider, self.provider).task = str(
            (options.get("context") or {}).get("task", "")
        )
        return super().extract(messages, response_model, **options)


class _Deferred:
    """The store as a replay sees it: reads go through; the cache entry and the run-log records
    are kept back until the replay is known to rest on real replies only."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        self.puts: list[tuple[str, dict[str, Any]]] = []
        self.calls: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def cache_put(self, key: str, value: dict[str, Any]) -> None:
        self.puts.append((key, value))

    def log_call(self, record: dict[str, Any]) -> int:
        self.calls.append(record)
        return 0

    def commit(self) -> None:
        if self.store is None:
            return
        for key, value in self.puts:
            self.store.cache_put(key, value)
        for record in self.calls:
            self.store.log_call(record)


@dataclass
class Replayer:
    settings: Settings
    prompt: Prompt
    strategy: Strategy
    real: OpenAIProvider
    state: State
    store: Store | None
    cache: bool
    log: bool

    @property
    def identity(self) -> str:
        return api.LazyLLM(self.settings).identity

    def __call__(self, article: Article) -> tuple[dict[str, Any] | None, list[Needed]]:
        """(the article's record, []) when every reply it needs is there, else (None, the
        requests still to send)."""
        provider = ReplayProvider(self.real, self.state, article.id)
        llm = ReplayLLM(
            cast(Any, provider),
            retry=RetryPolicy(attempts=1),
            reask_tokens=self.settings.reask_tokens,
        )
        deferred = _Deferred(self.store)
        try:
            result = api.summarize_article(
                article,
                prompt=self.prompt,
                strategy=self.strategy,
                identity=self.identity,
                make=lambda: llm,
                store=cast(Store, deferred) if self.store else None,
                cache=self.cache,
                log=self.log,
            )
        except Exception as exc:
            if provider.needed:
                return None, provider.needed
            return failure_record(article.id, article.source, exc, failure_kind(exc)), []
        if provider.needed:
            return None, provider.needed
        deferred.commit()
        return ok_record(article.id, result.to_dict()), []
