"""Golden files: each letter type's fixture rendered as text, diffed on every run.

Regenerate deliberately, then review the diff:
``BEARINGS_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_letters_golden.py``
"""

from __future__ import annotations

import difflib
import json
import os
from datetime import date
from pathlib import Path

import pytest

from service import letters

GOLDEN = Path(__file__).parent / "golden" / "letters"
TODAY = date(2025, 7, 10)
UPDATE = os.environ.get("BEARINGS_UPDATE_GOLDEN") == "1"


def test_every_type_has_a_golden_input() -> None:
    inputs = {path.stem for path in GOLDEN.glob("*.json")}
    assert inputs == {letter.id for letter in letters.letter_types()}


@pytest.mark.parametrize("type_id", [letter.id for letter in letters.letter_types()])
def test_text_matches_golden(type_id: str) -> None:
    data = json.loads((GOLDEN / f"{type_id}.json").read_text("utf-8"))
    text = letters.render(type_id, data, "txt", today=TODAY).content.decode("utf-8")
    expected_path = GOLDEN / f"{type_id}.txt"
    if UPDATE:
        expected_path.write_text(text, "utf-8")
    assert expected_path.exists(), "no golden file; run with BEARINGS_UPDATE_GOLDEN=1"
    expected = expected_path.read_text("utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                        f"golden/{type_id}.txt", "rendered"))
    assert text == expected, diff
