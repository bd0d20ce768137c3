"""`lots` for a file of any size: parse with transactions compacted, write rows as found.

``bearings calc lots`` reads a million transactions and writes as many Form 8949 rows: held
as dicts they would take gigabytes, so :func:`parse_request` turns each plainly valid
transaction into its compact row while the JSON is parsed, and :func:`write` sends each
disposal out as soon as the sweep finds it, one JSON object a line.
"""

from __future__ import annotations

import json
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, TextIO

from ._lots_input import make_hook
from ._lots_report import DISPOSAL_FIELDS, Disposal
from ._lots_run import pairs, result, sweep

__all__ = ["parse_request", "write"]

_encode = json.JSONEncoder(ensure_ascii=False).encode
_BATCH = 2048
#: One disposal as a JSON object, its values filled in already encoded.
_ROW = "{" + ", ".join(f"{encode_basestring(name)}: %s" for name in DISPOSAL_FIELDS) + "}"


def _value(value: str | None) -> str:
    """Return a disposal's value (text or null) as JSON, as ``json.dumps`` would."""
    return "null" if value is None else encode_basestring(value)


def _row(row: Disposal) -> str:
    """Return one disposal row (its fields in the order of DISPOSAL_FIELDS) as JSON, one line."""
    return _ROW % tuple(map(_value, row.values()))


def parse_request(text: str | bytes) -> Any:
    """Parse a `lots` request (numbers with fractions as Decimal), transactions compacted."""
    payload = json.loads(text, parse_float=Decimal, object_hook=make_hook())
    if isinstance(payload, dict):
        return payload
    return json.loads(text, parse_float=Decimal)  # not a request: let validation say why


def _pretty(value: Any) -> str:
    """Return ``value`` as indented JSON two levels in; a list of objects one a line."""
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return "[\n    " + ",\n    ".join(map(_encode, value)) + "\n  ]"
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")


def write(loaded: dict[str, Any], out: TextIO) -> None:
    """Compute a loaded `lots` request and write the result to ``out`` as JSON.

    :raises ValidationError: before anything is written, as :func:`compute` would.
    """
    paired = pairs(loaded)
    out.write(f'{{\n  "method": {_encode(loaded["method"])},\n  "tax_year": '
              f'{_encode(loaded["tax_year"])},\n  "disposals": [')
    batch: list[Disposal] = []
    separator = ["\n    "]

    def flush() -> None:
        if batch:
            out.write(separator[0] + ",\n    ".join(map(_row, batch)))
            separator[0] = ",\n    "
            batch.clear()

    def emit(row: Disposal) -> None:
        batch.append(row)
        if len(batch) >= _BATCH:
            flush()

    report, held, held_basis = sweep(loaded, paired, emit)
    flush()
    out.write("\n  ]" if report.rows else "]")
    for key, value in result(loaded, report, held, held_basis).items():
        if key not in ("method", "tax_year", "disposals"):
            out.write(f",\n  {_encode(key)}: {_pretty(value)}")
    out.write("\n}\n")
