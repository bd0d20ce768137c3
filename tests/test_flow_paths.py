"""Every path of every shipped flow is walked to completion; every edge is taken."""

from __future__ import annotations

import pytest

from service import calculators, load_engines
from service.engine import Engine

from .flow_walk import walk

ENGINES = load_engines()


@pytest.mark.parametrize("flow_id", sorted(ENGINES))
def test_every_branch_reaches_the_end(flow_id: str) -> None:
    engine: Engine = ENGINES[flow_id]
    edges, finished = walk(engine)
    graph = {(s.id, t.to) for s in engine.flow.states.values() for t in s.next}
    assert graph - edges == set(), "transitions no answers lead through"
    assert finished and all(engine.flow.states[p[-1]].final for p in finished)
    visited = {state for path in finished for state in path}
    assert visited == set(engine.flow.states)


def test_calculators_named_by_flows_exist() -> None:
    for engine in ENGINES.values():
        assert set(engine.flow.calculators) <= set(calculators.names())
