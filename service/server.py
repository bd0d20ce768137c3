"""``bearings serve``: gunicorn on the app factory, migrations applied once before forking."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication


def options(host: str, port: int, workers: int) -> dict[str, Any]:
    """Return the gunicorn settings `bearings serve` runs with."""
    return {"bind": f"{host}:{port}", "workers": max(1, workers), "worker_class": "gthread",
            "threads": 4, "timeout": 60, "graceful_timeout": 10, "keepalive": 5,
            "accesslog": None, "errorlog": "-", "loglevel": "warning"}


class Server(BaseApplication):  # type: ignore[misc]
    """Gunicorn configured in code, each worker building its own app with ``factory``."""

    def __init__(self, settings: dict[str, Any], factory: Callable[[], Any]) -> None:
        self.settings = settings
        self.factory = factory
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        app = self.factory()
        # What the app holds from here on (flows, templates, compiled statements) lives as
        # long as the worker: kept out of the collector's sight, a full collection no longer
        # walks it, which takes the longest pauses out of the slowest requests.
        gc.collect()
        gc.freeze()
        return app


def serve(host: str, port: int, workers: int) -> int:
    """Migrate the database once, then serve until stopped."""
    from . import create_app

    create_app()  # applies migrations and creates the secret key before workers start
    os.environ["BEARINGS_AUTO_MIGRATE"] = "off"
    Server(options(host, port, workers), create_app).run()
    return 0
