"""``kill -9`` of the server in the middle of a stream of answers loses no acknowledged answer.

The server is the real thing: ``bearings serve`` (gunicorn) in its own process group on a free
loopback port, serving the small ``stream`` fixture flow. Clients stream answers and record
every 200; the whole process group is SIGKILLed mid-stream; a new server on the same database
must show every acknowledged answer. This module also holds the helpers the other real-server
tests (instances, logs) use.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
STREAM_FLOWS = Path(__file__).parent / "fixtures" / "flows" / "stream"
READY_POLLS = 600  # 0.1 s apart: a minute at most for gunicorn and its workers to start


def free_port() -> int:
    """Return a TCP port free on the loopback interface right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def call(port: int, method: str, path: str, body: Any = None, token: str | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Any, dict[str, str]]:
    """Send one request to the loopback server; return status, parsed body and headers."""
    sent = dict(headers or {})
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    if token:
        sent["Authorization"] = f"Bearer {token}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    received = {k.lower(): v for k, v in response.getheaders()}
    parsed = json.loads(raw) if received.get("content-type", "").startswith(
        "application/json") and raw else raw
    return response.status, parsed, received


def server_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """Return a clean environment for a server: no BEARINGS_* leaks in from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEARINGS_")}
    env.update({"BEARINGS_DATABASE_URL": database_url, "BEARINGS_INSTANCE_PATH": str(instance),
                "BEARINGS_SECRET_KEY": "one-secret-shared-by-every-instance",
                "BEARINGS_FLOWS_DIR": str(STREAM_FLOWS), "BEARINGS_RATE_LIMIT": "off"})
    env.update(extra)
    return env


class Server:
    """``bearings serve`` in a process group of its own, its output going to ``log``."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 2) -> None:
        self.port, self.log = free_port(), log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--workers", str(workers)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self) -> None:
        """Wait until /readyz answers 200; fail with the server's output if it never does."""
        for _ in range(READY_POLLS):
            if self.process.poll() is not None:
                raise AssertionError("the server exited:\n" + self.output()[-4000:])
            try:
                if call(self.port, "GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("the server never became ready:\n" + self.output()[-4000:])

    def output(self) -> str:
        """Return everything the server has written so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash of the machine would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), killing the group if it does not stop in time."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # any worker left behind
        except ProcessLookupError:
            pass


@contextmanager
def serving(env: dict[str, str], log: Path, workers: int = 2) -> Iterator[Server]:
    """Run a server for the block; it is always stopped afterwards."""
    server = Server(env, log, workers)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def answers_for(state: str, tag: str) -> dict[str, Any]:
    """Return the stream flow's answers to ``state``, marked with ``tag``."""
    if state == "who":
        return {"full_name": f"Person {tag}", "email": f"p{tag}@example.com"}
    if state == "account":
        return {"exchange_name": "Coinbase", "exchange_account_id": f"user-{tag}",
                "learned_of_loss": "2025-07-03", "incident_summary": f"Summary {tag}"}
    if state == "figures":
        return {"amount_lost": "1234.56", "noticed_at": "2025-07-03T14:00:00Z",
                "understood": True}
    return {state: f"{state} of {tag}"}


def start(port: int) -> tuple[dict[str, Any], str]:
    """Start a stream conversation; return its first step and its token."""
    status, step, _ = call(port, "POST", "/api/v1/conversations", {"flow": "stream"})
    assert status == 201, step
    return step, step.pop("token")


def kept_answers(port: int, conversation_id: str, token: str) -> dict[str, dict[str, Any]]:
    """Return the conversation's stored answers by state, as GET .../answers lists them."""
    status, body, _ = call(port, "GET", f"/api/v1/conversations/{conversation_id}/answers",
                           token=token)
    assert status == 200, body
    return {s["state"]: {a["name"]: a["value"] for a in s["answers"]} for s in body["steps"]}


class Stream:
    """Clients answering stream conversations until the server dies, noting every 200."""

    def __init__(self, port: int, clients: int, kill_after: int) -> None:
        self.port, self.kill_after = port, kill_after
        self.lock = threading.Lock()
        self.enough, self.interrupted = threading.Event(), threading.Event()
        self.started: list[tuple[str, str]] = []
        self.acknowledged: list[tuple[str, str, dict[str, Any]]] = []
        self.unexpected: list[Any] = []
        self.threads = [threading.Thread(target=self.client, args=(n,)) for n in range(clients)]

    def client(self, number: int) -> None:
        """Start conversations one after another and answer each to the end."""
        for round_ in range(40):
            try:
                step, token = start(self.port)
            except (OSError, http.client.HTTPException):  # killed mid-reply: IncompleteRead
                self.interrupted.set()
                return
            with self.lock:
                self.started.append((step["id"], token))
            if not self.answer_all(step, token, f"c{number}r{round_}"):
                return

    def answer_all(self, step: dict[str, Any], token: str, tag: str) -> bool:
        """Answer every step; return False once the server stops answering."""
        url = f"/api/v1/conversations/{step['id']}/answers"
        while step["status"] == "active":
            answers = answers_for(step["state"], tag)
            try:
                status, body, _ = call(self.port, "POST", url, {
                    "state": step["state"], "version": step["version"], "answers": answers},
                    token=token)
            except (OSError, http.client.HTTPException):
                self.interrupted.set()
                return False
            if status != 200:
                self.unexpected.append((status, body))
                return False
            self.record(step["id"], step["state"], answers)
            step = body
        return True

    def record(self, conversation_id: str, state: str, answers: dict[str, Any]) -> None:
        with self.lock:
            self.acknowledged.append((conversation_id, state, answers))
            if len(self.acknowledged) >= self.kill_after:
                self.enough.set()


@pytest.mark.slow
def test_no_acknowledged_answer_is_lost_when_the_server_is_killed(database_url: str,
                                                                  tmp_path: Path) -> None:
    env = server_env(database_url, tmp_path / "instance")
    with serving(env, tmp_path / "before.log") as server:
        stream = Stream(server.port, clients=6, kill_after=40)
        for thread in stream.threads:
            thread.start()
        reached = stream.enough.wait(timeout=120)
        server.kill()
        for thread in stream.threads:
            thread.join()
    assert reached and stream.interrupted.is_set(), server.output()[-3000:]
    assert stream.unexpected == []
    with serving(env, tmp_path / "after.log") as again:
        kept = {cid: kept_answers(again.port, cid, token) for cid, token in stream.started}
        for conversation_id, state, answers in stream.acknowledged:
            assert kept[conversation_id].get(state) == answers, (conversation_id, state)
        for conversation_id, token in stream.started:
            carry_on(again.port, conversation_id, token, len(kept[conversation_id]))


def carry_on(port: int, conversation_id: str, token: str, answered: int) -> None:
    """Check the conversation holds exactly ``answered`` answers and takes the next one."""
    url = f"/api/v1/conversations/{conversation_id}"
    status, step, _ = call(port, "GET", url, token=token)
    assert status == 200 and step["version"] == answered + 1, step
    if step["status"] == "active":
        status, body, _ = call(port, "POST", url + "/answers", {
            "state": step["state"], "version": step["version"],
            "answers": answers_for(step["state"], "after")}, token=token)
        assert status == 200, body
