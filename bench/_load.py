"""A lean closed-loop load generator: N keep-alive clients multiplexed on one thread.

One thread and a selector drive every connection, so the client costs little CPU on a machine
it shares with the server and adds no thread-switching delay of its own to the latencies: a
latency is the time from sending a request to having its whole response. The same client
measures the baseline and every operation.
"""

from __future__ import annotations

import http.client
import json
import selectors
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: ``request(client, n)`` returns the client's n-th request, or None when it has no more.
Request = Callable[[int, int], tuple[str, str, bytes | None, dict[str, str]] | None]


@dataclass
class Result:
    """Throughput and latency of one measured run."""

    name: str
    count: int
    errors: int
    seconds: float
    latencies: list[float] = field(repr=False)

    def __add__(self, other: Result) -> Result:
        """Return the two runs as one (counts, times and latencies together)."""
        return Result(self.name, self.count + other.count, self.errors + other.errors,
                      self.seconds + other.seconds, self.latencies + other.latencies)

    @property
    def rate(self) -> float:
        """Return requests per second."""
        return self.count / self.seconds

    def pct(self, q: float) -> float:
        """Return the q-quantile latency in milliseconds."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def line(self) -> str:
        """Return a one-line summary."""
        return (f"{self.name:<24} {self.rate:8.0f} req/s  p50 {self.pct(0.5):6.1f} ms  "
                f"p99 {self.pct(0.99):6.1f} ms  errors {self.errors}")


def encode(port: int, method: str, path: str, body: bytes | None,
           headers: dict[str, str]) -> bytes:
    """Return one HTTP/1.1 keep-alive request as bytes."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body or b'')}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


class _Client:
    """One connection: the request in flight and the bytes of its response so far."""

    def __init__(self, index: int, port: int) -> None:
        self.index, self.port, self.sent = index, port, 0
        self.sock = self.connect()
        self.buffer = b""
        self.began = 0.0

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        return sock

    def response(self) -> tuple[int, bool] | None:
        """Return (status, keep-alive) once the whole response is in, else None."""
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        head = self.buffer[:head_end].decode("latin-1").split("\r\n")
        fields = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
        length = int(fields.get("content-length", "0"))
        if len(self.buffer) < head_end + 4 + length:
            return None
        self.buffer = self.buffer[head_end + 4 + length:]
        return int(head[0].split()[1]), fields.get("connection", "").lower() != "close"


def run(name: str, port: int, request: Request, clients: int = 16, seconds: float = 5.0,
        expect: int = 200, limit_per_client: int | None = None) -> Result:
    """Keep ``clients`` connections busy with ``request(client, n)`` for ``seconds``."""
    selector = selectors.DefaultSelector()
    pool = [_Client(i, port) for i in range(clients)]
    latencies: list[float] = []
    errors = 0
    began = time.perf_counter()
    deadline = began + seconds

    def send(client: _Client) -> bool:
        if time.perf_counter() >= deadline or (
                limit_per_client is not None and client.sent >= limit_per_client):
            return False
        made = request(client.index, client.sent)
        if made is None:
            return False
        method, path, body, headers = made
        client.sent += 1
        client.began = time.perf_counter()
        client.sock.setblocking(True)
        client.sock.sendall(encode(port, method, path, body, headers))
        client.sock.setblocking(False)
        return True

    active = 0
    for client in pool:
        if send(client):
            selector.register(client.sock, selectors.EVENT_READ, client)
            active += 1
    while active:
        for key, _ in selector.select(timeout=30):
            client = key.data
            try:
                chunk = client.sock.recv(262144)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                chunk = b""
            if not chunk:  # the server closed the connection: count it, reconnect
                errors += 1
                latencies.append(time.perf_counter() - client.began)
                selector.unregister(client.sock)
                client.sock.close()
                client.sock, client.buffer = client.connect(), b""
                selector.register(client.sock, selectors.EVENT_READ, client)
                if not send(client):
                    selector.unregister(client.sock)
                    active -= 1
                continue
            client.buffer += chunk
            done = client.response()
            if done is None:
                continue
            latencies.append(time.perf_counter() - client.began)
            status, keep = done
            errors += status != expect
            if not keep:
                selector.unregister(client.sock)
                client.sock.close()
                client.sock, client.buffer = client.connect(), b""
                selector.register(client.sock, selectors.EVENT_READ, client)
            if not send(client):
                selector.unregister(client.sock)
                active -= 1
    elapsed = time.perf_counter() - began
    return _closed(pool, selector, Result(name, len(latencies), errors, elapsed, latencies))


def _closed(pool: list[_Client], selector: selectors.BaseSelector, result: Result) -> Result:
    """Close every connection and the selector; return ``result``."""
    for client in pool:
        client.sock.close()
    selector.close()
    return result


def alternate(port: int, base: Request, operation: Request, name: str, seconds: float,
              clients: int = 16, expect: int = 200, slice_seconds: float = 0.5,
              ) -> tuple[Result, Result]:
    """Measure ``base`` and ``operation`` in alternating slices; return both, summed.

    Background load on a shared machine drifts over seconds; slices of half a second each
    put the baseline and the operation under the same drift, so their ratio stays fair.
    """
    first, second = Result("/healthz (baseline)", 0, 0, 0.0, []), Result(name, 0, 0, 0.0, [])
    spent = 0.0
    while spent < seconds:
        first += run(first.name, port, base, clients, slice_seconds)
        done = run(name, port, operation, clients, slice_seconds, expect=expect)
        second += done
        spent += slice_seconds
        if done.count == 0:
            break
    return first, second


def post_json(port: int, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    """POST JSON once and return the decoded answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", path, body=json.dumps(body),
                       headers={"Content-Type": "application/json", **(headers or {})})
    response = connection.getresponse()
    data = json.loads(response.read())
    connection.close()
    return data
