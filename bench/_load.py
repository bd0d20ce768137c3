"""A small closed-loop load generator: N clients on keep-alive connections, for D seconds."""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Request = Callable[[int, int], tuple[str, str, bytes | None, dict[str, str]]]


@dataclass
class Result:
    """Throughput and latency of one measured run."""

    name: str
    count: int
    errors: int
    seconds: float
    latencies: list[float] = field(repr=False)

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


def run(name: str, port: int, request: Request, clients: int = 16, seconds: float = 5.0,
        expect: int = 200, limit_per_client: int | None = None) -> Result:
    """Run ``clients`` threads sending ``request(client, n)`` until time or the limit runs out."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    deadline = time.perf_counter() + seconds
    start_gate = threading.Barrier(clients + 1)

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start_gate.wait()
        n = 0
        while time.perf_counter() < deadline and (limit_per_client is None
                                                  or n < limit_per_client):
            method, path, body, headers = request(index, n)
            began = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == expect
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            latencies[index].append(time.perf_counter() - began)
            errors[index] += 0 if ok else 1
            n += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start_gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = [x for per in latencies for x in per]
    return Result(name, len(flat), sum(errors), elapsed, flat)


def post_json(port: int, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    """POST JSON once and return the decoded answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", path, body=json.dumps(body),
                       headers={"Content-Type": "application/json", **(headers or {})})
    response = connection.getresponse()
    data = json.loads(response.read())
    connection.close()
    return data


def median(values: list[float]) -> float:
    """Return the median."""
    return statistics.median(values)
