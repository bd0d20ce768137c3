"""Fixtures: the app on SQLite and on PostgreSQL, a client, a CLI runner and a driver."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app

IN_CI = os.environ.get("CI") == "true"
PG_HINT = ("set BEARINGS_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<db> "
           "to run the PostgreSQL half of the suite")


def required_url(variable: str, what: str, hint: str) -> str:
    """Return a service's test URL; fail in CI and skip loudly elsewhere when it is unset."""
    url = os.environ.get(variable, "")
    if not url:
        if IN_CI:
            pytest.fail(f"CI must test {what}: {hint}")
        pytest.skip(f"{what.upper()} NOT TESTED: {hint}")
    return url


def postgres_url() -> str:
    """Return the PostgreSQL test URL."""
    return required_url("BEARINGS_TEST_DATABASE_URL", "PostgreSQL", PG_HINT)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return a database URL: a fresh SQLite file, or the PostgreSQL test database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bearings.db'}"
    return postgres_url()


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Any]:
    """Return a factory of apps on the test database, closing their pools afterwards."""
    made: list[Flask] = []

    def factory(**settings: Any) -> Flask:
        config = {"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "instance"),
                  "RATE_LIMIT": "off", "SECRET_KEY": "test-secret", "TESTING": True}
        made.append(create_app({**config, **settings}))
        return made[-1]

    yield factory
    for application in made:
        application.extensions["bearings"].store.dispose()


@pytest.fixture
def app(make_app: Any) -> Flask:
    """Return the app on the test database."""
    application: Flask = make_app()
    return application


@pytest.fixture
def sqlite_client(tmp_path: Path) -> Iterator[FlaskClient]:
    """Return a client of an app on SQLite only, for routes that touch no conversation."""
    application = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'bearings.db'}",
                              "INSTANCE_PATH": str(tmp_path), "RATE_LIMIT": "off",
                              "SECRET_KEY": "test-secret", "TESTING": True})
    yield application.test_client()
    application.extensions["bearings"].store.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    """Return a CLI runner for the app."""
    return app.test_cli_runner()


class Driver:
    """Drive one conversation through the JSON API, as a client would."""

    def __init__(self, client: FlaskClient, flow: str | None = None) -> None:
        self.client = client
        body = {"flow": flow} if flow else {}
        response = client.post("/api/v1/conversations", json=body)
        assert response.status_code == 201, response.json
        self.step: dict[str, Any] = response.get_json()
        self.token = self.step.pop("token")
        self.id = self.step["id"]

    @property
    def headers(self) -> dict[str, str]:
        """Return the authorization header."""
        return {"Authorization": f"Bearer {self.token}"}

    def url(self, suffix: str = "") -> str:
        """Return this conversation's URL."""
        return f"/api/v1/conversations/{self.id}{suffix}"

    def answer(self, expect: int = 200, **answers: Any) -> Any:
        """Answer the current step; return the response body."""
        response = self.client.post(self.url("/answers"), headers=self.headers, json={
            "state": self.step["state"], "version": self.step["version"], "answers": answers})
        assert response.status_code == expect, response.get_json()
        if expect == 200:
            self.step = response.get_json()
        return response.get_json()

    def back(self) -> dict[str, Any]:
        """Go back one step."""
        response = self.client.post(self.url("/back"), headers=self.headers)
        assert response.status_code == 200, response.get_json()
        self.step = response.get_json()
        return self.step

    def get(self, suffix: str = "") -> Any:
        """GET a conversation URL with the token."""
        return self.client.get(self.url(suffix), headers=self.headers)


@pytest.fixture
def driver(client: FlaskClient) -> Any:
    """Return a factory of conversation drivers."""
    return lambda flow=None: Driver(client, flow)
