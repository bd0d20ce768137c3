"""Bearings: a guided recovery assistant for the days after a large crypto loss.

The package root imports nothing heavy, so ``bearings calc`` and the pure modules
(calculators, importers, letters) start fast; the web app lives in :mod:`service.app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from .engine import Engine

__all__ = ["create_app", "load_engines"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the Bearings app: settings from the environment, then ``test_config``."""
    from .app import create_app as build

    return build(test_config)


def load_engines(directory: str | Path | None = None) -> dict[str, Engine]:
    """Return an engine per flow in ``directory`` (default flows/), built once per process."""
    from .app import load_engines as load

    return load(directory)
