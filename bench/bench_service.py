"""Service speed under gunicorn (2 workers, 16 clients), each figure a ratio to /healthz.

Targets: reading a step >= 50% of /healthz throughput, p99 < 50 ms; answering a step >= 25%,
p99 < 100 ms; starting a conversation >= 25%, p99 < 50 ms; worker start-up < 1 s; memory per
worker < 150 MB after 10,000 conversations.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _load import Result, post_json, run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BEARINGS = ROOT / ".venv" / "bin" / "bearings"
JSON = {"Content-Type": "application/json"}


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, instance: str, database: str | None) -> subprocess.Popen[bytes]:
    """Start `bearings serve` with 2 workers; return once /healthz answers."""
    env = {**os.environ, "BEARINGS_INSTANCE_PATH": instance, "BEARINGS_RATE_LIMIT": "off"}
    if database:
        env["BEARINGS_DATABASE_URL"] = database
    server = subprocess.Popen([str(BEARINGS), "serve", "--port", str(port), "--workers", "2"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit("the server did not start: " + server.stderr.read().decode()[-2000:])


def worker_rss_mb(server: subprocess.Popen[bytes]) -> list[float]:
    """Return the resident memory of each gunicorn worker, in MB."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def worker_startup_seconds() -> float:
    """Return how long creating the app takes in a fresh interpreter (a worker's start-up)."""
    code = ("import time; t=time.perf_counter(); from service import create_app; "
            "import tempfile; create_app({'INSTANCE_PATH': tempfile.mkdtemp(), "
            "'RATE_LIMIT': 'off'}); print(time.perf_counter()-t)")
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", code],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def verdict(ok: bool) -> str:
    """Return the word for a target met or missed."""
    return "holds" if ok else "MISSED"


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
            return measure(port, server, args)
        finally:
            server.terminate()
            server.wait(timeout=20)


def measure(port: int, server: subprocess.Popen[bytes], args: argparse.Namespace) -> int:
    """Measure each operation against /healthz in the same run."""
    base = f"http://127.0.0.1:{port}"
    del base
    c = args.clients
    run("warm-up", port, lambda i, n: ("GET", "/healthz", None, {}), c, 1.0)
    health = run("/healthz (baseline)", port, lambda i, n: ("GET", "/healthz", None, {}),
                 c, args.seconds)
    convs = [post_json(port, "/api/v1/conversations", {}) for _ in range(c)]
    auth = [{"Authorization": f"Bearer {s['token']}"} for s in convs]
    read = run("read a step", port, lambda i, n: (
        "GET", f"/api/v1/conversations/{convs[i]['id']}", None, auth[i]), c, args.seconds)
    started: list[list[dict]] = [[] for _ in range(c)]

    def start(i: int, n: int) -> tuple[str, str, bytes, dict[str, str]]:
        return "POST", "/api/v1/conversations", b"{}", JSON

    begin = run("start a conversation", port, start, c, args.seconds, expect=201)
    pool = [post_json(port, "/api/v1/conversations", {}) for _ in range(c * 200)]
    for index, conv in enumerate(pool):
        started[index % c].append(conv)
    body = json.dumps({"state": "welcome", "version": 1, "answers": {
        "situation": "partner", "funding": ["heloc"]}}).encode()

    def answer(i: int, n: int) -> tuple[str, str, bytes, dict[str, str]]:
        conv = started[i][n]
        return ("POST", f"/api/v1/conversations/{conv['id']}/answers", body,
                {**JSON, "Authorization": f"Bearer {conv['token']}"})

    reply = run("answer a step", port, answer, c, args.seconds, limit_per_client=200)
    total = begin.count + len(pool) + c
    while total < args.conversations:
        total += run("more conversations", port, start, c, 2.0, expect=201).count
    rss = worker_rss_mb(server)
    report(health, read, begin, reply, rss, total, worker_startup_seconds())
    return 0


def report(health: Result, read: Result, begin: Result, reply: Result, rss: list[float],
           total: int, startup: float) -> None:
    """Print each figure, its ratio to the baseline and whether the target holds."""
    print(health.line())
    for result, share, p99 in ((read, 0.50, 50), (reply, 0.25, 100), (begin, 0.25, 50)):
        ratio = result.rate / health.rate
        ok = ratio >= share and result.pct(0.99) < p99 and result.errors == 0
        print(f"{result.line()}  = {ratio:.2f} x /healthz (target >= {share:.2f}, "
              f"p99 < {p99} ms): {verdict(ok)}")
    worst = max(rss) if rss else 0.0
    print(f"memory per worker after {total} conversations: "
          f"{', '.join(f'{m:.0f} MB' for m in rss)} (target < 150 MB): {verdict(worst < 150)}")
    print(f"worker start-up (create_app in a fresh interpreter): {startup:.2f} s "
          f"(target < 1 s): {verdict(startup < 1)}")


if __name__ == "__main__":
    sys.exit(main())
