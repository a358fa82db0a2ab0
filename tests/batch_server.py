"""A loopback server for OpenAI's Files and Batch APIs, enough of them for newsbrief's batch files.

``POST /v1/files`` (multipart upload), ``GET /v1/files/{id}`` and ``/v1/files/{id}/content``;
``POST /v1/batches``, ``GET /v1/batches`` (list), ``GET /v1/batches/{id}``,
``POST /v1/batches/{id}/cancel``. A batch moves on one step per retrieve (validating,
in_progress, then its end after ``polls`` retrieves), so a client has to poll. Each input line is
checked against the documented request fields (``custom_id``, ``method``, ``url``, ``body``), the
file against the limits; a file that breaks them fails the batch, as the real API does, and the
problems are kept in ``invalid`` for the tests to assert on.

Answers come from ``answer(custom_id, body)`` (default: a valid reply to the schema asked for, as
the fault server gives); ``expire_after``: the next batch expires after answering that many
requests, the rest going to the error file as ``batch_expired``.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .fault_server import _completion, auto_reply

ENDPOINT = "/v1/chat/completions"
Answer = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]] | None]


@dataclass
class BatchServer:
    base_url: str = ""
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    answer: Answer | None = None
    polls: int = 2  # retrieves a batch spends in_progress before it ends
    expire_after: int | None = None  # the next batch expires after answering this many
    max_requests: int = 50_000
    max_bytes: int = 200 * 1024 * 1024
    invalid: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)  # custom_ids, every time one is answered
    calls: list[str] = field(default_factory=list)  # "METHOD path" of every request
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: Iterator[int] = field(default_factory=itertools.count)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self.ids):06d}"

    def add_file(self, content: bytes, filename: str, purpose: str) -> dict[str, Any]:
        file_id = self.new_id("file")
        self.files[file_id] = {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": int(time.time()),
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
            "content": content,
        }
        return self.files[file_id]

    def input_lines(self, batch: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The batch's requests, or None (and the reasons in ``invalid``) when the file breaks
        the documented format or the limits."""
        content = self.files[batch["input_file_id"]]["content"]
        problems: list[str] = []
        lines = [line for line in content.decode("utf-8").splitlines() if line.strip()]
        if len(lines) > self.max_requests:
            problems.append(f"{len(lines)} requests, over {self.max_requests}")
        if len(content) > self.max_bytes:
            problems.append(f"{len(content)} bytes, over {self.max_bytes}")
        requests, seen, models = [], set(), set()
        for number, line in enumerate(lines, start=1):
            request = json.loads(line)
            if set(request) != {"custom_id", "method", "url", "body"}:
                problems.append(f"line {number}: fields {sorted(request)}")
                continue
            if request["method"] != "POST" or request["url"] != batch["endpoint"]:
                problems.append(f"line {number}: {request['method']} {request['url']}")
            if not isinstance(request["custom_id"], str) or request["custom_id"] in seen:
                problems.append(f"line {number}: custom_id {request['custom_id']!r} repeated")
            if not isinstance(request["body"], dict) or "messages" not in request["body"]:
                problems.append(f"line {number}: body without messages")
            seen.add(request["custom_id"])
            models.add(request["body"].get("model"))
            requests.append(request)
        if len(models) > 1 or None in models:
            problems.append(f"models {sorted(map(str, models))}: one model per file")
        if problems:
            self.invalid.extend(problems)
            return None
        return requests

    def finish(self, batch: dict[str, Any], status: str) -> None:
        """Answer the batch's requests and write its output and error files."""
        requests = self.input_lines(batch)
        if requests is None:
            batch.update(
                status="failed",
                failed_at=int(time.time()),
                errors={
                    "object": "list",
                    "data": [{"code": "invalid_request", "message": "bad file"}],
                },
            )
            return
        output, errors = [], []
        budget = {"expired": self.expire_after or 0, "cancelled": 0}.get(status, len(requests))
        for number, request in enumerate(requests):
            cid = request["custom_id"]
            line: dict[str, Any] = {"id": self.new_id("batch_req"), "custom_id": cid}
            if status == "cancelled":
                continue  # cancelled before it got to them: no line at all
            if number >= budget:
                line.update(
                    response=None,
                    error={
                        "code": "batch_expired",
                        "message": "This request could not be executed before the completion "
                        "window expired.",
                    },
                )
                errors.append(line)
                continue
            self.answered.append(cid)
            scripted = self.answer(cid, request["body"]) if self.answer else None
            status_code, body = scripted or (
                200,
                completion(request["body"], auto_reply(request["body"])),
            )
            line.update(
                response={"status_code": status_code, "request_id": cid, "body": body}, error=None
            )
            (output if status_code == 200 else errors).append(line)
        for kind, lines in (("output_file_id", output), ("error_file_id", errors)):
            if lines:
                text = "".join(json.dumps(line) + "\n" for line in lines).encode()
                batch[kind] = self.add_file(text, f"{batch['id']}_{kind}.jsonl", "batch_output")[
                    "id"
                ]
        counts = {"total": len(requests), "completed": len(output), "failed": len(errors)}
        batch.update(status=status, request_counts=counts, **{f"{status}_at": int(time.time())})

    def advance(self, batch: dict[str, Any]) -> None:
        if batch["status"] == "validating":
            batch["status"] = "in_progress"
            batch["in_progress_at"] = int(time.time())
        elif batch["status"] == "in_progress":
            batch["_polls"] += 1
            if batch["_polls"] >= self.polls:
                expire = self.expire_after is not None
                self.finish(batch, "expired" if expire else "completed")
                self.expire_after = None if expire else self.expire_after
        elif batch["status"] == "cancelling":
            self.finish(batch, "cancelled")

    @staticmethod
    def public(batch: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in batch.items() if not k.startswith("_")}


