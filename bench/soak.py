"""Soak: 200 simulated people walk the flow against gunicorn for 60 s; errors, p50 and p99.

Each person starts a conversation, thinks over each step for a moment (now and then reloading
it), answers it from the step's own field descriptions (fixing what a 422 names; the answer
returns the next step, as the widget uses it), and at the end reviews the answers,
lists and downloads a document, exports and erases everything; then starts again until time
is up. Every person comes from an address of their own (X-Forwarded-For, one trusted proxy),
so the default per-client rate limit is in force as in production. Everything stays on the
loopback interface; every loop is bounded; the server is stopped at the end.

    .venv/bin/python bench/soak.py [--people 200] [--seconds 60] [--database-url URL]

An error is a 5xx, a 429, a refused or broken connection, or any status the walk did not
expect; the target is 0. Latencies are measured at the client, per request.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PATTERN_SAMPLES = ("1234", "12345", "AB12", "ABC-123", "A", "2025", "user-1")
RETRIES = 4  # a 422 is answered at most this many times before the person gives up
RELOADS = 0.1  # share of steps a person reloads before answering (the answer returns the next)


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Tally:
    """What every simulated person saw, kept under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    completed: int = 0
    stuck: int = 0

    def note(self, kind: str, seconds: float, status: int) -> None:
        """Record one request."""
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            self.statuses[status] += 1

    def error(self, what: str) -> None:
        """Record one error."""
        with self.lock:
            self.errors[what] += 1


class Person:
    """One simulated person on one keep-alive connection, from an address of their own."""

    def __init__(self, number: int, port: int, tally: Tally, deadline: float,
                 think: tuple[float, float]) -> None:
        self.port, self.tally, self.deadline, self.pause = port, tally, deadline, think
        self.rng = random.Random(number)
        self.address = f"10.{number // 250}.{number % 250}.{self.rng.randint(1, 250)}"
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.token = ""

    def request(self, kind: str, method: str, path: str, body: Any = None,
                expect: tuple[int, ...] = (200,)) -> tuple[int, Any]:
        """Send one request; record its latency; count anything unexpected as an error."""
        headers = {"X-Forwarded-For": self.address}
        data = None if body is None else json.dumps(body).encode()
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        began = time.perf_counter()
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.tally.error(f"{kind}: {type(exc).__name__}")
            return 0, None
        self.tally.note(kind, time.perf_counter() - began, response.status)
        if response.status not in expect:
            self.tally.error(f"{kind}: HTTP {response.status}")
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return response.status, json.loads(raw) if is_json and raw else raw

    def think(self) -> None:
        """Pause as a person reading a step would (bounded by the deadline)."""
        time.sleep(max(0.0, min(self.rng.uniform(*self.pause), self.deadline - time.monotonic())))

    def live(self) -> None:
        """Walk conversations one after another until time is up."""
        while time.monotonic() < self.deadline:
            self.token = ""
            status, step = self.request("start", "POST", "/api/v1/conversations", {},
                                        expect=(201,))
            if status != 201:
                self.think()
                continue
            self.token = step.pop("token")
            if self.walk(step):
                self.finish(step["id"])
        self.connection.close()

    def walk(self, step: dict[str, Any]) -> bool:
        """Answer every step; return True when the conversation is complete."""
        base = f"/api/v1/conversations/{step['id']}"
        for _ in range(200):  # far more steps than any flow has
            if step["status"] == "complete":
                return True
            self.think()
            if time.monotonic() >= self.deadline:
                return False
            if self.rng.random() < RELOADS:
                self.request("read", "GET", base)
            step = self.answer(base, step)
            if not step:
                return False
        return False

    def answer(self, base: str, step: dict[str, Any]) -> dict[str, Any] | None:
        """Answer one step, correcting the fields a 422 names; return the next step."""
        fields = {f["name"]: f for f in step["fields"]}
        answers = {n: value(f, self.rng) for n, f in fields.items()
                   if f["type"] != "file" and (f["required"] or self.rng.random() < 0.7)}
        for attempt in range(RETRIES):
            status, body = self.request("answer", "POST", base + "/answers", {
                "state": step["state"], "version": step["version"], "answers": answers},
                expect=(200, 422))
            if status == 200:
                return dict(body)
            if status != 422:
                return None
            for name in body.get("errors", {}):
                if name in fields and (fields[name]["required"] or attempt < 2):
                    answers[name] = value(fields[name], self.rng)
                else:
                    answers.pop(name, None)
        with self.tally.lock:
            self.tally.stuck += 1
        return None

    def finish(self, conversation_id: str) -> None:
        """Review, list and fetch a document, export, then erase everything."""
        base = f"/api/v1/conversations/{conversation_id}"
        self.request("review", "GET", base + "/answers")
        _, documents = self.request("documents", "GET", base + "/documents")
        ready = [d for d in documents if d.get("ready")] if isinstance(documents, list) else []
        if ready:
            self.request("document", "GET", ready[0]["urls"]["txt"])
        self.request("export", "GET", base + "/export")
        self.request("erase", "DELETE", base, expect=(204,))
        with self.tally.lock:
            self.tally.completed += 1


