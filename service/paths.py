"""Where the data directories live: the repository checkout or an installed wheel.

A checkout keeps ``flows/`` and ``templates/`` beside the ``service`` package; a wheel maps
them into ``service/_data/`` (see ``force-include`` in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["flows_dir", "templates_dir"]

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    """Return the directory ``name``: inside the installed package, else in the checkout."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def templates_dir() -> Path:
    """Return the directory holding every Jinja2 template (``letters/`` and ``web/``)."""
    return _data_dir("templates")


def flows_dir(configured: str | Path | None = None) -> Path:
    """Return the directory holding the flow definitions (``configured`` when given)."""
    return Path(configured) if configured else _data_dir("flows")
