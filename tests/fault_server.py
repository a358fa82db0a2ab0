"""A loopback OpenAI chat-completions server that misbehaves on cue.

Each request takes the next scripted action: answer, fail with a status (and headers), drop the
connection, or stall past the client's timeout. With the script empty it answers.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ANSWER = {"summary": "The council approved the bridge."}
TRANSIENT = ("429", "500", "503", "drop")


def auto_reply(request: dict[str, Any]) -> dict[str, Any]:
    """A valid reply to whatever schema the request asks for: first options, empty lists."""
    if "response_format" in request:
        schema = request["response_format"]["json_schema"]["schema"]
    else:
        schema = request["tools"][0]["function"]["parameters"]
    reply: dict[str, Any] = {}
    for name, spec in schema.get("properties", {}).items():
        if "enum" in spec:
            reply[name] = spec["enum"][0]
        elif "const" in spec:
            reply[name] = spec["const"]
        elif spec.get("type") == "array":
            # As few items as the schema allows: the first option when it needs one (brief@4's
            # chosen sentence numbers), else none.
            items = spec.get("items", {})
            first = items.get("enum", [items.get("const")])[0] if spec.get("minItems") else None
            reply[name] = [first] if first is not None else []
        else:
            reply[name] = ANSWER["summary"] if name == "summary" else "x"
    return reply


@dataclass
class Fault:
    kind: str  # "ok", "status", "drop", "stall"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    reply: dict[str, Any] | None = None
    content: str | None = None  # raw reply text instead of a JSON reply (e.g. broken JSON)
    finish_reason: str = "stop"


@dataclass
class FaultServer:
    base_url: str = ""
    script: deque[Fault] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # With no script left: this share of requests gets a random transient fault.
    fault_rate: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    faults: int = 0
    latency: float = 0.0  # seconds before every answer
    # Refuse, as llama.cpp's server words it, requests over this many tokens (4 chars each).
    context_limit: int | None = None

    def overflow(self, request: dict[str, Any]) -> bytes | None:
        if self.context_limit is None:
            return None
        prompt = sum(len(m.get("content") or "") for m in request.get("messages", [])) // 4
        if prompt < self.context_limit:
            return None
        message = (
            f"This model's maximum context length is {self.context_limit} tokens. However, you "
            f"requested {prompt + request.get('max_tokens', 0)} tokens ({prompt} in the messages, "
            f"{request.get('max_tokens', 0)} in the completion). Please reduce the length of the "
            "messages or completion."
        )
        return json.dumps({"error": {"message": message, "type": "invalid_request_error"}}).encode()

    def next_fault(self) -> Fault:
        if self.script:
            return self.script.popleft()
        if self.fault_rate and self.rng.random() < self.fault_rate:
            self.faults += 1
            kind = self.rng.choice(TRANSIENT)
            if kind == "drop":
                return Fault("drop")
            headers = {"Retry-After": "0.01"} if kind == "429" else {}
            return Fault("status", int(kind), headers)
        return Fault("ok")

    def then(self, *faults: Fault) -> FaultServer:
        self.script.extend(faults)
        return self


def _completion(reply: dict[str, Any], content: str | None = None, finish: str = "stop") -> bytes:
    body = {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fault",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": json.dumps(reply) if content is None else content,
                },
                "finish_reason": finish,
            }
        ],
        "usage": {"prompt_tokens": 50, "completion_tokens": 10, "total_tokens": 60},
    }
    return json.dumps(body).encode()


@contextmanager
def fault_server() -> Iterator[FaultServer]:
    state = FaultServer()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One send per response and no Nagle delay: otherwise loopback round trips wait ~40 ms
        # on delayed ACKs, and the server, not newsbrief, dominates the benchmark.
        disable_nagle_algorithm = True
        wbufsize = 1 << 16

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            request = json.loads(self.rfile.read(length) or b"{}")
            state.requests.append(request)
            refused = state.overflow(request)
            fault = Fault("status", 400) if refused else state.next_fault()
            if fault.kind == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if fault.kind == "stall":
                time.sleep(fault.seconds)
            elif state.latency:
                time.sleep(state.latency)
            if fault.kind == "status":
                body = (
                    refused
                    or json.dumps({"error": {"message": f"scripted {fault.status}"}}).encode()
                )
                self.send_response(fault.status)
            else:
                body = _completion(
                    fault.reply or auto_reply(request), fault.content, fault.finish_reason
                )
                self.send_response(200)
            for name, value in fault.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def do_GET(self) -> None:
            """``/requests``: every request body so far (benchmarks replay them raw)."""
            body = json.dumps(state.requests if self.path.endswith("/requests") else []).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 512  # many clients connect at once in the batch benchmark

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":  # a standalone server for benchmarks: prints its base URL
    import argparse

    parser = argparse.ArgumentParser(description="Run the fault server until killed.")
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    with fault_server() as running:
        running.latency = args.latency
        print(running.base_url, flush=True)
        while True:
            time.sleep(3600)
