"""``bearings serve``: gunicorn on the app factory, migrations applied once before forking."""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):  # type: ignore[misc]
    """Gunicorn configured in code, each worker building its own app."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from . import create_app

        return create_app()


def serve(host: str, port: int, workers: int) -> int:
    """Migrate the database once, then serve until stopped."""
    from . import create_app

    create_app()  # applies migrations and creates the secret key before workers start
    os.environ["BEARINGS_AUTO_MIGRATE"] = "off"
    _Server({"bind": f"{host}:{port}", "workers": max(1, workers), "worker_class": "gthread",
             "threads": 4, "timeout": 60, "graceful_timeout": 10, "keepalive": 5,
             "accesslog": None, "errorlog": "-", "loglevel": "warning"}).run()
    return 0
