"""The app factory: settings, the store, the engines (loaded once per process), the web layer."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask

from . import calculators, letters, logs
from .config import from_environment, instance_path, secret_key
from .conversations import Conversations
from .engine import Engine, load_flow
from .paths import flows_dir, templates_dir
from .store import Store, upgrade

__all__ = ["create_app", "load_engines"]


def _database_url(config: Mapping[str, Any], instance: Any) -> str:
    return config.get("DATABASE_URL") or f"sqlite:///{instance / 'bearings.db'}"


def load_engines(directory: str | Path | None = None) -> dict[str, Engine]:
    """Return an engine per flow in ``directory`` (default flows/), built once per process.

    Engines are immutable apart from their caches, so apps in one process share them; a flow
    file that changes on disk is loaded again.
    """
    folder = flows_dir(directory)
    files = tuple((p, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml")))
    return dict(_engines(folder, files))


@cache
def _engines(folder: Path, files: tuple[tuple[Path, int], ...]) -> dict[str, Engine]:
    engines = {}
    for path, _stamp in files:
        flow = load_flow(path)
        engines[flow.id] = Engine(flow, calculate=calculators.run,
                                  documents=letters.documents_for, check=letters.check_answers,
                                  constraints=letters.vocabulary_constraints)
    if not engines:
        raise FileNotFoundError(f"No flow files (*.yaml) in {folder}.")
    return engines


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the Bearings app: settings from the environment, then ``test_config``."""
    config = {**from_environment(), **(test_config or {})}
    instance = instance_path(config.get("INSTANCE_PATH"))
    app = Flask(__name__, instance_path=str(instance), template_folder=str(templates_dir()),
                static_folder=None)
    app.config.from_mapping(config)
    app.config["SECRET_KEY"] = config.get("SECRET_KEY") or secret_key(instance)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_BYTES"] + 64 * 1024
    app.config["DATABASE_URL"] = _database_url(config, instance)

    store = Store(app.config["DATABASE_URL"])
    if app.config["AUTO_MIGRATE"]:
        upgrade(store.write_engine)
    engines = app.config.get("ENGINES") or load_engines(app.config.get("FLOWS_DIR"))
    app.extensions["bearings"] = Conversations(store, engines,
                                               secret_key=app.config["SECRET_KEY"])

    from .web import init_app

    logs.init_app(app)
    init_app(app)
    return app
