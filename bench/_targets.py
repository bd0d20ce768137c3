"""One shape for every benchmark target, so that bench/run.py can print a single table.

A benchmark calls :func:`record` for each target; the line is printed at once and, when
``BEARINGS_BENCH_RESULTS`` names a file, appended to it as JSON for the summary.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

RESULTS = "BEARINGS_BENCH_RESULTS"


@dataclass(frozen=True)
class Target:
    """A measured figure, its ratio to a baseline of the same run, and the goal it meets."""

    name: str
    figure: str
    ratio: str
    goal: str
    holds: bool


def verdict(ok: bool) -> str:
    """Return the word for a target met or missed."""
    return "holds" if ok else "MISSED"


def record(name: str, figure: str, ratio: str, goal: str, holds: bool) -> Target:
    """Print one target and keep it for the summary."""
    target = Target(name, figure, ratio, goal, holds)
    print(f"TARGET {name}: {figure} ({ratio}); goal {goal}: {verdict(holds)}", flush=True)
    path = os.environ.get(RESULTS)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(target)) + "\n")
    return target


def load(path: str) -> list[Target]:
    """Return the targets recorded in ``path``."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [Target(**json.loads(line)) for line in handle if line.strip()]
