"""The shipped flows plus short ones for the tests: a letter ready at the end (downloads), a
branch with an upload (changing an answer, files, multi-line answers) and a time with the
deadlines it starts (time zones, passed deadlines)."""

from __future__ import annotations

from pathlib import Path

from service import calculators, letters, load_engines
from service.engine import Engine, load_flow

FLOWS = Path(__file__).parent / "flows"
LETTER_FLOW = FLOWS / "letter-check.yaml"
CHANGE_FLOW = FLOWS / "change-check.yaml"
TIME_FLOW = FLOWS / "time-check.yaml"


def _engine(path: Path) -> Engine:
    return Engine(load_flow(path), calculate=calculators.run, documents=letters.documents_for,
                  check=letters.check_answers)


def with_letter_flow() -> dict[str, Engine]:
    """Return the engines of every shipped flow and the letter, change and time-check flows."""
    made = [_engine(LETTER_FLOW), _engine(CHANGE_FLOW), _engine(TIME_FLOW)]
    return {**load_engines(), **{engine.flow.id: engine for engine in made}}