def completion(request: dict[str, Any], reply: dict[str, Any] | str) -> dict[str, Any]:
    """A chat completion answering ``request`` with ``reply`` (a tool call in tools mode)."""
    text = reply if isinstance(reply, str) else json.dumps(reply)
    body: dict[str, Any] = json.loads(_completion({}, content=text))
    if request.get("tools"):
        message = body["choices"][0]["message"]
        name = request["tools"][0]["function"]["name"]
        message.update(
            content=None,
            tool_calls=[
                {"id": "call_0", "type": "function", "function": {"name": name, "arguments": text}}
            ],
        )
        body["choices"][0]["finish_reason"] = "tool_calls"
    return body


def _multipart(content_type: str, data: bytes) -> dict[str, tuple[str | None, bytes]]:
    """The parts of a multipart/form-data body: name -> (filename, bytes)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + data)
    parts: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        parts[str(name)] = (part.get_filename(), payload)
    return parts


@contextmanager
def batch_server() -> Iterator[BatchServer]:
    state = BatchServer()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def reply(self, status: int, body: Any, raw: bytes | None = None) -> None:
            data = raw if raw is not None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def not_found(self) -> None:
            self.reply(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            data = self.rfile.read(length)
            path = self.path.split("?", 1)[0].removeprefix("/v1")
            with state.lock:
                state.calls.append(f"POST {path}")
                if path == "/files":
                    parts = _multipart(self.headers["Content-Type"], data)
                    filename, content = parts["file"]
                    made = state.add_file(
                        content, filename or "upload", parts["purpose"][1].decode()
                    )
                    self.reply(200, {k: v for k, v in made.items() if k != "content"})
                elif path == "/batches":
                    request = json.loads(data)
                    if request.get("input_file_id") not in state.files:
                        self.reply(400, {"error": {"message": "no such input file"}})
                        return
                    batch_id = state.new_id("batch")
                    state.batches[batch_id] = {
                        "id": batch_id,
                        "object": "batch",
                        "endpoint": request["endpoint"],
                        "input_file_id": request["input_file_id"],
                        "completion_window": request["completion_window"],
                        "status": "validating",
                        "created_at": int(time.time()),
                        "output_file_id": None,
                        "error_file_id": None,
                        "errors": None,
                        "metadata": request.get("metadata"),
                        "_polls": 0,
                        "request_counts": {"total": 0, "completed": 0, "failed": 0},
                    }
                    self.reply(200, state.public(state.batches[batch_id]))
                elif path.startswith("/batches/") and path.endswith("/cancel"):
                    batch = state.batches.get(path.split("/")[2])
                    if batch is None:
                        self.not_found()
                        return
                    if batch["status"] in ("validating", "in_progress"):
                        batch["status"] = "cancelling"
                    self.reply(200, state.public(batch))
                else:
                    self.not_found()

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0].removeprefix("/v1")
            with state.lock:
                state.calls.append(f"GET {path}")
                parts = path.strip("/").split("/")
                if parts == ["batches"]:
                    data = [state.public(b) for b in reversed(state.batches.values())]
                    self.reply(200, {"object": "list", "data": data, "has_more": False})
                elif len(parts) == 2 and parts[0] == "batches" and parts[1] in state.batches:
                    batch = state.batches[parts[1]]
                    state.advance(batch)
                    self.reply(200, state.public(batch))
                elif parts[0] == "files" and len(parts) >= 2 and parts[1] in state.files:
                    found = state.files[parts[1]]
                    if parts[-1] == "content":
                        self.reply(200, None, raw=found["content"])
                    else:
                        self.reply(200, {k: v for k, v in found.items() if k != "content"})
                else:
                    self.not_found()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":  # a standalone server for trying `--via openai-batch` by hand
    import argparse

    parser = argparse.ArgumentParser(description="Run the Batch API server until killed.")
    parser.add_argument("--polls", type=int, default=2, help="retrieves before a batch ends")
    args = parser.parse_args()
    with batch_server() as running:
        running.polls = args.polls
        print(running.base_url, flush=True)
        while True:
            time.sleep(3600)
