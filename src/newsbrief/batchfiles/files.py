"""The Batch API's file format: its limits, request lines and their custom ids, and reading a
request file back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    pass

# The Batch API's limits on one input file (OpenAI's documentation, "Batch API", rate limits).
MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024
ENDPOINT: Literal["/v1/chat/completions"] = "/v1/chat/completions"
TERMINAL = frozenset({"completed", "expired", "failed", "cancelled"})
# Replies worth asking for again: the provider was busy or failing, not the request wrong.
TRANSIENT = frozenset({408, 409, 429, 500, 502, 503, 504})


def body_sha(body: dict[str, Any]) -> str:
    """The identity of a request: its canonical JSON."""
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def custom_id(article_id: str, task: str, sha: str) -> str:
    """What the Batch API's ``custom_id`` carries: the article, the task, and the request's
    own hash (unique per file; the article id is cut at 200 characters)."""
    return f"{article_id[:200]}|{task}|{sha[:16]}"


def request_line(cid: str, body: dict[str, Any]) -> str:
    """One line of a Batch API input file (the documented fields, nothing else)."""
    return json.dumps(
        {"custom_id": cid, "method": "POST", "url": ENDPOINT, "body": body}, ensure_ascii=False
    )


def iter_requests(path: Path) -> Iterator[dict[str, Any]]:
    """The requests of a batch input file, as written (for checks and tests)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
