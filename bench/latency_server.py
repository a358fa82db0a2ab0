"""A lean loopback OpenAI-compatible server for throughput benchmarks: asyncio, keep-alive,
every answer after a fixed latency. The test fault server (a thread per connection) spends
more CPU per request than the client it measures on a 2-core machine; this one spends little.

    python bench/latency_server.py --latency 0.2     # prints its base URL, serves until killed

``GET /v1/requests`` returns every request body so far (the benchmark replays them raw).
``running()`` starts it from another script; ``requests_seen()`` reads that list.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fault_server import _completion, auto_reply


@contextmanager
def running(latency: float = 0.0) -> Iterator[str]:
    """This server in a process of its own; yields its base URL, stops it on the way out."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--latency", str(latency)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait()


def requests_seen(base_url: str) -> list[dict[str, object]]:
    """Every request body the server at ``base_url`` has received, in order."""
    with urllib.request.urlopen(f"{base_url}/requests") as response:
        return list(json.loads(response.read()))


async def serve(latency: float) -> None:
    requests: list[dict[str, object]] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path = lines[0].split(" ")[:2]
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                body = await reader.readexactly(length) if length else b""
                if method == "POST":
                    request = json.loads(body)
                    requests.append(request)
                    await asyncio.sleep(latency)
                    payload = _completion(auto_reply(request))
                else:
                    payload = json.dumps(requests if path.endswith("/requests") else []).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(payload), payload)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(f"http://127.0.0.1:{port}/v1", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Serve until killed.")
    parser.add_argument("--latency", type=float, default=0.0)
    asyncio.run(serve(parser.parse_args().latency))
