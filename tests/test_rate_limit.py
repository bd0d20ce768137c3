"""Rate limits per client: a 429 with Retry-After and a message; off when told; shared via Redis."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import required_url

REDIS_HINT = ("set BEARINGS_TEST_REDIS_URL=redis://127.0.0.1:6379/15 to test limits shared "
              "through Redis")
URL = "/api/v1/calculators"


def redis_url() -> str:
    """Return the Redis test URL."""
    return required_url("BEARINGS_TEST_REDIS_URL", "shared rate limits", REDIS_HINT)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Limits do not depend on the database: SQLite only."""
    return f"sqlite:///{tmp_path / 'bearings.db'}"


def _spend(client: FlaskClient, count: int, **headers: str) -> list[int]:
    return [client.get(URL, headers=headers).status_code for _ in range(count)]


def test_a_client_past_its_limit_gets_429_with_retry_after(make_app: Any) -> None:
    client = make_app(RATE_LIMIT="5/minute").test_client()
    assert _spend(client, 5) == [200] * 5
    refused = client.get(URL)
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    body = refused.get_json()
    assert body["retry_after"] == wait and "5 per 1 minute" in body["message"]


def test_only_a_refusal_carries_retry_after(make_app: Any) -> None:
    client = make_app(RATE_LIMIT="5/minute").test_client()
    response = client.get(URL)
    assert response.status_code == 200 and "Retry-After" not in response.headers
    assert response.headers["X-RateLimit-Remaining"] == "4"


def test_one_budget_covers_every_route_and_the_chat_says_so_in_html(make_app: Any) -> None:
    client = make_app(RATE_LIMIT="2/minute").test_client()
    _spend(client, 2)
    refused = client.get("/", headers={"Accept": "text/html"})
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert "Retry-After" in refused.headers and "try again" in refused.text


def test_health_checks_and_static_files_are_never_limited(make_app: Any) -> None:
    client = make_app(RATE_LIMIT="1/minute").test_client()
    for path in ["/healthz", "/readyz", "/assets/chat.css", "/embed.js", "/favicon.ico"] * 3:
        with client.get(path) as response:
            assert response.status_code == 200, path


def test_off_disables_the_limit(make_app: Any) -> None:
    client = make_app(RATE_LIMIT="off").test_client()
    responses = [client.get(URL) for _ in range(30)]
    assert {r.status_code for r in responses} == {200}
    assert "X-RateLimit-Limit" not in responses[-1].headers


def test_each_client_has_its_own_budget_behind_a_trusted_proxy(make_app: Any) -> None:
    client = make_app(RATE_LIMIT="3/minute", TRUSTED_PROXIES=1).test_client()
    assert _spend(client, 4, **{"X-Forwarded-For": "203.0.113.7"}) == [200] * 3 + [429]
    assert _spend(client, 3, **{"X-Forwarded-For": "203.0.113.8"}) == [200] * 3


def test_a_forged_forwarded_for_does_not_reset_the_budget(make_app: Any) -> None:
    client = make_app(RATE_LIMIT="3/minute").test_client()
    forged = [client.get(URL, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
              for n in range(4)]
    assert forged == [200] * 3 + [429]


def _shared_app(make_app: Any, prefix: str, storage: str) -> Flask:
    app: Flask = make_app(RATE_LIMIT="5/minute", REDIS_URL=storage,
                          RATELIMIT_KEY_PREFIX=prefix)
    return app


def test_two_instances_share_one_count_through_redis(make_app: Any) -> None:
    prefix = f"bearings-test-{secrets.token_hex(6)}"
    one = _shared_app(make_app, prefix, redis_url()).test_client()
    two = _shared_app(make_app, prefix, redis_url()).test_client()
    assert _spend(one, 3) + _spend(two, 2) == [200] * 5
    assert one.get(URL).status_code == 429 and two.get(URL).status_code == 429


def test_without_redis_each_instance_counts_alone(make_app: Any) -> None:
    one = make_app(RATE_LIMIT="5/minute").test_client()
    two = make_app(RATE_LIMIT="5/minute").test_client()
    assert _spend(one, 5) + _spend(two, 5) == [200] * 10


def test_an_unreachable_redis_falls_back_to_memory_not_to_errors(make_app: Any) -> None:
    client = _shared_app(make_app, "unreachable", "redis://127.0.0.1:9/0").test_client()
    assert _spend(client, 6) == [200] * 5 + [429]
