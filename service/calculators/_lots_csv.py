"""Form 8949 rows as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import Any

HEADER = ("Box", "(a) Description of property", "(b) Date acquired",
          "(c) Date sold or disposed of", "(d) Proceeds (sales price)",
          "(e) Cost or other basis", "(f) Code(s)", "(g) Amount of adjustment",
          "(h) Gain or (loss)")
_AMOUNT_COLUMNS = frozenset((4, 5, 7, 8))
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str, amount: bool = False) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula (plain numbers pass)."""
    if value.startswith(_FORMULA) and not (amount and _NUMBER.fullmatch(value)):
        return "'" + value
    return value


def form_8949_csv(result: Mapping[str, Any]) -> str:
    """Return the disposals of a `lots` result as Form 8949 CSV, columns (a) to (h)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in result.get("disposals", ()):
        cells = (row["form_8949_box"], f"{row['quantity']} {row['asset']}",
                 row.get("acquired") or "VARIOUS", row["disposed"], row["proceeds"],
                 row["cost_basis"], "", "", row["gain"])
        writer.writerow([safe_cell(str(cell), index in _AMOUNT_COLUMNS)
                         for index, cell in enumerate(cells)])
    return out.getvalue()
