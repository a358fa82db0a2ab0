"""The records a batch writes, one per article id: the ok record, the failure record, its kind.

Every engine (threads, Ray, provider batch files) makes its records here, so a record means the
same whichever engine wrote it (``version`` is :data:`RECORD_VERSION`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import (
    DuplicateIdError,
    InputError,
    NewsbriefError,
    mask_secrets,
)

if TYPE_CHECKING:
    pass


RECORD_VERSION = 1


def ok_record(item_id: str, result: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The ok record of one article: its brief result (``BriefResult.to_dict()``) and any
    ``extra`` fields of the engine's (what the run learned of the site's boilerplate)."""
    return {"version": RECORD_VERSION, "id": item_id, "status": "ok", **result, **extra}


def failure_record(item_id: str, source: str, exc: BaseException, kind: str) -> dict[str, Any]:
    """The failed record of one article (every engine writes this shape), its message masked."""
    message = str(exc) if isinstance(exc, NewsbriefError) else f"{type(exc).__name__}: {exc}"
    message = mask_secrets(message)
    return {
        "version": RECORD_VERSION,
        "id": item_id,
        "status": "failed",
        "article": {"id": item_id, "source": source},
        "error": {"kind": kind, "type": type(exc).__name__, "message": message},
    }


def duplicate_failure(item_id: str, source: str, first: str) -> dict[str, Any]:
    """The one record of an id that two articles of a run share: a failure naming both
    sources. It replaces whatever was written for the id (see :meth:`Books.write`)."""
    error = DuplicateIdError(
        f"duplicate id {item_id!r}: {first} and {source}",
        "give every article its own id (--id-field); neither was briefed under it",
    )
    return failure_record(item_id, source, error, "input")


def is_duplicate(record: dict[str, Any]) -> bool:
    return record.get("status") == "failed" and record["error"]["type"] == "DuplicateIdError"


def failure_kind(exc: BaseException) -> str:
    """``input`` (the article), ``llm`` (the model or endpoint) or ``internal`` (a bug)."""
    if isinstance(exc, InputError):
        return "input"
    if isinstance(exc, NewsbriefError):
        return "llm"
    return "internal"
