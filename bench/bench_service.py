"""Service speed under gunicorn (2 workers, 16 clients), each figure a ratio to /healthz.

Targets: reading a step >= 50% of /healthz throughput, p99 < 50 ms; answering a step >= 25%,
p99 < 100 ms; starting a conversation >= 25%, p99 < 50 ms; worker start-up < 1 s; memory per
worker < 150 MB after 10,000 conversations.

A worker's start-up is measured as gunicorn starts one: every worker is killed and the time
is taken until the service answers again (the master forks new workers, each builds its app).
The baseline is a bare Flask app served by the same gunicorn settings. The cold start of the
app in a fresh interpreter, imports included, is printed beside it for context.

The load comes from one thread multiplexing 16 keep-alive connections (bench/_load.py), the
same client for /healthz and for every operation, so that the client takes little of the two
cores it shares with the server and adds no queueing of its own to the latencies. Each
operation alternates with /healthz in half-second slices, so that both see the same
background load and each ratio is to the baseline measured beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _load import Result, alternate, post_json, run  # noqa: E402
from _targets import record  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
BEARINGS = ROOT / ".venv" / "bin" / "bearings"
JSON = {"Content-Type": "application/json"}
ANSWER = {"situation": "partner", "funding": ["heloc"]}


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    """Return once /healthz answers on ``port``; stop ``server`` if it never does."""
    for _ in range(400):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit("the server did not start (run `bearings serve` by hand to see why)")


def start_server(port: int, instance: str, database: str | None) -> subprocess.Popen[bytes]:
    """Start `bearings serve` with 2 workers; return once /healthz answers."""
    env = {**os.environ, "BEARINGS_INSTANCE_PATH": instance, "BEARINGS_RATE_LIMIT": "off"}
    if database:
        env["BEARINGS_DATABASE_URL"] = database
    server = subprocess.Popen([str(BEARINGS), "serve", "--port", str(port), "--workers", "2"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, server)
    return server


def workers(server: subprocess.Popen[bytes]) -> list[int]:
    """Return the pids of the gunicorn master's workers."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def respawn_seconds(port: int, server: subprocess.Popen[bytes], runs: int = 5) -> float:
    """Kill every worker at once; return the median time until /healthz answers again.

    The request waits in the listening socket's queue (the master holds the socket) until a
    new worker has forked and built its app; a connection a dying worker had taken is retried.
    """
    times = []
    for _ in range(runs):
        killed = workers(server)
        began = time.perf_counter()
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30):
                    break
            except OSError:
                time.sleep(0.001)
        times.append(time.perf_counter() - began)
        for _ in range(200):  # let both new workers finish booting before the next round
            now = workers(server)
            if len(now) == len(killed) and not set(now) & set(killed):
                break
            time.sleep(0.05)
        time.sleep(1.0)
    return statistics.median(times)


