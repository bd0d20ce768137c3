"""Deterministic calculators: pure functions from a validated request to a result.

Each calculator module defines ``CALCULATOR = Calculator(...)``. Nothing here knows of Flask,
the engine or the store; the web layer and the CLI call :func:`run`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema

from ._common import load

__all__ = ["Calculator", "UnknownCalculator", "get", "names", "run"]

#: Public name → module in this package.
_MODULES = {
    "capital-loss": "capital_loss",
    "tax-savings": "tax",
    "lots": "lots",
    "deadlines": "deadlines",
    "loss-summary": "loss_summary",
    "margin": "margin",
    "debt-payoff": "debt_payoff",
}


@dataclass(frozen=True)
class Calculator:
    """One calculator: its request schema and its pure compute function."""

    name: str
    title: str
    summary: str
    request: type[Schema]
    compute: Callable[[dict[str, Any]], dict[str, Any]]
    response: type[Schema] | None = None


class UnknownCalculator(LookupError):
    """Raised for a calculator name that is not served."""


def names() -> list[str]:
    """Return every calculator name served."""
    return list(_MODULES)


def get(name: str) -> Calculator:
    """Return the calculator called ``name``."""
    module = _MODULES.get(name)
    if module is None:
        raise UnknownCalculator(name)
    calculator: Calculator = importlib.import_module(f"{__name__}.{module}").CALCULATOR
    return calculator


def run(name: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``payload`` and compute; raise marshmallow.ValidationError on bad input."""
    calculator = get(name)
    return calculator.compute(load(calculator.request(), payload))
