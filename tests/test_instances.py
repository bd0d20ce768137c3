"""Two instances on one PostgreSQL and one Redis, as behind a load balancer.

The instances keep nothing of their own: migrations run once with ``bearings migrate``, each
instance starts with BEARINGS_AUTO_MIGRATE=off, its own empty instance folder and the shared
secret key; a conversation started on one is carried on, reviewed, resumed and erased on the
other; two answers to one step sent to both at once give one 200 and one 409; and both count
one client against one shared rate limit.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import postgres_url
from tests.test_crash import ROOT, Server, answers_for, call, server_env, serving, start
from tests.test_rate_limit import redis_url

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server, Path]]:
    """Return two instances on the test PostgreSQL and Redis, migrated once beforehand."""
    root = tmp_path_factory.mktemp("instances")
    shared = {"BEARINGS_AUTO_MIGRATE": "off", "BEARINGS_REDIS_URL": redis_url(),
              "BEARINGS_RATE_LIMIT": "100000/minute", "BEARINGS_TRUSTED_PROXIES": "1"}
    url = postgres_url()
    migrated = subprocess.run([sys.executable, "-m", "service.cli", "migrate"], cwd=ROOT,
                              env=server_env(url, root / "migrate"), capture_output=True,
                              text=True, timeout=120, check=False)
    assert migrated.returncode == 0, migrated.stderr
    with serving(server_env(url, root / "a", **shared), root / "a.log", workers=1) as one, \
            serving(server_env(url, root / "b", **shared), root / "b.log", workers=1) as two:
        yield one, two, root


def _answer(server: Server, step: dict[str, Any], token: str) -> tuple[int, Any]:
    status, body, _ = call(server.port, "POST", f"/api/v1/conversations/{step['id']}/answers",
                           {"state": step["state"], "version": step["version"],
                            "answers": answers_for(step["state"], "moved")}, token=token)
    return status, body


def test_a_conversation_moves_between_instances(pair: tuple[Server, Server, Path]) -> None:
    one, two, _ = pair
    step, token = start(one.port)
    for turn in range(6):
        status, step = _answer((one, two)[turn % 2], step, token)
        assert status == 200, step
    url = f"/api/v1/conversations/{step['id']}"
    for server in (one, two):
        status, review, _ = call(server.port, "GET", url + "/answers", token=token)
        assert status == 200 and len(review["steps"]) == 6
    status, back, _ = call(two.port, "POST", url + "/back", token=token)
    assert status == 200
    status, current, _ = call(one.port, "GET", url, token=token)
    assert current["state"] == back["state"] and current["version"] == back["version"]


def test_a_resume_code_made_on_one_instance_opens_on_the_other(
        pair: tuple[Server, Server, Path]) -> None:
    one, two, _ = pair
    step, token = start(one.port)
    status, made, _ = call(one.port, "POST",
                           f"/widget/api/conversations/{step['id']}/resume-code", token=token)
    assert status == 200, made
    status, opened, _ = call(two.port, "POST", "/widget/api/resume", {"code": made["code"]})
    assert status == 200 and opened == {"id": step["id"], "token": token}


def test_an_erasure_on_one_instance_holds_on_the_other(
        pair: tuple[Server, Server, Path]) -> None:
    one, two, _ = pair
    step, token = start(two.port)
    url = f"/api/v1/conversations/{step['id']}"
    assert call(one.port, "DELETE", url, token=token)[0] == 204
    assert call(two.port, "GET", url, token=token)[0] == 404


def _race(servers: tuple[Server, ...], step: dict[str, Any], token: str) -> list[int]:
    """Send the same answer to every server at once; return the statuses."""
    statuses: list[int] = []
    gate = threading.Barrier(len(servers))

    def send(server: Server) -> None:
        gate.wait()
        statuses.append(_answer(server, step, token)[0])

    threads = [threading.Thread(target=send, args=(server,)) for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_one_step_answered_on_both_at_once_is_taken_once(
        pair: tuple[Server, Server, Path]) -> None:
    one, two, _ = pair
    for _ in range(5):
        step, token = start(one.port)
        assert sorted(_race((one, two), step, token)) == [200, 409]


def test_both_instances_count_one_client_against_one_limit(
        pair: tuple[Server, Server, Path]) -> None:
    one, two, _ = pair
    client = {"X-Forwarded-For": f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.9"}
    left = [int(call(server.port, "GET", "/api/v1/flows", headers=client)[2]
                 ["x-ratelimit-remaining"]) for server in (one, two, one, two)]
    assert left == [left[0] - n for n in range(4)]


def test_the_instances_keep_no_files_of_their_own(pair: tuple[Server, Server, Path]) -> None:
    _, _, root = pair
    for name in ("a", "b"):
        assert sorted(p.name for p in (root / name).iterdir()) == []


def test_migrate_says_so_when_the_database_cannot_be_reached(tmp_path: Path) -> None:
    env = server_env("postgresql+psycopg://nobody@127.0.0.1:9/none", tmp_path)
    failed = subprocess.run([sys.executable, "-m", "service.cli", "migrate"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert failed.stderr.startswith("bearings: cannot migrate the database: OperationalError")
