"""Time one PDF letter and a full evidence pack against a plain fpdf2 page, in the same run.

Run: ``.venv/bin/python bench/bench_letters.py [--runs N]``. Targets: a one-page PDF letter
under 50 ms, a full evidence pack under 1 s. The baseline is a plain one-page fpdf2 document
with the same two bundled fonts and the same amount of text, so the ratio says how much the
letter machinery adds to what fpdf2 itself costs on this machine.

A worker keeps the fonts cut to the characters of the last few people's letters (see
``service/letters/_fonts.py``), so the letter is timed as a person's second and later letters
are made. The first letter with characters not seen before, which makes its cut, is printed
as INFO: each of those runs adds a letter to the name that no earlier run drew.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from itertools import cycle
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fpdf import FPDF  # noqa: E402 - after the path is set

from service import letters  # noqa: E402
from service.calculators import run  # noqa: E402
from service.letters._fonts import FONT_DIR  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from _targets import record  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "letters"
TODAY = date(2025, 7, 10)
LETTER = "error-trade-claim"
LETTER_TARGET, PACK_TARGET = 0.050, 1.0


def fixture(type_id: str) -> dict[str, Any]:
    """Return a letter type's golden input."""
    data: dict[str, Any] = json.loads((GOLDEN / f"{type_id}.json").read_text("utf-8"))
    return data


def baseline(text: str) -> bytes:
    """Return a plain one-page fpdf2 document with the bundled fonts and ``text``."""
    pdf = FPDF(format="letter")
    pdf.add_font("DejaVu", "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(0, 6, "Baseline", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def letter() -> bytes:
    """Return the one-page letter as PDF."""
    return letters.render(LETTER, fixture(LETTER), "pdf", today=TODAY).content


def first_letters() -> Callable[[], bytes]:
    """Return a function making the letter for a name with a character not drawn lately.

    It cycles through some 300 letters, far more than the cuts a worker keeps.
    """
    fresh = cycle(chr(point) for point in range(0x100, 0x250) if chr(point).isalpha())
    data = fixture(LETTER)

    def make() -> bytes:
        named = {**data, "full_name": f"{data['full_name']} {next(fresh)}"}
        return letters.render(LETTER, named, "pdf", today=TODAY).content

    return make


def pack_inputs() -> dict[str, Any]:
    """Return a conversation in which every letter type is ready."""
    facts: dict[str, Any] = {}
    for letter_type in letters.letter_types():
        facts.update(fixture(letter_type.id))
    facts.pop("bureau")
    facts["bureau_request"] = "freeze"
    deadlines = run("deadlines", {"learned_of_loss": "2025-07-03", "bank_statement_date":
                                  "2025-07-31", "wire_sent_at": "2025-07-07T15:30:00Z",
                                  "today": TODAY.isoformat()})
    return {"facts": facts, "results": {"deadlines": deadlines},
            "documents": [letter_type.id for letter_type in letters.letter_types()],
            "timeline": facts["timeline_events"],
            "checklist": [{"id": "bank", "text": "Call the bank", "done": True}],
            "deadlines": deadlines["deadlines"], "today": TODAY}


def timed(function: Callable[[], Any], runs: int) -> float:
    """Return the median wall time of ``runs`` calls, after one warm-up call."""
    function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    """Run the benchmark and print one line per measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    content = letter()
    pages = content.count(b"/Type /Page\n")
    text = letters.render(LETTER, fixture(LETTER), "txt", today=TODAY).content.decode()
    inputs = pack_inputs()
    base = timed(lambda: baseline(text), runs)
    one = timed(letter, runs)
    first = timed(first_letters(), runs)
    pack = timed(lambda: letters.evidence_pack(**inputs), max(3, runs // 5))
    print(f"baseline  plain fpdf2 page, same fonts and text: {base * 1000:8.1f} ms")
    print(f"INFO first letter with characters not seen before (cuts the fonts): "
          f"{first * 1000:.1f} ms ({first / base:.2f}x the plain page)")
    ok = True
    for label, seconds, target in ((f"letter {LETTER} ({pages} page) PDF", one, LETTER_TARGET),
                                   ("evidence pack, every letter type ready", pack,
                                    PACK_TARGET)):
        ok &= seconds < target
        record(label, f"{seconds * 1000:.1f} ms", f"{seconds / base:.2f}x a plain fpdf2 page "
                                                  f"({base * 1000:.1f} ms)",
               f"< {target * 1000:.0f} ms", seconds < target)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
