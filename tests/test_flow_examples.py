"""The examples the flow shows under a field are answers that field accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.engine.answers import build_schema
from service.engine.flowdef import load_flow

FLOW = load_flow(Path(__file__).parent.parent / "flows" / "crypto-loss-recovery.yaml")
_EXAMPLE = re.compile(r"[Ff]or example:?\s+(.+?)(?:\.\s+[A-Z].*)?$", re.S)
#: Fields whose help shows a time or a line of several parts, written as people type them.
SHOWN = ("wire_sent_at", "order_time", "trades", "crypto_transfers")


def _fields() -> dict[str, object]:
    states = FLOW.states.values() if isinstance(FLOW.states, dict) else FLOW.states
    return {spec.name: spec for state in states for spec in state.fields if spec.name in SHOWN}


@pytest.mark.parametrize("name", SHOWN)
def test_the_example_in_the_help_is_accepted(name: str) -> None:
    spec = _fields()[name]
    found = _EXAMPLE.search(" ".join(spec.help.split()))
    assert found, spec.help
    example = found.group(1).rstrip(".")
    assert "UTC" not in spec.help and "Z;" not in example
    loaded = build_schema((spec,)).load({name: example})
    assert loaded[name]