def bare_respawn_seconds() -> float:
    """Return the respawn time of a bare Flask app under the same gunicorn settings."""
    port = free_port()
    server = subprocess.Popen([str(PYTHON), str(Path(__file__).parent / "_bare_server.py"),
                               str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_for(port, server)
        time.sleep(1.0)
        return respawn_seconds(port, server)
    finally:
        server.terminate()
        server.wait(timeout=20)


def worker_rss_mb(server: subprocess.Popen[bytes]) -> list[float]:
    """Return the resident memory of each gunicorn worker, in MB."""
    sizes = []
    for pid in workers(server):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


_STARTUP = """
import sys, time
began = time.perf_counter()
{body}
print(time.perf_counter() - began)
"""
_WORKER = ("from service import create_app\n"
           "create_app({{'INSTANCE_PATH': {instance!r}, 'RATE_LIMIT': 'off', "
           "'AUTO_MIGRATE': False, 'SECRET_KEY': 'bench'}})")
_FLASK = "from flask import Flask, jsonify\napp = Flask('bare')\napp.route('/')(jsonify)"


def startup_seconds(body: str, runs: int = 3) -> float:
    """Return the median time to run ``body`` in a fresh interpreter (imports included)."""
    times = []
    for _ in range(runs):
        out = subprocess.run([str(PYTHON), "-c", _STARTUP.format(body=body)],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def worker_startup(instance: str) -> tuple[float, float]:
    """Return (create_app as a worker does it, a bare Flask app) in fresh interpreters.

    A worker does not migrate (`bearings serve` migrates once before forking), so the
    database is migrated first and the worker's create_app runs with AUTO_MIGRATE off.
    """
    subprocess.run([str(PYTHON), "-c", "from service import create_app; "
                    f"create_app({{'INSTANCE_PATH': {instance!r}, 'RATE_LIMIT': 'off'}})"],
                   check=True, cwd=ROOT, capture_output=True)
    return (startup_seconds(_WORKER.format(instance=instance)), startup_seconds(_FLASK))


def main() -> int:
    """Run the service benchmark and print every figure with its target."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--conversations", type=int, default=10000)
    parser.add_argument("--database", help="a PostgreSQL URL instead of SQLite")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as instance:
        server = start_server(port, instance, args.database)
        try:
            ok = measure(port, server, args)
            respawn = respawn_seconds(port, server)
        finally:
            server.terminate()
            server.wait(timeout=20)
    bare = bare_respawn_seconds()
    record("worker start-up (killed, replaced and answering)", f"{respawn:.2f} s",
           f"{respawn / bare:.1f}x a bare Flask app under the same gunicorn ({bare:.2f} s)",
           "< 1 s", respawn < 1)
    with tempfile.TemporaryDirectory() as instance:
        cold, cold_bare = worker_startup(instance)
    print(f"INFO cold start of the app in a fresh interpreter, imports included: {cold:.2f} s "
          f"({cold / cold_bare:.1f}x a bare Flask app, {cold_bare:.2f} s)", flush=True)
    return 0 if ok and respawn < 1 else 1


def measure(port: int, server: subprocess.Popen[bytes], args: argparse.Namespace) -> bool:
    """Measure each operation against /healthz in alternating slices of the same run."""
    c = args.clients

    def health(i: int, n: int) -> tuple[str, str, None, dict[str, str]]:
        return "GET", "/healthz", None, {}

    run("warm-up", port, health, c, 1.0)
    idle = max(worker_rss_mb(server) or [0.0])
    convs = [post_json(port, "/api/v1/conversations", {}) for _ in range(c)]
    auth = [{"Authorization": f"Bearer {s['token']}"} for s in convs]
    read = alternate(port, health, lambda i, n: (
        "GET", f"/api/v1/conversations/{convs[i]['id']}", None, auth[i]), "read a step",
        args.seconds, c)

    def start(i: int, n: int) -> tuple[str, str, bytes, dict[str, str]]:
        return "POST", "/api/v1/conversations", b"{}", JSON

    begin = alternate(port, health, start, "start a conversation", args.seconds, c, expect=201)
    per_client = 1000
    started = [[post_json(port, "/api/v1/conversations", {}) for _ in range(per_client)]
               for _ in range(c)]
    body = json.dumps({"state": "welcome", "version": 1, "answers": ANSWER}).encode()
    used = [0] * c

    def answer(i: int, n: int) -> tuple[str, str, bytes, dict[str, str]] | None:
        if used[i] == per_client:
            return None
        conv, used[i] = started[i][used[i]], used[i] + 1
        return ("POST", f"/api/v1/conversations/{conv['id']}/answers", body,
                {**JSON, "Authorization": f"Bearer {conv['token']}"})

    reply = alternate(port, health, answer, "answer a step", args.seconds, c)
    ok = True
    for (base, result), share, p99 in ((read, 0.50, 50), (reply, 0.25, 100), (begin, 0.25, 50)):
        ok &= report(base, result, share, p99)
    total = begin[1].count + c * (per_client + 1)
    while total < args.conversations:
        total += run("more conversations", port, start, c, 2.0, expect=201).count
    worst = max(worker_rss_mb(server) or [0.0])
    ok &= worst < 150
    record(f"memory per worker after {total} conversations", f"{worst:.0f} MB",
           f"{worst / idle:.2f}x the worker at rest ({idle:.0f} MB)", "< 150 MB", worst < 150)
    return ok


def report(base: Result, result: Result, share: float, p99: float) -> bool:
    """Print one operation beside its baseline and record its target."""
    print(f"{base.line()}\n{result.line()}", flush=True)
    ratio = result.rate / base.rate
    holds = ratio >= share and result.pct(0.99) < p99 and result.errors == 0
    record(result.name, f"{result.rate:.0f} req/s, p99 {result.pct(0.99):.1f} ms, "
                        f"{result.errors} errors",
           f"{ratio:.2f}x /healthz at {base.rate:.0f} req/s, p99 {base.pct(0.99):.1f} ms",
           f">= {share:.2f}x, p99 < {p99} ms", holds)
    return holds


if __name__ == "__main__":
    sys.exit(main())
