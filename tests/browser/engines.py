"""The shipped flows plus a short one whose letter is ready at its end (for download tests)."""

from __future__ import annotations

from pathlib import Path

from service import calculators, letters, load_engines
from service.engine import Engine, load_flow

LETTER_FLOW = Path(__file__).parent / "flows" / "letter-check.yaml"


def with_letter_flow() -> dict[str, Engine]:
    """Return the engines of every shipped flow and of the letter-check flow."""
    flow = load_flow(LETTER_FLOW)
    return {**load_engines(), flow.id: Engine(flow, calculate=calculators.run,
                                              documents=letters.documents_for,
                                              check=letters.check_answers)}