def value(spec: dict[str, Any], rng: random.Random) -> Any:
    """Return a plausible answer to a described field."""
    kind, choices = spec["type"], [c["value"] for c in spec.get("choices", [])]
    low, high = spec.get("min"), spec.get("max")
    if kind == "choice":
        return rng.choice(choices)
    if kind == "multichoice":
        return rng.sample(choices, rng.randint(1, len(choices)))
    if kind in ("boolean",):
        return rng.random() < 0.5
    if kind == "acknowledge":
        return True
    if kind in ("money", "decimal"):
        floor = Decimal(str(low)) if low is not None else Decimal(0)
        ceiling = Decimal(str(high)) if high is not None else floor + 100000
        return str((floor + (ceiling - floor) * Decimal(rng.randint(1, 999)) / 1000)
                   .quantize(Decimal("0.01")))
    if kind == "integer":
        return rng.randint(int(low) if low is not None else 1, int(high) if high else 12)
    if kind == "date":
        return str(low) if low is not None and rng.random() < 0.5 else "2025-07-03"
    if kind == "datetime":
        return "2025-07-03T14:00:00Z"
    if kind == "email":
        return f"person{rng.randint(1, 9999)}@example.com"
    if spec.get("pattern"):
        fits = [s for s in PATTERN_SAMPLES if re.fullmatch(spec["pattern"], s)]
        return rng.choice(fits) if fits else PATTERN_SAMPLES[0]
    return rng.choice(["We lost most of it on one trade.", "Coinbase", "My partner",
                       "It started in March and got worse."])[:spec.get("max_length") or 500]


def serve(port: int, database_url: str, workers: int, folder: Path) -> subprocess.Popen[bytes]:
    """Start ``bearings serve`` on the loopback interface; wait until it is ready."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEARINGS_")}
    env.update(BEARINGS_DATABASE_URL=database_url, BEARINGS_INSTANCE_PATH=str(folder),
               BEARINGS_TRUSTED_PROXIES="1", BEARINGS_LOG_LEVEL="warning")
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port",
         str(port), "--workers", str(workers)], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=(folder / "server.log").open("wb"))
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit("the server exited: see " + str(folder / "server.log"))
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise SystemExit("the server never became ready")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and its workers."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def quantile(values: list[float], q: float) -> float:
    """Return the q-quantile in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def report(tally: Tally, seconds: float, people: int, database: str) -> dict[str, Any]:
    """Print the figures and return them."""
    every = [x for values in tally.latencies.values() for x in values]
    print(f"soak: {people} people for {seconds:.0f} s on {database}: {len(every)} requests "
          f"({len(every) / seconds:.0f}/s), {tally.completed} conversations completed, "
          f"{tally.stuck} stuck on a 422")
    print(f"{'request':<10} {'count':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for kind, values in sorted(tally.latencies.items()):
        print(f"{kind:<10} {len(values):>7} {quantile(values, .5):>8.1f} "
              f"{quantile(values, .99):>8.1f}")
    print(f"{'all':<10} {len(every):>7} {quantile(every, .5):>8.1f} {quantile(every, .99):>8.1f}")
    print(f"statuses: {dict(sorted(tally.statuses.items()))}")
    print(f"errors: {sum(tally.errors.values())} {dict(tally.errors) or ''}")
    return {"people": people, "seconds": seconds, "database": database,
            "requests": len(every), "completed": tally.completed, "stuck": tally.stuck,
            "errors": sum(tally.errors.values()), "p50_ms": round(quantile(every, .5), 1),
            "p99_ms": round(quantile(every, .99), 1)}


def main() -> int:
    """Run the soak; exit 1 when any error was seen."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 2.0),
                        metavar=("MIN", "MAX"), help="seconds a person reads each step")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'soak.db'}"
        port = free_port()
        server = serve(port, url, args.workers, Path(folder))
        tally = Tally()
        began = time.monotonic()
        deadline = began + args.seconds
        crowd = [threading.Thread(target=Person(n, port, tally, deadline, args.think).live,
                                  daemon=True) for n in range(args.people)]
        try:
            for person in crowd:
                person.start()
            for person in crowd:
                person.join(timeout=max(1.0, deadline - time.monotonic() + 90))
        finally:
            stop(server)
        figures = report(tally, time.monotonic() - began, args.people, url.split(":")[0])
    print(json.dumps(figures))
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
